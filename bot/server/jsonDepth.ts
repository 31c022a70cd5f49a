import type { RequestHandler } from 'express';

/**
 * Deepest JSON body any route accepts. Activities, Adaptive Card submits and staff requests
 * nest a dozen levels at most; thousands of levels only serve to overflow the stack of
 * whatever walks the value recursively later (JSON.stringify, zod, the SDK).
 */
export const MAX_JSON_DEPTH = 64;

/** A body nested deeper than MAX_JSON_DEPTH: body-parser turns it into a 400 with this message. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.too.deep';

  constructor(readonly limit: number) {
    super(`the JSON body is nested more than ${limit} levels deep`);
    this.name = 'JsonTooDeepError';
  }
}

/** Whether `value` nests objects/arrays deeper than `limit`, walked with an explicit stack (no recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * First middleware of the app: every body parser on any route (ours, Direct Line's, the staff
 * sign-in's) stores its result with `req.body = parse(…)` inside its own try, so refusing the
 * assignment here makes it that parser's 400, in that router's error shape, before any handler
 * sees the value. One guard for every JSON route, including routers added later.
 */
export function jsonDepthGuard(limit = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    let body: unknown = (req as { body?: unknown }).body;
    Object.defineProperty(req, 'body', {
      configurable: true,
      enumerable: true,
      get: () => body,
      set: (value: unknown) => {
        if (nestsDeeperThan(value, limit)) throw new JsonTooDeepError(limit);
        body = value;
      },
    });
    next();
  };
}
