import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export type Activity = Record<string, any>;

/**
 * A Bot Framework client over real loopback HTTP, as the Emulator connects: it POSTs activities to
 * one or more bots' /api/messages and runs the connector (the activity's serviceUrl) that records
 * their replies. `hold` lets a test keep a bot's reply call waiting, so a turn stays in flight.
 */
export class BotFrameworkClient {
  readonly received: Array<{ conversation: string; activity: Activity }> = [];
  /** while set, a reply to this conversation (or to any, with '*') waits for `until` before the connector answers */
  hold: { conversation: string; until: Promise<void>; reached: (conversation: string) => void } | undefined;
  #server: Server | undefined;
  #serviceUrl = '';
  #seq = 0;

  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.post('/v3/conversations/:id/activities{/:replyTo}', async (req, res) => {
      const conversation = String(req.params.id);
      this.received.push({ conversation, activity: req.body as Activity });
      const hold = this.hold;
      if (hold && (hold.conversation === conversation || hold.conversation === '*')) {
        hold.reached(conversation);
        await hold.until;
      }
      res.json({ id: `r${this.received.length}` });
    });
    this.#server = app.listen(0, '127.0.0.1');
    await new Promise((r) => this.#server!.once('listening', r));
    this.#serviceUrl = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /**
   * Holds every reply from now on (turns stay in flight, mid-turn) until `release`; `reached(n)`
   * resolves once replies of n different conversations are waiting.
   */
  holdAll(): { reached(n: number): Promise<void>; release(): void } {
    const seen = new Set<string>();
    const waiters: Array<[number, () => void]> = [];
    let release: () => void = () => undefined;
    const until = new Promise<void>((r) => (release = r));
    this.hold = {
      conversation: '*',
      until,
      reached: (conversation) => {
        seen.add(conversation);
        for (const [n, resolve] of waiters) if (seen.size >= n) resolve();
      },
    };
    return {
      reached: (n) => (seen.size >= n ? Promise.resolve() : new Promise<void>((r) => waiters.push([n, r]))),
      release: () => {
        this.hold = undefined;
        release();
      },
    };
  }

  /** POSTs one message; resolves with the HTTP status once the bot's turn is over. */
  async send(botBase: string, conversation: string, user: string, text: string, locale = 'zh-CN'): Promise<number> {
    const res = await fetch(`${botBase}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `m${++this.#seq}`,
        text,
        channelId: 'emulator',
        serviceUrl: this.#serviceUrl,
        from: { id: user, name: user },
        recipient: { id: 'bot', name: 'bot' },
        conversation: { id: conversation },
        locale,
      }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** The messages (not the Emulator's traces) a conversation has received, in order. */
  messages(conversation: string): Activity[] {
    return this.received.filter((r) => r.conversation === conversation && r.activity.type === 'message').map((r) => r.activity);
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((r) => this.#server?.close(r));
  }
}
