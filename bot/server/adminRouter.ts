import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { DataFileCorruptError } from '../errors/dataFileCorruptError.js';
import { InputError } from '../errors/inputError.js';
import type { LearnedExampleStore } from '../feedback/learnedExamples.js';
import { dayOf } from '../feedback/reviewLog.js';
import type { ReviewStore } from '../feedback/reviewStore.js';
import { ReviewIndexUnavailableError, type ReviewReport } from '../feedback/reviewReport.js';
import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { maskPii } from '../privacy/piiMasker.js';
import { sendError } from './httpErrors.js';
import { optionalCursor, optionalWholeNumber } from './queryParams.js';

export interface AdminDeps {
  requireStaff: RequestHandler;
  knowledge: KnowledgeBase;
  reviewLog: ReviewStore;
  learned: LearnedExampleStore;
  report: ReviewReport;
  /** rebuilds the understanding with the learned examples; returns how many there are */
  reload: () => Promise<{ learnedExamples: number }>;
  now?: () => number;
}

const MAX_DAYS = 90;
/** groups per page of /review */
const MAX_PAGE = 50;
const DEFAULT_PAGE = 20;

/**
 * Staff-only API of the review page, to mount at /api/admin:
 * GET  /review?days=N&limit=L&cursor=C   one page of open review items grouped by similar wording
 *                                       (biggest first; `nextCursor` fetches the next page)
 * POST /review/resolve           {"ids":[…] | "group": key, "matter": N | null, "example"?: text} — "should
 *                                match matter N" (saved as a learned example phrase) or null to dismiss
 * GET  /summary?days=N           per day: questions, matches, fallbacks, feedback, top unanswered
 * GET  /notices                  data files set aside at start-up because they were broken
 * POST /reload                   re-indexes the matters with the learned examples, no restart
 * The grouping and counting run in the review report's worker thread, never on the event loop.
 */
export function createAdminRouter(deps: AdminDeps): Router {
  const { knowledge, reviewLog, learned, report } = deps;
  const now = deps.now ?? Date.now;
  const router = Router();
  router.use(deps.requireStaff, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const json = express.json({ limit: '16kb' });
  const title = (no: number): string => knowledge.matter(no)?.title ?? '';

  const fromDay = (days: number): string => dayOf(new Date(now() - (days - 1) * 86_400_000));

  router.get('/review', async (req, res) => {
    const days = optionalWholeNumber(req, 'days', 1, MAX_DAYS, 30);
    const limit = optionalWholeNumber(req, 'limit', 1, MAX_PAGE, DEFAULT_PAGE);
    const cursor = optionalCursor(req, 'cursor', 100_000_000);
    const page = await report.groups(fromDay(days), cursor, limit);
    res.json({
      days,
      total: page.total,
      groups: page.groups.map((g) => ({ ...g, guesses: g.guesses.map((x) => ({ ...x, title: title(x.no) })) })),
      nextCursor: cursor + limit < page.total ? String(cursor + limit) : null,
      matters: knowledge.matters.map((m) => ({ no: m.no, title: m.title })),
    });
  });

  router.post('/review/resolve', json, async (req, res) => {
    const body = req.body as { ids?: unknown; group?: unknown; matter?: unknown; example?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new InputError('the body must be a JSON object {"ids": [...], "matter": N | null}');
    const { ids, group, matter, example } = body;
    if (group !== undefined) {
      if (typeof group !== 'string' || group.length > 2000 || ids !== undefined)
        throw new InputError('"group" must be one group\'s "key" from /api/admin/review (and no "ids" beside it)');
    } else if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000 || !ids.every((i) => typeof i === 'string' && i.length <= 64)) {
      throw new InputError('"ids" must be a non-empty list of review item ids (at most 1000), or give "group"');
    }
    if (matter !== null && !(typeof matter === 'number' && Number.isInteger(matter) && knowledge.matter(matter))) {
      throw new InputError(`"matter" must be a matter number (1–${knowledge.matters.length}) or null to dismiss`);
    }
    if (example !== undefined && (typeof example !== 'string' || example.trim() === '' || example.length > 500)) {
      throw new InputError('"example" must be the phrase to learn (1–500 characters)');
    }
    const events = typeof group === 'string' ? await report.members(group, fromDay(MAX_DAYS)) : await report.lookup([...new Set(ids as string[])]);
    if (events.length === 0) throw new InputError('none of these review items exists (they may have expired)', 404);
    let learnedPhrase: string | undefined;
    if (matter !== null) {
      // The phrase is the editor's choice or the group's commonest wording; masked again in case an editor typed a number.
      learnedPhrase = maskPii(typeof example === 'string' ? example.trim() : mostCommon(events.map((e) => e.question)), { landlines: true });
      if (learnedPhrase === '') throw new InputError('these items have no question text to learn; give "example"');
      await learned.add(matter, learnedPhrase);
    }
    const resolved = await reviewLog.resolve(
      events.map((e) => e.id),
      matter as number | null,
    );
    res.json({ resolved, matter, ...(learnedPhrase !== undefined ? { learned: learnedPhrase, title: title(matter as number) } : {}) });
  });

  router.get('/summary', async (req, res) => {
    const days = optionalWholeNumber(req, 'days', 1, MAX_DAYS, 14);
    const to = dayOf(new Date(now()));
    const from = dayOf(new Date(now() - (days - 1) * 86_400_000));
    res.json({ days: await report.summary(from, to) });
  });

  router.get('/notices', (_req, res) => {
    res.json({ notices: [...reviewLog.notices(), ...learned.notices()] });
  });

  router.post('/reload', async (_req, res) => {
    res.json({ reloaded: true, matters: knowledge.matters.length, ...(await deps.reload()) });
  });

  // A broken data file is the staff's business: say which file and where its copy is.
  router.use(((err, _req, res, next) => {
    if (err instanceof ReviewIndexUnavailableError) {
      sendError(res, 503, 'review_unavailable', err.message);
      return;
    }
    if (!(err instanceof DataFileCorruptError)) {
      next(err);
      return;
    }
    sendError(res, 500, 'data_file_corrupt', err.message);
  }) satisfies ErrorRequestHandler);

  return router;
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) if (v.trim() !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}
