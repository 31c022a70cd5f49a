import type { QuestionLang, UnderstandingKnowledge } from '../understanding/understanding.js';
import { Understanding } from '../understanding/understanding.js';
import { Evaluator, type EvalReport, type LabelledQuestion } from './evaluator.js';

/**
 * k-fold cross-validation over a development set whose questions also train the pipeline
 * (situations.*.json: its matched questions are the matters' `situations`, its out-of-scope ones
 * lexicon.json's `outOfScopeExamples`). Each fold is asked of a pipeline trained without that
 * fold's wording anywhere, so the figure says how the pipeline generalises, without looking at a
 * held-out set.
 */
export class CrossValidator {
  constructor(private readonly kb: UnderstandingKnowledge) {}

  run(set: readonly LabelledQuestion[], lang: QuestionLang, folds = 10): EvalReport {
    const reports: EvalReport[] = [];
    for (let f = 0; f < folds; f++) {
      const test = set.filter((_, i) => i % folds === f);
      if (test.length === 0) continue;
      const unseen = new Set(test.map((q) => q.q));
      reports.push(new Evaluator(new Understanding(this.without(unseen))).run(test, lang));
    }
    return merge(reports);
  }

  /**
   * Leave-one-writer-out: the whole set (one writer's questions) asked of a pipeline trained without any
   * of its wording. Fairer than k-fold when the vocabulary was written against the other writers' style.
   */
  heldOut(set: readonly LabelledQuestion[], lang: QuestionLang): EvalReport {
    return new Evaluator(new Understanding(this.without(new Set(set.map((q) => q.q))))).run(set, lang);
  }

  /** the knowledge with these questions removed from every matter's examples and situations and from the out-of-scope examples */
  private without(unseen: ReadonlySet<string>): UnderstandingKnowledge {
    const keep = (list: readonly string[]): string[] => list.filter((q) => !unseen.has(q));
    return {
      matters: this.kb.matters.map((m) => ({ ...m, examples: keep(m.examples), situations: keep(m.situations) })),
      lexicon: { ...this.kb.lexicon, outOfScopeExamples: keep(this.kb.lexicon.outOfScopeExamples) },
      offices: this.kb.offices,
      directory: this.kb.directory,
      glossary: this.kb.glossary,
      tuning: this.kb.tuning,
    };
  }
}

/** the folds' reports as one, each rate weighted by the questions it counts */
function merge(reports: readonly EvalReport[]): EvalReport {
  const sum = (f: (r: EvalReport) => number): number => reports.reduce((a, r) => a + f(r), 0);
  const inScope = sum((r) => r.inScope);
  const outOfScope = sum((r) => r.outOfScope);
  const officeQuestions = sum((r) => r.officeQuestions);
  const weighted = (rate: (r: EvalReport) => number, count: (r: EvalReport) => number, total: number): number =>
    total === 0 ? 1 : sum((r) => rate(r) * count(r)) / total;
  return {
    questions: sum((r) => r.questions),
    inScope,
    accuracyAt1: weighted(
      (r) => r.accuracyAt1,
      (r) => r.inScope,
      inScope,
    ),
    inScopeNone: inScope === 0 ? 0 : sum((r) => r.inScopeNone * r.inScope) / inScope,
    recallAt3: weighted(
      (r) => r.recallAt3,
      (r) => r.inScope,
      inScope,
    ),
    outOfScope,
    rejection: weighted(
      (r) => r.rejection,
      (r) => r.outOfScope,
      outOfScope,
    ),
    // ambiguity agreement is not merged by its own count (the report does not carry it): a rough average
    ambiguityAgreement: reports.length === 0 ? 1 : sum((r) => r.ambiguityAgreement) / reports.length,
    officeQuestions,
    officeAccuracy: weighted(
      (r) => r.officeAccuracy,
      (r) => r.officeQuestions,
      officeQuestions,
    ),
    misses: reports.flatMap((r) => r.misses),
  };
}
