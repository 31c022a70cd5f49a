import fs from 'node:fs/promises';
import path from 'node:path';
import i18next, { type i18n } from 'i18next';
import { KnowledgeError } from '../errors/knowledgeError.js';
import { PARTICLE_CASES, TibetanParticles } from './tibetanParticles.js';

export const LANGS = ['zh-CN', 'bo'] as const;
/** A locale code (the UI's strings, i18next): not the language a question is read in (understanding's QuestionLang). */
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';

const TIBETAN = /[\u0F00-\u0FFF]/;

/**
 * Every string the assistant says, from locales/<lang>/<namespace>.json through
 * i18next. Both languages must hold the same keys: start-up refuses otherwise.
 */
export class Localizer {
  /** word lists and their whole-message forms, asked for on every turn (interruptions): the resources never change after load */
  private readonly wordLists = new Map<string, string[]>();
  private readonly wholeWords = new Map<string, Set<string>>();

  private constructor(
    private readonly i18n: i18n,
    readonly namespaces: readonly string[],
  ) {}

  static async load(dir: string): Promise<Localizer> {
    const resources: Record<string, Record<string, unknown>> = {};
    const namespaces = new Set<string>();
    for (const lang of LANGS) {
      resources[lang] = {};
      let files: string[];
      try {
        files = (await fs.readdir(path.join(dir, lang))).filter((f) => f.endsWith('.json'));
      } catch (cause) {
        throw new KnowledgeError(`cannot read locale folder (${(cause as Error).message})`, { file: path.join(dir, lang) });
      }
      for (const f of files) {
        const file = path.join(dir, lang, f);
        try {
          resources[lang][path.basename(f, '.json')] = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
        } catch (cause) {
          throw new KnowledgeError(`not valid JSON (${(cause as Error).message})`, { file });
        }
        namespaces.add(path.basename(f, '.json'));
      }
    }
    for (const ns of namespaces) {
      const [a, b] = LANGS.map((l) => new Set(keysOf(resources[l]?.[ns])));
      const missing = [...a!]
        .filter((k) => !b!.has(k))
        .map((k) => `bo:${ns}.${k}`)
        .concat([...b!].filter((k) => !a!.has(k)).map((k) => `zh-CN:${ns}.${k}`));
      if (missing.length > 0) throw new KnowledgeError(`keys missing in one language: ${missing.join(', ')}`, { file: path.join(dir, `*/${ns}.json`) });
    }
    const instance = i18next.createInstance();
    await instance.init({
      resources: resources as never,
      lng: DEFAULT_LANG,
      fallbackLng: false,
      ns: [...namespaces],
      defaultNS: 'bot',
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
      showSupportNotice: false,
    });
    // Tibetan templates attach case particles through these ({{name, gen}}), never by hand
    for (const kind of PARTICLE_CASES) instance.services.formatter?.add(kind, TibetanParticles.formatter(kind));
    return new Localizer(instance, [...namespaces]);
  }

  t(lang: Lang, key: string, vars: Record<string, unknown> = {}): string {
    return this.i18n.t(key, { ...vars, lng: lang });
  }

  /** Word lists (interruptions, "none" answers) for a language; `ns` is the locale file (default bot.json). */
  words(lang: Lang, key: string, ns = 'bot'): string[] {
    const id = `${lang}\u0000${ns}\u0000${key}`;
    let list = this.wordLists.get(id);
    if (!list) {
      const value = this.i18n.t(`${ns}:words.${key}`, { lng: lang, returnObjects: true }) as unknown;
      this.wordLists.set(id, (list = Array.isArray(value) ? value.map(String) : []));
    }
    // a copy: callers may sort or extend what they get
    return [...list];
  }

  /**
   * Whether a whole message is one of a word list's words (`words.<key>` in locales/<lang>/<ns>.json),
   * in either language, so 中文 works in Tibetan mode: "帮助。" is 帮助, "我要帮助" is not.
   */
  isWord(text: string, key: string, ns = 'bot'): boolean {
    const said = wholeMessage(text);
    const id = `${ns}\u0000${key}`;
    let whole = this.wholeWords.get(id);
    if (!whole) this.wholeWords.set(id, (whole = new Set(LANGS.flatMap((l) => this.words(l, key, ns)).map(wholeMessage))));
    return said !== '' && whole.has(said);
  }

  /** Tibetan script anywhere in a message means the person reads Tibetan. */
  static detect(text: string): Lang | undefined {
    return TIBETAN.test(text) ? 'bo' : undefined;
  }

  static isLang(value: unknown): value is Lang {
    return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
  }
}

export function keysOf(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

/** A whole message as compared with a word list: trimmed, closing punctuation (。！？། ་) dropped, lower case. */
export function wholeMessage(text: string): string {
  return text
    .trim()
    .replace(/[\s。！!？?，,.།་]+$/u, '')
    .toLowerCase();
}
