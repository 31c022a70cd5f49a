import { z } from 'zod';
import type { QuestionLang, Understanding } from '../understanding/understanding.js';

export const LabelledQuestion = z.object({
  q: z.string().min(1),
  /** a faithful Chinese rendering of a Tibetan question, for reviewers; not asked */
  zh: z.string().optional(),
  expect: z.array(z.number().int().positive()),
  outcome: z.enum(['match', 'ambiguous', 'none', 'phone']),
  office: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
});
export type LabelledQuestion = z.infer<typeof LabelledQuestion>;
export const QuestionSet = z.array(LabelledQuestion);

export interface Miss {
  q: string;
  metric: 'accuracy@1' | 'recall@3' | 'rejection' | 'office';
  expected: string;
  got: string;
}

export interface EvalReport {
  questions: number;
  inScope: number;
  accuracyAt1: number;
  /** in-scope questions answered `none`: the person was told "not ours" about something we handle */
  inScopeNone: number;
  recallAt3: number;
  outOfScope: number;
  rejection: number;
  /** ambiguous-labelled questions the matcher also called ambiguous */
  ambiguityAgreement: number;
  officeQuestions: number;
  officeAccuracy: number;
  misses: Miss[];
}

export interface Bars {
  accuracyAt1: number;
  recallAt3: number;
  rejection: number;
  officeAccuracy: number;
  /** at most this share of in-scope questions answered `none` */
  inScopeNone?: number;
}

/**
 * The bars `npm test` holds the matcher to on the development set (the one tuned against). Recall@3 read
 * 98.7 % (two "怎么报销"-style questions labelled with three matters get two) before the writer's training
 * questions came in, so its bar is 98 %.
 */
export const BARS: Bars = { accuracyAt1: 0.95, recallAt3: 0.98, rejection: 0.95, officeAccuracy: 1 };

/**
 * The held-out set is never tuned against: its bars are what the matcher measured on it when the
 * tuning was fixed, less a little, so a change that generalises worse fails the tests. Raise them
 * as the knowledge grows; the gap to BARS is the honest generalisation gap. Measured 2026-11-30 with
 * the writer's training questions: 98.2 / 98.5 / 100 % (17 out of scope); 2026-12-01 with the second writer's:
 * 96.5 / 97.8 / 94.1 % (two and one questions fewer).
 */
export const HOLDOUT_BARS: Bars = { accuracyAt1: 0.95, recallAt3: 0.96, rejection: 0.9, officeAccuracy: 1 };

/**
 * The Tibetan sets (`*.bo.json`), asked with lang=bo. Development bars: questions.bo.json measured
 * 96.8 / 99.2 / 100 / 100 % less a margin (2026-12-01: 97.6 / 100 / 100 / 100); held-out bars: holdout.bo.json,
 * never tuned on, measured 95.2 / 100 / 80.0 / 100 % less a margin (2026-12-01: 93.5 / 98.4 / 80.0 / 100, one
 * question fewer). Out-of-scope sets are small (14 and 5 questions): one question is 7 and 20 points.
 */
export const BO_BARS: Bars = { accuracyAt1: 0.93, recallAt3: 0.97, rejection: 0.85, officeAccuracy: 1 };
export const BO_HOLDOUT_BARS: Bars = { accuracyAt1: 0.92, recallAt3: 0.97, rejection: 0.6, officeAccuracy: 1 };

/**
 * The situational sets (issue 12): questions told the way people describe what happened, written
 * by writers who never saw the matcher, split once at random (seed 20261130) into a development
 * half — whose matched questions are also the matters' `situations` and its out-of-scope ones
 * lexicon.json's `outOfScopeExamples`, so its figure is a training figure (`npm run eval -- --cv`, or
 * leave-one-writer-out with `--writer`, gives the honest one) — and a held-out half, never tuned on.
 * Bars: each set's measured figure less a margin. 2026-11-30, with the first independent writer's
 * training questions: development zh 98.7 / 98.4 / 0.3 none / 94.9, bo 93.9 / 96.1 / 0.6 / 100; held out
 * zh 84.2 / 90.4 / 4.4 / 92.3, bo 76.9 / 79.7 / 7.5 / 68.8. 2026-12-01, with the second writer's questions,
 * the mixed-message verdict and the rules chosen leave-one-writer-out: development zh 99.5 / 99.0 / 0.3 /
 * 97.4, bo 98.2 / 97.9 / 0 / 96.9; held out zh 89.9 / 94.6 / 1.8 / 89.7, bo 90.6 / 92.5 / 2.5 / 81.3
 * (39 and 32 out of scope: one question is 2.6 and 3.1 points). 2026-12-01, fourth round (the sixth batch's questions, the
 * length-normalised classifier, the none decision): held out zh 96.6 / 98.1 / 1.0 / 94.9, bo 96.3 / 98.1 / 0 / 84.4; the
 * held-out bars raised to those less about two questions each, so a change that generalises worse fails.
 */
