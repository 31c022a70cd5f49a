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
  /** while set, a reply to this conversation waits for it before the connector answers */
  hold: { conversation: string; until: Promise<void>; reached: () => void } | undefined;
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
      if (hold && hold.conversation === conversation) {
        hold.reached();
        await hold.until;
      }
      res.json({ id: `r${this.received.length}` });
    });
    this.#server = app.listen(0, '127.0.0.1');
    await new Promise((r) => this.#server!.once('listening', r));
    this.#serviceUrl = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
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
