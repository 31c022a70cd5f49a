// @ts-check
import { el, toast } from './dom.js';
import { t } from './i18n.js';
import { setUpLanguage } from './staffLang.js';

/** The page's own elements, which agent.html always has. */
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = /** @type {HTMLInputElement} */ ($('q'));
const matterList = $('matter-list');
const officeList = $('office-list');
const detail = $('detail');

const state = await setUpLanguage(() => {
  renderOffices();
  renderMatters();
  // The view comes from the server in the new language.
  if (current.matter) openMatter(current.matter.no);
});
const s = (key, vars) => t(state.strings, key, vars);

/**
 * The server's view of a matter (GET /api/matters/:no?lang=…&<question>=<option>), made by the
 * chat's own checklist builder: the console never rebuilds a list or a condition in the browser.
 * @typedef {{ id: string, label: string, tag: string }} ViewOption
 * @typedef {{ id: string, text: string, multi: boolean, options: ViewOption[] }} ViewQuestion
 * @typedef {{ id: string, text: string, form: string | null, tags: string[][] }} ViewMaterial
 * @typedef {{ text: string, form?: string, source: string, fromList: boolean, judgement: boolean, cite?: string }} ChecklistLine
 * @typedef {{ no: number, title: string, materials: ChecklistLine[], timeLimit: string, office: string | null, officePhones: string[] }} ChecklistJson
 * @typedef {{ no: number, code: string | null, title: string, lang: 'zh-CN' | 'bo', questions: ViewQuestion[], materials: ViewMaterial[],
 *   answers: Record<string, string[]>, checklist: ChecklistJson, plainText: string, qr: { text: string, shortened: boolean } }} MatterView
 */

/**
 * What is on screen: the last search's answers, the selected result, the matter opened, its view
 * and the conditions chosen as chips (question id → option ids).
 * @type {{ matters: any[], outcome: string, offices: any[], selected: number, matter: any, view: MatterView | undefined, answers: Record<string, string[]> }}
 */
const current = { matters: [], outcome: 'none', offices: [], selected: -1, matter: undefined, view: undefined, answers: {} };
const matterCache = new Map();
let pending; // AbortController of the search in flight
let debounce;

/** A field in the UI language: the Tibetan beside it (bo.X) when there is one, else the Chinese. */
function pick(obj, field) {
  const bo = obj?.bo?.[field];
  if (state.lang === 'bo' && bo) return Array.isArray(bo) ? bo.map((b) => b.text) : bo.text;
  return obj?.[field];
}

// ---- copy -----------------------------------------------------------------

/** Clipboard API where allowed (HTTPS or localhost); a hidden textarea and execCommand elsewhere. */
async function copy(text) {
  let done = false;
  try {
    await navigator.clipboard.writeText(text);
    done = true;
  } catch {
    const area = el('textarea', { class: 'copy-buffer', readonly: '' });
    area.value = text;
    document.body.append(area);
    area.select();
    try {
      done = document.execCommand('copy');
    } catch {
      done = false;
    }
    area.remove();
  }
  toast(s(done ? 'agent.copied' : 'agent.copyFailed'));
  document.body.dataset.lastCopied = done ? text : '';
}

const copyButton = (text, labelKey = 'agent.copy') =>
  el('button', { type: 'button', class: 'copy', 'aria-label': `${s(labelKey)} ${text}`, onclick: () => copy(text) }, s(labelKey));

// ---- search ---------------------------------------------------------------

