// The review page: the daily summary (inline SVG bars) and the queue of questions the bot could not place.
import { el, toast } from './dom.js';
import { applyStrings, bindLangSwitch, langFromQuery, loadStrings, markLang, t } from './i18n.js';

const $ = (id) => document.getElementById(id);
const STORAGE_KEY = 'xzyb.agent.lang';
const SUMMARY_DAYS = 14;
/** groups per page of the queue; "more" fetches the next page */
const PAGE = 20;
const SVG = 'http://www.w3.org/2000/svg';

const state = { lang: 'zh-CN', strings: {}, summary: [], groups: [], matters: [], total: 0, nextCursor: null, notices: [] };
const s = (key, vars) => t(state.strings, key, vars);
/**
 * Text people typed (or anything with their text in it) goes in <bdi>: a question holding a
 * right-to-left mark or Arabic must not reorder the count or the labels beside it ("1 次" → "次 1").
 */
const bdi = (text) => el('bdi', {}, text);
/** Review messages stay a while: they name what was saved. */
const say = (message) => toast(message, 6000);

async function strings(lang) {
  const review = await fetch(`/locales/${encodeURIComponent(lang)}/review.json`).then((r) => r.json());
  return { ...(await loadStrings(lang)), ...review };
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    say(s('review.signedOut'));
    location.href = `/agent/signin?next=${encodeURIComponent(location.pathname)}`;
    throw new Error('signed out');
  }
  const json = await res.json();
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

function renderChart() {
  const rows = state.summary;
  const box = $('chart');
  box.replaceChildren();
  const width = 700;
  const height = 180;
  const bottom = 20;
  const max = Math.max(1, ...rows.map((r) => r.questions));
  const slot = width / Math.max(1, rows.length);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': s('review.chartLabel') });
  rows.forEach((r, i) => {
    let y = height - bottom;
    for (const [cls, n] of [
      ['bar-match', r.matches],
      ['bar-ambiguous', r.ambiguous],
      ['bar-none', r.fallbacks],
    ]) {
      const h = ((height - bottom - 10) * n) / max;
      y -= h;
      if (n > 0) {
        const bar = svg('rect', { class: cls, x: i * slot + slot * 0.15, y, width: slot * 0.7, height: h });
        bar.append(svg('title', {}, `${r.day}: ${n}`));
        chart.append(bar);
      }
    }
    chart.append(svg('text', { class: 'axis', x: i * slot + slot / 2, y: height - 6, 'text-anchor': 'middle' }, r.day.slice(5)));
    if (r.questions > 0) chart.append(svg('text', { class: 'axis', x: i * slot + slot / 2, y: y - 2, 'text-anchor': 'middle' }, String(r.questions)));
  });
  box.append(chart);
  $('summary-days').textContent = s('review.days', { days: rows.length });
  $('summary-table').tBodies[0].replaceChildren(
    ...[...rows].reverse().map((r) =>
      el(
        'tr',
        {},
        ...[r.day, r.questions, r.matches, r.fallbacks, r.feedbackUp, r.feedbackDown].map((v) => el('td', {}, String(v))),
        el(
          'td',
          { class: 'people-text' },
          r.topUnanswered.flatMap((q, i) => [i > 0 ? '；' : null, bdi(q.question), el('span', { class: 'n' }, ` (${q.count})`)]),
        ),
      ),
    ),
  );
}

function renderGroups() {
  const list = $('groups');
  list.replaceChildren(...state.groups.map(groupItem));
  $('queue-empty').hidden = state.groups.length > 0;
  $('queue-total').textContent = state.total > 0 ? s('review.total', { shown: state.groups.length, total: state.total }) : '';
  $('more').hidden = state.nextCursor === null;
}

function renderNotices() {
  const box = $('notices');
  box.replaceChildren(...state.notices.map((n) => el('p', {}, s('review.noticeSetAside', { file: n.file, backup: n.backup, dropped: n.dropped }))));
  box.hidden = state.notices.length === 0;
}

