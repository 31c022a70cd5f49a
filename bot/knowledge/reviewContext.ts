import fs from 'node:fs/promises';
import path from 'node:path';
import type { Localizer } from '../i18n/localizer.js';

/** What a reviewer needs beside a string: where people meet it, what is put into it, and how often it is seen. */
export interface StringContext {
  /** where the string is shown, in words */
  shown: string;
  /** the placeholders and what fills them, with the string as rendered for an example */
  interpolates: string;
  /** 0 the welcome, 1 the questions, 2 the 30 most-used materials, 3 chat and checklists, 4 staff pages, 5 glossary, 6 never shown */
  tier: number;
  /** within a tier, higher first (a material's number of matters) */
  weight: number;
}

/** the strings of tier 1 in the interface: every question the bot asks and its answer buttons */
const QUESTION_KEYS = new Set([
  'askWhat', 'askAgain', 'ambiguous', 'categoryPick', 'unsure', 'askCounty', 'askHousehold', 'askPrefecture',
  'confirmPlace', 'yes', 'no', 'whichPlace', 'whichCounty', 'usePlace', 'earlierPlace', 'chooseRetry',
  'multiHint', 'multiRetry', 'multiNone', 'multiDone', 'noneOfThese',
]);
const TOP_MATERIALS = 30;

const SHOWN_BY_KIND: Record<string, string> = {
  questions: 'chat: a question the bot asks',
  options: 'chat: an answer button of a question',
  materials: 'checklist: a material to bring',
  process: 'checklist: the steps',
  timeLimit: 'checklist: the time limit',
  channels: 'checklist: where and how to apply',
  notes: 'checklist: a note',
  unit: 'checklist: the office that handles it',
  audience: 'checklist: who applies',
  related: 'checklist: a related matter and why',
  matters: "chat and checklist: the matter's title or summary",
  categories: 'home screen and welcome: a category button',
  offices: "chat and checklist: an office's name, put into sentences with agreeing case particles (bot:human, bot:usePlace …)",
  general: 'checklist: a general rule',
  glossary: 'glossary: a term the other texts use',
  searchTerms: 'never shown: words used to understand questions',
};

/** what each placeholder holds, for the reviewer */
const VARIABLES: Record<string, string> = {
  name: "an office's Tibetan name",
  prefecture: "a prefecture's Tibetan name",
  title: "a matter's title",
  label: "a category's label",
  phones: 'phone numbers',
  text: 'what the person typed',
  categories: 'the list of categories',
  id: 'an error number',
  no: 'a number',
  reason: 'why a related matter may be needed',
  sources: 'the source documents',
  channels: 'ways to apply',
};
const FORMATS: Record<string, string> = {
  gen: 'genitive agreeing with the last letter (རྒྱལ་རྩེའི / ལྗོངས་ཀྱི / རྫོང་གི)',
  agt: 'agentive agreeing (རྒྱལ་རྩེས / ལྗོངས་ཀྱིས)',
  ladon: 'la-don agreeing (རྒྱལ་རྩེར / ལྗོངས་སུ / རྫོང་དུ)',
  la: 'then ལ',
  na: 'then ན',
  abl: 'then ནས',
  las: 'then ལས',
  quot: 'quotative agreeing (ཞེས / ཅེས / ཤེས)',
  also: '"also" agreeing (ཡང / ཀྱང)',
  tsheg: 'then a tsheg',
  shad: 'closing the clause (ང་།)',
  bare: 'alone',
  quote: 'in quotes',
};
/** values for the rendered example: one vowel-final name shows the fusion, one ending in ས the separate particle */
const SAMPLES: Record<string, string> = {
  name: 'རྒྱལ་རྩེ',
  prefecture: 'ལྷ་ས་གྲོང་ཁྱེར',
  title: 'ལས་ཁུངས་འགན་བཅོལ་ཐོ་འགོད',
  label: 'འགན་བཅོལ་ཐོ་འགོད',
  phones: '0892-8172151',
};

/**
 * Context for the Tibetan review CSV (issue 16 §5): for each string, where it is shown,
 * what its placeholders hold (with the string rendered through the real Localizer), and
 * its place in the reading order, people's most-seen strings first.
 */
export class ReviewContext {
  private constructor(
    private readonly l10n: Localizer,
    /** Chinese material text → number of matters whose checklist lists it */
    private readonly materialUse: Map<string, number>,
    private readonly topMaterials: Set<string>,
    private readonly matterTitles: Map<string, string>,
  ) {}