async function getJson(url, signal) {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function search(q) {
  pending?.abort();
  if (q === '') {
    Object.assign(current, { matters: [], offices: [], outcome: 'none', selected: -1 });
    renderMatters();
    renderOffices();
    document.body.dataset.searched = '';
    return;
  }
  const controller = new AbortController();
  pending = controller;
  // In Tibetan the API answers with Tibetan titles and office names, the Chinese beside them.
  const query = `${encodeURIComponent(q)}${state.lang === 'bo' ? '&lang=bo' : ''}`;
  try {
    const [found, offices] = await Promise.all([getJson(`/api/search?q=${query}`, controller.signal), getJson(`/api/offices?q=${query}`, controller.signal)]);
    Object.assign(current, { matters: found.matches, outcome: found.outcome, offices: offices.matches, selected: found.matches.length > 0 ? 0 : -1 });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return;
    Object.assign(current, { matters: [], offices: [], outcome: 'none', selected: -1 });
  }
  renderMatters();
  renderOffices();
  document.body.dataset.searched = q;
}

function renderMatters() {
  matterList.replaceChildren(
    ...current.matters.map((m, i) =>
      el(
        'li',
        {
          role: 'option',
          id: `matter-${m.no}`,
          'aria-selected': String(i === current.selected),
          dataset: { no: String(m.no) },
          onclick: () => {
            current.selected = i;
            renderMatters();
            openMatter(m.no);
          },
        },
        el('span', { class: 'no' }, String(m.no)),
        el('span', { class: 'title' }, m.title, m.titleZh ? el('small', { class: 'title-zh', lang: 'zh-CN' }, m.titleZh) : ''),
        el('span', { class: 'score' }, s('agent.score', { score: Math.round(m.score * 100) })),
      ),
    ),
  );
  input.setAttribute('aria-expanded', String(current.matters.length > 0));
  if (current.selected >= 0) input.setAttribute('aria-activedescendant', `matter-${current.matters[current.selected].no}`);
  else input.removeAttribute('aria-activedescendant');
  const searched = input.value.trim() !== '';
  $('matter-empty').hidden = !searched || current.matters.length > 0;
  $('matter-ambiguous').hidden = current.outcome !== 'ambiguous';
}

function phoneLine(phone) {
  return el('span', { class: 'phone' }, el('a', { href: `tel:${phone}` }, phone), copyButton(phone));
}

function renderOffices() {
  officeList.replaceChildren(
    ...current.offices.map((o) =>
      el(
        'li',
        { dataset: { office: o.name } },
        el('span', { class: 'office-name' }, o.nameBo ?? o.name, o.nameBo ? el('small', { class: 'title-zh', lang: 'zh-CN' }, o.name) : ''),
        el('span', { class: 'level' }, s(`agent.level.${o.level}`)),
        el('span', { class: 'phones' }, o.phones.map(phoneLine)),
      ),
    ),
  );
  const searched = input.value.trim() !== '';
  $('office-empty').hidden = !searched || current.offices.length > 0;
}

function move(delta) {
  if (current.matters.length === 0) return;
  current.selected = (current.selected + delta + current.matters.length) % current.matters.length;
  renderMatters();
  matterList.children[current.selected]?.scrollIntoView({ block: 'nearest' });
}

// ---- matter detail ----------------------------------------------------------

async function openMatter(no) {
  if (!matterCache.has(no)) matterCache.set(no, getJson(`/api/matters/${no}`));
  try {
    if (current.matter?.no !== no) current.answers = {};
    current.matter = await matterCache.get(no);
    current.view = await fetchView(no);
  } catch {
    matterCache.delete(no);
    return;
  }
  renderDetail(current.matter);
}

/**
 * The matter's view for the chosen conditions, in the console's language.
 * @param {number} no
 * @returns {Promise<MatterView>}
 */
function fetchView(no) {
  const query = new URLSearchParams({ lang: state.lang === 'bo' ? 'bo' : 'zh-CN' });
  for (const [question, options] of Object.entries(current.answers)) if (options.length > 0) query.set(question, options.join(','));
  return getJson(`/api/matters/${no}?${query}`);
}

/** A chip toggles one condition; a one-answer question holds one chip at a time. */
async function toggle(/** @type {ViewQuestion} */ question, /** @type {string} */ option) {
  const chosen = current.answers[question.id] ?? [];
  const next = chosen.includes(option) ? chosen.filter((o) => o !== option) : question.multi ? [...chosen, option] : [option];
  current.answers = { ...current.answers, [question.id]: next };
  if (!current.matter) return;
  current.view = await fetchView(current.matter.no);
  renderDetail(current.matter);
}

/** The conditions a material needs, as the server's short tags (急诊 / 外伤或意外伤害住院 / 委托他人代办). */
function tagWords(/** @type {string[][]} */ tags) {
  return tags.map((group) => group.join(s('agent.optionJoin'))).join(s('agent.conditionJoin'));
}

function materialText(/** @type {{ text: string, form?: string | null }} */ m) {
  return `${m.text}${m.form ? `（${m.form}）` : ''}`;
}

/** Filter chips, one per condition, and the list the chat gives for the chosen ones. */
function checklistSection(/** @type {MatterView} */ view) {
  const chips = view.questions.map((q) =>
    el(
      'div',
      { class: 'chip-group', role: 'group', 'aria-label': q.text, title: q.text },
      q.options
        .filter((o) => o.id !== 'none')
        .map((o) => {
          const on = (current.answers[q.id] ?? []).includes(o.id);
          return el(
            'button',
            {
              type: 'button',
              class: on ? 'chip on' : 'chip',
              'aria-pressed': String(on),
              title: o.label,
              dataset: { question: q.id, option: o.id },
              onclick: () => toggle(q, o.id),
            },
            o.tag,
          );
        }),
    ),
  );
  const list = view.checklist.materials.map((m) => el('li', {}, materialText(m)));
  return el(
    'section',
    { class: 'block checklist' },
    el('h3', {}, s('agent.checklistFor')),
    el('div', { class: 'chips' }, chips),
    el('ol', { class: 'checklist-materials' }, list),
    el('button', { type: 'button', class: 'btn copy-checklist', onclick: () => copy(view.plainText) }, s('agent.copyChecklist')),
  );
}

function section(titleKey, ...content) {
  return el('section', { class: 'block' }, el('h3', {}, s(titleKey)), ...content);
}

/** A condition of the stored matter (a time limit's or a note's) as the view's short tags. */
function conditionWords(/** @type {Record<string, string[]> | undefined} */ when) {
  if (!when || !current.view) return undefined;
  const view = current.view;
  const tags = Object.entries(when).map(([q, options]) =>
    options.map((o) => view.questions.find((x) => x.id === q)?.options.find((x) => x.id === o)?.tag ?? o),
  );
  return s('agent.when', { conditions: tagWords(tags) });
}

function renderDetail(matter) {
  const view = /** @type {MatterView} */ (current.view);
  const materials = view.materials.map((m) => {
    const cond = m.tags.length > 0 ? s('agent.when', { conditions: tagWords(m.tags) }) : undefined;
    return el(
      'li',
      { dataset: { material: m.id } },
      el('span', { class: 'material' }, materialText(m)),
      el('span', { class: cond ? 'when' : 'when always' }, cond ?? s('agent.always')),
    );
  });
  const materialsText = view.materials
    .map((m, i) => `${i + 1}. ${materialText(m)}${m.tags.length > 0 ? ` — ${s('agent.when', { conditions: tagWords(m.tags) })}` : ''}`)
    .join('\n');
  const later = pick(matter.channels, 'later') ?? [];
  const parts = [
    el('h2', {}, `${matter.no}. ${pick(matter, 'title')}`),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, s('agent.code')),
      el('dd', {}, matter.code ?? '—'),
      el('dt', {}, s('agent.category')),
      el('dd', {}, pick(matter, 'category')),
      el('dt', {}, s('agent.summary')),
      el('dd', {}, pick(matter, 'summary')),
      el('dt', {}, s('agent.audience')),
      el('dd', {}, pick(matter.audience, 'text')),
      el('dt', {}, s('agent.unit')),
      el(
        'dd',
        {},
        pick(matter.unit, 'text'),
        matter.unit.householdRegistration ? el('div', { class: 'note' }, s('agent.householdRegistration')) : undefined,
        matter.unit.others.length > 0 ? el('div', {}, `${s('agent.otherUnits')}：${matter.unit.others.join('、')}`) : undefined,
      ),
      el('dt', {}, s('agent.timeLimit')),
      el(
        'dd',
        { class: 'time-limit' },
        pick(matter.timeLimit, 'text'),
        matter.timeLimit.variants.map((v) =>
          el('div', { class: 'variant' }, s('agent.timeLimitVariant', { when: conditionWords(v.when), text: pick(v, 'text') })),
        ),
      ),
      el('dt', {}, s('agent.channels')),
      el('dd', {}, pick(matter.channels, 'now').join('、'), later.length > 0 ? ` （${s('agent.channelsLater')}：${later.join('、')}）` : ''),
    ),
    checklistSection(view),
    section(
      'agent.materials',
      el('ol', { class: 'materials' }, materials),
      el('button', { type: 'button', class: 'btn copy-materials', onclick: () => copy(`${view.title}\n${materialsText}`) }, s('agent.copyMaterials')),
    ),
    section(
      'agent.process',
      el(
        'ol',
        { class: 'steps' },
        (pick(matter.process, 'steps') ?? matter.process.steps).map((step) => el('li', {}, step)),
      ),
    ),
    matter.notes.length > 0
      ? section(
          'agent.notes',
          el(
            'ul',
            {},
            matter.notes.map((n) => el('li', {}, pick(n, 'text'), n.when ? el('span', { class: 'when' }, conditionWords(n.when)) : undefined)),
          ),
        )
      : undefined,
    section(
      'agent.legalBasis',
      // Legal citations stay in Chinese; in Tibetan they say so.
      state.lang === 'bo' ? el('p', { class: 'note chinese-original' }, s('agent.chineseOriginal')) : '',
      el(
        'ul',
        { class: 'legal', lang: 'zh-CN' },
        matter.legalBasis.items.map((item) => el('li', {}, item)),
      ),
    ),
    matter.related.length > 0
      ? section(
          'agent.related',
          el(
            'ul',
            {},
            matter.related.map((r) =>
              el('li', {}, el('a', { href: `#${r.no}`, onclick: (e) => (e.preventDefault(), openMatter(r.no)) }, `${r.no}`), ` ${pick(r, 'reason')}`),
            ),
          ),
        )
      : undefined,
    section(
      'agent.sources',
      el(
        'ul',
        { class: 'sources' },
        Object.entries(matter.sources).map(([k, v]) => el('li', {}, `${k}: ${v}`)),
      ),
    ),
  ];
  detail.replaceChildren(...parts.filter(Boolean));
  detail.dataset.no = String(matter.no);
}

// ---- keyboard ---------------------------------------------------------------

input.addEventListener('input', () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => search(input.value.trim()), 150);
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown') {
    event.preventDefault();
    move(1);
  } else if (event.key === 'ArrowUp') {
    event.preventDefault();
    move(-1);
  } else if (event.key === 'Enter') {
    event.preventDefault();
    const chosen = current.matters[current.selected];
    if (chosen) openMatter(chosen.no);
  } else if (event.key === 'Escape') {
    input.value = '';
    search('');
  }
});

document.addEventListener('keydown', (event) => {
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
  if ((event.key === '/' && !typing) || (event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey))) {
    event.preventDefault();
    input.focus();
    input.select();
  }
});

$('sign-out').addEventListener('click', async () => {
  await fetch('/staff/logout', { method: 'POST' });
  location.replace('/agent/signin');
});

input.focus();
document.body.dataset.ready = 'true';
