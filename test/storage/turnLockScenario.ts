import { ConversationState, TestAdapter, type Middleware, type Storage } from 'botbuilder';

/** Lets other turns run between a turn's read and its save, as a real turn's awaits do. */
async function yieldSeveralTimes(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/**
 * `turns` concurrent turns of one conversation, alternately on two "instances" (an adapter and a
 * ConversationState each, over storages that may share data), each adding 1 to a counter in
 * conversation state. botbuilder saves with eTag '*', so without one turn at a time the turns
 * overwrite each other. Returns the final count.
 */
export async function concurrentCounterTurns(instances: Array<{ storage: Storage; middleware?: Middleware }>, turns: number): Promise<number> {
  const setups = instances.map(({ storage, middleware }) => {
    const adapter = new TestAdapter();
    if (middleware) adapter.use(middleware);
    const state = new ConversationState(storage);
    return { adapter, state, count: state.createProperty<number>('count') };
  });
  await Promise.all(
    Array.from({ length: turns }, (_, i) => {
      const { adapter, state, count } = setups[i % setups.length]!;
      return adapter.processActivity({ type: 'message', text: `turn ${i}` }, async (context) => {
        const seen = (await count.get(context, 0)) ?? 0;
        await yieldSeveralTimes();
        await count.set(context, seen + 1);
        await state.saveChanges(context);
      });
    }),
  );
  const { adapter, count } = setups[0]!;
  let final = -1;
  await adapter.processActivity({ type: 'message', text: 'read' }, async (context) => {
    final = (await count.get(context, 0)) ?? 0;
  });
  return final;
}
