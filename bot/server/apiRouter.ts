import { Router } from 'express';
import type { Answers } from '../answers/conditions.js';
import { officeName } from '../answers/knowledgeText.js';
import type { MatterView } from '../answers/matterView.js';
import type { Lang } from '../i18n/localizer.js';
import { InputError } from '../errors/inputError.js';
import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import type { Understanding } from '../understanding/understanding.js';
import { matterMatchJson, officeJson } from './apiJson.js';
import { sendError } from './httpErrors.js';
import { optionalChoice, requiredText } from './queryParams.js';

const LANGS = ['zh', 'bo'] as const;

export interface ApiDeps {
  knowledge: KnowledgeBase;
  understanding: Understanding;
  /** GET /api/matters/:no?lang=: the matter as the agent console shows it (absent: only the stored matter) */
  matterView?: MatterView;
}

/** `lang` of the matter view: the locales' names, and `zh` as /api/search spells it */
const VIEW_LANGS = { 'zh-CN': 'zh-CN', zh: 'zh-CN', bo: 'bo' } as const satisfies Record<string, Lang>;
/** the matter view's own parameters; every other one is a question id */
const VIEW_PARAMS = new Set(['lang', 'office']);

/** Answers from the query: `?<question id>=<option id>[,<option id>…]`, each question once. */
function answersIn(query: Record<string, unknown>): Answers {
  // No prototype: a parameter named __proto__ is then a question id like any other (and refused as unknown).
  const answers: Record<string, string[]> = Object.create(null);
  for (const [key, value] of Object.entries(query)) {
    if (VIEW_PARAMS.has(key)) continue;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InputError(`query parameter "${key.slice(0, 40)}" must be given once, as option ids separated by commas`);
    }
    answers[key] = value.split(',').map((x) => x.trim());
  }
  return answers;
}

/** The JSON API the bot, the agent console and the kiosk share. */
export function createApiRouter({ knowledge, understanding, matterView }: ApiDeps): Router {
  const router = Router();

  router.get('/search', (req, res) => {
    const q = requiredText(req, 'q');
    const lang = optionalChoice(req, 'lang', LANGS, 'zh');
    const found = understanding.understand(q, { lang });
    res.json({
      query: q,
      outcome: found.outcome,
      // lang=bo: the Tibetan title (the Chinese one until a matter has its Tibetan), and the Chinese beside it
      matches: found.matches.map((m) =>
        lang === 'bo' ? { ...matterMatchJson(m), title: m.matter.bo?.title.text ?? m.matter.title, titleZh: m.matter.title } : matterMatchJson(m),
      ),
    });
  });

  router.get('/offices', (req, res) => {
    const q = requiredText(req, 'q');
    const lang = optionalChoice(req, 'lang', LANGS, 'zh');
    const found = understanding.findOffices(q, { lang });
    res.json({
      outcome: found.outcome,
      // lang=bo: the office's Tibetan name beside the directory's Chinese label (the label stays the office's key)
      matches: found.matches.map((m) => {
        if (lang !== 'bo') return officeJson(m.office);
        const bo = officeName(m.office, 'bo');
        return { ...officeJson(m.office), nameBo: bo.missing ? null : bo.text, nameBoStatus: bo.missing ? null : bo.draft ? 'draft' : 'verified' };
      }),
    });
  });

  router.get('/matters', (_req, res) => {
    res.json({
      matters: knowledge.matters.map((m) => ({ no: m.no, code: m.code, title: m.title, category: m.category, group: m.group })),
    });
  });

  router.get('/matters/:no', (req, res) => {
    const raw = req.params.no;
    if (!/^\d{1,4}$/.test(raw)) throw new InputError(`matter number must be a whole number, got "${raw.slice(0, 20)}"`);
    const matter = knowledge.matter(Number(raw));
    if (!matter) {
      sendError(res, 404, 'not_found', `no matter number ${raw} (matters are numbered 1–${knowledge.matters.length})`);
      return;
    }
    // Without lang: the matter exactly as stored. With it: the view the chat's own builder makes.
    if (req.query.lang === undefined || !matterView) {
      res.json(matter);
      return;
    }
    const lang = VIEW_LANGS[optionalChoice(req, 'lang', Object.keys(VIEW_LANGS) as (keyof typeof VIEW_LANGS)[], 'zh-CN')];
    const answers = answersIn(req.query);
    const problem = matterView.problemIn(matter, answers);
    if (problem) throw new InputError(problem);
    let office;
    if (req.query.office !== undefined) {
      const name = requiredText(req, 'office');
      const found = understanding.findOffices(name);
      office = found.outcome === 'match' ? found.matches[0]?.office : undefined;
      if (!office) throw new InputError(`query parameter "office": no single office is called "${name.slice(0, 40)}"`);
    }
    res.json(matterView.build(matter, answers, lang, office));
  });

  return router;
}
