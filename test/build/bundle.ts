import { SERVER_ENTRY, serverCommand } from '../support/serverProcess.js';

/** What `npm start` runs: dist/server.mjs, made by build/bundleServer.mjs from the tsc output. */
export const BUNDLE = SERVER_ENTRY;

/** The tsc build and its bundle, each rebuilt when stale (serverCommand builds both under one lock). */
export async function ensureBundle(): Promise<string> {
  await serverCommand();
  return BUNDLE;
}
