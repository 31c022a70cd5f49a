import { Router } from 'express';
import { officeName } from '../answers/knowledgeText.js';
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
}

/** The JSON API the bot, the agent console and the kiosk share. */
export function createApiRouter({ knowledge, understanding }: ApiDeps): Router {
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
    res.json(matter);
  });

  return router;
}
