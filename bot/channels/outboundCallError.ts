/** An outbound Bot Framework call (a reply to the activity's serviceUrl) that was not made or did not finish. */
export class OutboundCallError extends Error {
  constructor(
    readonly reason: 'refused' | 'timeout',
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundCallError';
  }
}
