import { afterEach } from 'vitest';

/** Call inside a describe: `open()` makes a test's fixture, closed after that test whatever happens. */
export function fixtureEach<F extends { close(): Promise<void> }>(make: () => Promise<F>): () => Promise<F> {
  const open: F[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((f) => f.close()));
  });
  return async () => {
    const f = await make();
    open.push(f);
    return f;
  };
}
