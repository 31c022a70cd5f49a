import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityHandler, ActivityTypes, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { MemoryConversationStore } from '../../bot/directline/conversationStore.js';
import { DirectLineAdapter } from '../../bot/directline/directLineAdapter.js';

async function setup() {
  const store = new MemoryConversationStore();
  const adapter = new DirectLineAdapter({ store, bot: { id: 'bot-1', name: 'Bot' }, maxDelayMs: 50 });
  const conversation = await store.create();
  const incoming = (text: string): Partial<Activity> => ({
    type: 'message',
    id: `${conversation.id}|0000099`,
    text,
    from: { id: 'user-1', name: 'U' },
    conversation: { id: conversation.id } as Activity['conversation'],
  });
  const log = async () => (await store.activitiesAfter(conversation.id, 0, 100))!.activities;
  return { store, adapter, conversation, incoming, log };
}

describe('DirectLineAdapter', () => {
  it('runs middleware then logic, and stores replies with ids, timestamps, from = bot, replyToId', async () => {
    const { adapter, conversation, incoming, log } = await setup();
    const seen: string[] = [];
    adapter.use(async (context, next) => {
      seen.push(`middleware:${context.activity.text}`);
      await next();
    });
    await adapter.processActivity(incoming('hi'), async (context) => {
      seen.push(`logic:${context.activity.recipient.id}`);
      const [sent] = await context.sendActivities([{ type: 'message', text: 'hello' }]);
      expect(sent?.id).toBe(`${conversation.id}|0000001`);
    });
    expect(seen).toEqual(['middleware:hi', 'logic:bot-1']);
    const [reply] = await log();
    expect(reply).toMatchObject({
      id: `${conversation.id}|0000001`,
      type: 'message',
      text: 'hello',
      from: { id: 'bot-1', name: 'Bot', role: 'bot' },
      recipient: { id: 'user-1' },
      conversation: { id: conversation.id },
      replyToId: `${conversation.id}|0000099`,
      channelId: 'directline',
    });
    expect(Date.parse(String(reply?.timestamp))).toBeGreaterThan(Date.now() - 10_000);
  });

  it('works with an ActivityHandler bot; traces are dropped, delays wait', async () => {
    const { adapter, incoming, log } = await setup();
    const bot = new ActivityHandler();
    bot.onMessage(async (context, next) => {
      await context.sendTraceActivity('debug', { x: 1 });
      const started = Date.now();
      await context.sendActivities([
        { type: 'delay', value: 30 },
        { type: 'message', text: `got ${context.activity.text}` },
      ]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(25);
      await next();
    });
    await adapter.processActivity(incoming('x'), (context) => bot.run(context));
    expect((await log()).map((a) => [a.type, a.text])).toEqual([['message', 'got x']]);
  });

  it('updates and deletes the bot’s activities', async () => {
    const { adapter, incoming, log } = await setup();
    await adapter.processActivity(incoming('x'), async (context) => {
      const sent = await context.sendActivity('draft');
      await context.updateActivity({ id: sent!.id, type: 'message', text: 'final' });
      const gone = await context.sendActivity('oops');
      await context.deleteActivity(gone!.id);
      await expect(context.deleteActivity('nope')).rejects.toThrow(/no activity nope/);
    });
    expect((await log()).map((a) => a.text)).toEqual(['final']);
  });

  it('continueConversation sends proactively with a saved ConversationReference', async () => {
    const { adapter, incoming, log } = await setup();
    let reference: Partial<ConversationReference> | undefined;
    await adapter.processActivity(incoming('remember'), async (context) => {
      reference = TurnContext.getConversationReference(context.activity);
    });
    await adapter.continueConversation(reference!, async (context) => {
      expect(context.activity).toMatchObject({ type: ActivityTypes.Event, name: 'ContinueConversation' });
      await context.sendActivity('later');
    });
    await adapter.continueConversationAsync('app-id', reference!, async (context) => {
      await context.sendActivity('later again');
    });
    const replies = await log();
    expect(replies.map((a) => a.text)).toEqual(['later', 'later again']);
    expect(replies[0]).toMatchObject({ from: { id: 'bot-1' }, recipient: { id: 'user-1' } });
  });

  it('onTurnError gets errors, like on CloudAdapter; without it the turn rejects', async () => {
    const { adapter, incoming, log } = await setup();
    const boom = async () => {
      throw new Error('boom');
    };
    await expect(adapter.processActivity(incoming('x'), boom)).rejects.toThrow('boom');
    const errors: string[] = [];
    adapter.onTurnError = async (context, error) => {
      errors.push(error.message);
      await context.sendActivity('sorry');
    };
    await adapter.processActivity(incoming('x'), boom);
    expect(errors).toEqual(['boom']);
    expect((await log()).map((a) => a.text)).toEqual(['sorry']);
  });

  it('runs the turns of one conversation one at a time, and of different ones in parallel', async () => {
    const { adapter, store, incoming } = await setup();
    const other = await store.create();
    const events: string[] = [];
    const logic = async (context: TurnContext) => {
      events.push(`start ${context.activity.text}`);
      await sleep(30);
      events.push(`end ${context.activity.text}`);
    };
    await Promise.all([
      adapter.processActivity(incoming('a'), logic),
      adapter.processActivity(incoming('b'), logic),
      adapter.processActivity({ ...incoming('c'), conversation: { id: other.id } as Activity['conversation'] }, logic),
    ]);
    expect(events.indexOf('end a')).toBeLessThan(events.indexOf('start b'));
    expect(events.indexOf('start c')).toBeLessThan(events.indexOf('end a'));
  });

  it('sending into a conversation that is gone fails loudly', async () => {
    const { adapter, store, conversation, incoming } = await setup();
    await expect(
      adapter.processActivity(incoming('x'), async (context) => {
        await store.delete(conversation.id);
        await context.sendActivity('lost');
      }),
    ).rejects.toThrow(/no longer exists/);
  });
});