  static async load(knowledgeDir: string, l10n: Localizer): Promise<ReviewContext> {
    const use = new Map<string, number>();
    const titles = new Map<string, string>();
    const dir = path.join(knowledgeDir, 'matters');
    for (const f of (await fs.readdir(dir)).filter((x) => x.endsWith('.json')).sort()) {
      const m = JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as { no: number; title: string; materials?: { name?: string }[] };
      titles.set(`matters/${f}`, `${m.no} ${m.title}`);
      const names = (m.materials ?? []).map((x) => x.name).filter((x): x is string => typeof x === 'string');
      for (const name of new Set(names)) use.set(name, (use.get(name) ?? 0) + 1);
    }
    // the most-used materials: listed by the most matters (a stable order breaks ties)
    const top = [...use.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_MATERIALS).map(([name]) => name);
    return new ReviewContext(l10n, use, new Set(top), titles);
  }

  /** A knowledge string: `file` relative to the knowledge folder, `zh` the Chinese it renders. */
  knowledge(file: string, pointer: string, kind: string, zh: string, materialName: string | undefined): StringContext {
    const matter = this.matterTitles.get(file);
    const shown = `${SHOWN_BY_KIND[kind] ?? 'checklist'}${matter && kind !== 'searchTerms' ? ` (matter ${matter})` : ''}`;
    if (kind === 'searchTerms') return { shown, interpolates: '', tier: 6, weight: 0 };
    if (kind === 'categories') return { shown, interpolates: '', tier: 0, weight: 0 };
    if (kind === 'questions' || kind === 'options') return { shown, interpolates: '', tier: 1, weight: 0 };
    if (kind === 'materials') {
      const key = materialName ?? zh;
      const weight = this.materialUse.get(key) ?? 0;
      const top = this.topMaterials.has(key);
      // the rest of the materials keep the checklists' own order among the other tier-3 strings
      return { shown: `${shown}; listed by ${weight} matter(s)`, interpolates: '', tier: top ? 2 : 3, weight: top ? weight : 0 };
    }
    if (kind === 'glossary') return { shown, interpolates: '', tier: 5, weight: 0 };
    const interpolates = pointer.includes('/tibetan/') ? 'inserted into sentences; see the bot:human, bot:whichCounty … rows' : '';
    return { shown, interpolates, tier: 3, weight: 0 };
  }

  /** An interface string of locales/bo/<namespace>.json. */
  locale(namespace: string, key: string, text: string): StringContext {
    const interpolates = this.interpolation(namespace, key, text);
    const shown = ReviewContext.shownFor(namespace, key);
    if (key.startsWith('words.')) return { shown, interpolates, tier: 6, weight: 0 };
    if (namespace === 'bot' && (key === 'welcome' || key === 'welcomeCategories')) return { shown, interpolates, tier: 0, weight: key === 'welcome' ? 1 : 0 };
    if (namespace === 'bot' && (QUESTION_KEYS.has(key) || key.startsWith('choice.'))) return { shown, interpolates, tier: 1, weight: 0 };
    const staff = namespace === 'review' || (namespace === 'web' && /^(agent|signin)\./.test(key));
    return { shown, interpolates, tier: staff ? 4 : 3, weight: 0 };
  }

  private static shownFor(namespace: string, key: string): string {
    if (key.startsWith('words.')) return 'never shown: words people type that the bot recognises';
    if (namespace === 'bot') {
      if (key === 'welcome') return 'chat: the first message everyone sees';
      if (key.startsWith('smallTalk.')) return 'chat: a reply to small talk';
      return QUESTION_KEYS.has(key) ? 'chat: a question or answer button' : 'chat and checklist: a reply';
    }
    if (namespace === 'web') {
      const section = key.split('.')[0];
      if (section === 'webchat' || section === 'webchatRoles') return "chat and kiosk: Web Chat's own labels, read aloud by screen readers";
      if (section === 'webchatFormat') return 'chat and kiosk: time stamps and sizes';
      return `web page: ${section}`;
    }
    if (namespace === 'review') return 'staff review page';
    return `${namespace} channel`;
  }

  private interpolation(namespace: string, key: string, text: string): string {
    const found = [...text.matchAll(/\{\{(\w+)(?:,\s*([^}]*))?\}\}/g)];
    if (found.length === 0) return '';
    const described = [...new Map(found.map(([, v, f]) => [`${v}|${f ?? ''}`, [v!, f] as const])).values()].map(([v, f]) => {
      const formats = (f ?? '').split(',').map((x) => x.trim()).filter(Boolean).map((x) => FORMATS[x] ?? x);
      return `{{${v}}}: ${VARIABLES[v] ?? v}${formats.length > 0 ? `, ${formats.join(', ')}` : ''}`;
    });
    const vars = Object.fromEntries(found.map(([, v]) => [v!, SAMPLES[v!] ?? `‹${v}›`]));
    const example = this.l10n.t('bo', `${namespace}:${key}`, vars);
    return `${described.join('; ')}. e.g. ${example}`;
  }
}
