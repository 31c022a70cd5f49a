// Entry of the review worker thread. Plain JavaScript on purpose: a worker does not inherit the
// parent's TypeScript loader (tsx, or vitest's), so when the service runs from .ts sources this
// registers tsx in the worker first; compiled to .js it just imports the compiled worker.
import { workerData } from 'node:worker_threads';

if (workerData.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