export const SITUATION_BARS: Record<string, Bars> = {
  'situations.zh.json': { accuracyAt1: 0.97, recallAt3: 0.96, rejection: 0.92, officeAccuracy: 1, inScopeNone: 0.02 },
  'holdout-situations.zh.json': { accuracyAt1: 0.94, recallAt3: 0.96, rejection: 0.9, officeAccuracy: 1, inScopeNone: 0.02 },
  'situations.bo.json': { accuracyAt1: 0.95, recallAt3: 0.95, rejection: 0.9, officeAccuracy: 1, inScopeNone: 0.02 },
  'holdout-situations.bo.json': { accuracyAt1: 0.93, recallAt3: 0.95, rejection: 0.78, officeAccuracy: 1, inScopeNone: 0.02 },
};

export function barsFor(file: string): Bars {
  const situational = SITUATION_BARS[file];
  if (situational) return situational;
  const holdout = file.startsWith('holdout');
  if (langFor(file) === 'bo') return holdout ? BO_HOLDOUT_BARS : BO_BARS;
  return holdout ? HOLDOUT_BARS : BARS;
}

/** the language a set's questions are asked in: `questions.bo.json` → bo */
export function langFor(file: string): QuestionLang {
  return /\.bo\.json$/u.test(file) ? 'bo' : 'zh';
}

/** Scores the understanding pipeline against a labelled question set. */
export class Evaluator {
  constructor(private readonly understanding: Understanding) {}

  /** `lang` is passed on as the API's lang parameter would be */
  run(set: readonly LabelledQuestion[], lang: QuestionLang = 'zh'): EvalReport {
    let inScope = 0,
      none = 0,
      top1 = 0,
      recall = 0,
      oos = 0,
      rejected = 0,
      ambiguous = 0,
      agreed = 0,
      officeQs = 0,
      officeOk = 0;
    const misses: Miss[] = [];
    for (const item of set) {
      const found = this.understanding.understand(item.q, { lang });
      const ranked = found.outcome === 'none' ? [] : found.matches.map((m) => m.matter.no);
      const got = `${found.outcome} [${ranked.join(',')}]`;
      if (item.expect.length > 0) {
        inScope++;
        const expected = `${item.outcome} [${item.expect.join(',')}]`;
        if (found.outcome === 'none') none++;
        if (ranked[0] !== undefined && item.expect.includes(ranked[0])) top1++;
        else misses.push({ q: item.q, metric: 'accuracy@1', expected, got });
        const hitsAt3 = ranked.slice(0, 3).filter((n) => item.expect.includes(n)).length;
        const r = hitsAt3 / Math.min(item.expect.length, 3);
        recall += r;
        if (r < 1 && ranked[0] !== undefined && item.expect.includes(ranked[0])) misses.push({ q: item.q, metric: 'recall@3', expected, got });
        if (item.outcome === 'ambiguous') {
          ambiguous++;
          if (found.outcome === 'ambiguous') agreed++;
        }
      } else if (item.outcome === 'none') {
        oos++;
        if (found.outcome === 'none') rejected++;
        else misses.push({ q: item.q, metric: 'rejection', expected: 'none', got });
      }
      if (item.office) {
        officeQs++;
        const first = found.offices.matches[0]?.office;
        if (found.offices.outcome === 'match' && first && (first.name === item.office || first.division === item.office)) officeOk++;
        else
          misses.push({
            q: item.q,
            metric: 'office',
            expected: item.office,
            got: `${found.offices.outcome} [${found.offices.matches.map((m) => m.office.name).join(',')}]`,
          });
      }
    }
    const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
    return {
      questions: set.length,
      inScope,
      accuracyAt1: ratio(top1, inScope),
      inScopeNone: inScope === 0 ? 0 : none / inScope,
      recallAt3: ratio(recall, inScope),
      outOfScope: oos,
      rejection: ratio(rejected, oos),
      ambiguityAgreement: ratio(agreed, ambiguous),
      officeQuestions: officeQs,
      officeAccuracy: ratio(officeOk, officeQs),
      misses,
    };
  }

  static meets(report: EvalReport, bars: Bars = BARS): string[] {
    const failed: string[] = [];
    if (report.accuracyAt1 < bars.accuracyAt1) failed.push(`accuracy@1 ${pct(report.accuracyAt1)} < ${pct(bars.accuracyAt1)}`);
    if (report.recallAt3 < bars.recallAt3) failed.push(`recall@3 ${pct(report.recallAt3)} < ${pct(bars.recallAt3)}`);
    if (report.rejection < bars.rejection) failed.push(`out-of-scope rejection ${pct(report.rejection)} < ${pct(bars.rejection)}`);
    if (bars.inScopeNone !== undefined && report.inScopeNone > bars.inScopeNone)
      failed.push(`in scope answered none ${pct(report.inScopeNone)} > ${pct(bars.inScopeNone)}`);
    if (report.officeAccuracy < bars.officeAccuracy) failed.push(`office accuracy ${pct(report.officeAccuracy)} < ${pct(bars.officeAccuracy)}`);
    return failed;
  }
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