function groupItem(g) {
  const guess = g.guesses[0];
  // Nothing is preselected, not even the bot's guess, so one hurried click cannot teach a wrong match.
  const select = el(
    'select',
    { name: 'matter', required: '' },
    el('option', { value: '' }, s('review.pickMatter')),
    ...state.matters.map((m) => el('option', { value: String(m.no) }, `${m.no} ${m.title}`)),
  );
  const phrase = el('input', { name: 'phrase', type: 'text', maxlength: '500' });
  phrase.value = g.question;
  const reasons = [
    g.reasons.none && s('review.reasonNone', { n: g.reasons.none }),
    g.reasons.ambiguous && s('review.reasonAmbiguous', { n: g.reasons.ambiguous }),
    g.reasons.feedback && s('review.reasonFeedback', { n: g.reasons.feedback }),
  ].filter(Boolean);
  const resolve = async (matter) => {
    try {
      // A group bigger than the ids listed on the page is resolved by its key, whole.
      const target = g.ids.length < g.count ? { group: g.key } : { ids: g.ids };
      const body = { ...target, matter, ...(matter !== null ? { example: phrase.value } : {}) };
      const done = await api('POST', '/api/admin/review/resolve', body);
      say(matter === null ? s('review.dismissed') : s('review.saved', { title: done.title, phrase: done.learned }));
      await refresh();
    } catch (err) {
      say(s('review.failed', { message: err.message }));
    }
  };
  const meta = [
    ...reasons,
    guess ? `${s('review.guess')}${guess.no} ${guess.title}` : s('review.noGuess'),
    g.channels.join(', '),
    g.lastAt.slice(0, 16).replace('T', ' '),
  ];
  return el(
    'li',
    { class: 'group' },
    el(
      'div',
      { class: 'head' },
      el('bdi', { class: 'question people-text' }, g.question),
      ' ',
      el('span', { class: 'count' }, s('review.count', { count: g.count })),
    ),
    el(
      'p',
      { class: 'meta' },
      meta.flatMap((m, i) => [i > 0 ? ' · ' : null, bdi(m)]),
    ),
    g.variants.length > 1
      ? el(
          'p',
          { class: 'variants people-text' },
          `${s('review.variants')}：`,
          g.variants.slice(1).flatMap((v, i) => [i > 0 ? '；' : null, bdi(v)]),
        )
      : null,
    el(
      'form',
      {
        onsubmit: (e) => {
          e.preventDefault();
          resolve(Number(select.value));
        },
      },
      el('label', {}, s('review.shouldMatch'), select),
      el('label', {}, s('review.phrase'), phrase),
      el('button', { type: 'submit', class: 'btn' }, s('review.save')),
      el('button', { type: 'button', class: 'btn secondary', onclick: () => resolve(null) }, s('review.dismiss')),
    ),
  );
}

async function refresh() {
  const [review, summary, notices] = await Promise.all([
    api('GET', `/api/admin/review?limit=${PAGE}`),
    api('GET', `/api/admin/summary?days=${SUMMARY_DAYS}`),
    api('GET', '/api/admin/notices'),
  ]);
  state.summary = summary.days;
  state.groups = review.groups;
  state.total = review.total;
  state.nextCursor = review.nextCursor;
  state.matters = review.matters;
  state.notices = notices.notices;
  renderNotices();
  renderGroups();
  renderChart();
}

async function more() {
  if (state.nextCursor === null) return;
  try {
    const page = await api('GET', `/api/admin/review?limit=${PAGE}&cursor=${encodeURIComponent(state.nextCursor)}`);
    // Items resolved meanwhile shift the pages; a group never shows twice.
    const shown = new Set(state.groups.map((g) => g.key));
    state.groups.push(...page.groups.filter((g) => !shown.has(g.key)));
    state.total = page.total;
    state.nextCursor = page.nextCursor;
    renderGroups();
  } catch (err) {
    say(s('review.failed', { message: err.message }));
  }
}

async function setLanguage(lang) {
  state.lang = lang;
  state.strings = await strings(lang);
  applyStrings(state.strings, lang);
  markLang(document.querySelector('.lang-switch'), lang);
}

let saved;
try {
  saved = localStorage.getItem(STORAGE_KEY) ?? undefined;
} catch {
  saved = undefined;
}
await setLanguage(langFromQuery(saved ?? 'zh-CN'));
bindLangSwitch(document.querySelector('.lang-switch'), async (lang) => {
  await setLanguage(lang);
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode
  }
  renderNotices();
  renderGroups();
  renderChart();
});
$('more').addEventListener('click', more);
$('reload').addEventListener('click', async () => {
  try {
    const done = await api('POST', '/api/admin/reload');
    say(s('review.reloaded', { n: done.learnedExamples }));
  } catch (err) {
    say(s('review.failed', { message: err.message }));
  }
});
await refresh();
