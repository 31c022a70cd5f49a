import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { DEFAULT_TUNING, MatterMatcher, type MatcherTuning, type MatterScore, type Outcome } from './matterMatcher.js';
import { OfficeResolver, type OfficeResolution } from './officeResolver.js';
import { Segmenter } from './segmenter.js';
import { SynonymExpander } from './synonymExpander.js';
import { TextNormalizer } from './textNormalizer.js';

export interface Understood {
  /** what the person typed */
  query: string;
  /** after normalisation and synonym expansion: what was matched */
  normalized: string;
  outcome: Outcome;
  matches: MatterScore[];
  terms: string[];
  offices: OfficeResolution;
}

/** The one pipeline every channel uses: normalise → expand → segment → match, and find offices. */
export class Understanding {
  readonly normalizer: TextNormalizer;
  readonly offices: OfficeResolver;
  private readonly expander: SynonymExpander;
  private readonly matcher: MatterMatcher;

  constructor(kb: KnowledgeBase, tuning: MatcherTuning = DEFAULT_TUNING) {
    const { lexicon } = kb;
    this.normalizer = new TextNormalizer(lexicon.charVariants);
    const normalize = (s: string): string => this.normalizer.normalize(s);
    const segmenter = new Segmenter([
      ...lexicon.terms,
      ...lexicon.synonyms.flatMap((s) => s.canonical.split(' ')),
      ...kb.offices.flatMap((o) => [o.division, ...o.aliases, ...o.formerNames]),
    ].map(normalize));
    this.expander = new SynonymExpander(lexicon.synonyms, normalize);
    this.matcher = new MatterMatcher(
      kb.matters,
      segmenter,
      new Set(lexicon.stopwords.map(normalize)),
      lexicon.outOfScope.map(normalize),
      new Set(kb.offices.flatMap((o) => [o.name, o.division, ...o.aliases, ...o.formerNames]).map(normalize)),
      normalize,
      tuning,
    );
    this.offices = new OfficeResolver(kb.offices);
  }

  understand(text: string): Understood {
    const plain = this.normalizer.normalize(text);
    const expanded = this.expander.expand(plain);
    const found = this.matcher.search(expanded);
    return {
      query: text,
      normalized: expanded,
      outcome: found.outcome,
      matches: found.matches,
      terms: found.terms,
      offices: this.offices.resolve(plain),
    };
  }
}
