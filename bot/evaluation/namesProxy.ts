import type { UnderstandingKnowledge } from '../understanding/understanding.js';
import type { LabelledQuestion } from './evaluator.js';

/**
 * A proxy for the held-out names set (holdout.*.json: names, paraphrases, colloquial words), built from the
 * knowledge alone so it can be measured as often as needed: every matter's title and each of its keywords
 * (Chinese) or its Tibetan title and search terms (Tibetan) that no other matter also holds, asked bare.
 * A bare name is the shortest question a person types; a rule that refuses it (1209f79: the 1/500 out-of-scope
 * rule refused 五证合一, 准生证) would lose held-out names too. It trains on what it asks, so it is a floor, not a score.
 */
export class NamesProxy {
  constructor(private readonly kb: Pick<UnderstandingKnowledge, 'matters'>) {}

  /** the Chinese names: titles and each matter's own keywords */
  zh(): LabelledQuestion[] {
    return this.build((m) => [m.title, ...m.keywords]);
  }

  /** the Tibetan names: titles and search terms */
  bo(): LabelledQuestion[] {
    return this.build((m) => (m.bo ? [m.bo.title.text, ...(m.bo.searchTerms ?? []).map((t) => t.text)] : []));
  }

  private build(namesOf: (m: UnderstandingKnowledge['matters'][number]) => string[]): LabelledQuestion[] {
    const owners = new Map<string, Set<number>>();
    for (const m of this.kb.matters) for (const name of namesOf(m)) owners.set(name, (owners.get(name) ?? new Set()).add(m.no));
    return [...owners]
      .filter(([, nos]) => nos.size === 1)
      .map(([q, nos]) => ({ q, expect: [...nos], outcome: 'match' as const, office: null, tags: ['name'] }));
  }
}
