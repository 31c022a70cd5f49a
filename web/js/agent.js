import { el, toast } from './dom.js';
import { t } from './i18n.js';
import { setUpLanguage } from './staffLang.js';

const $ = (id) => document.getElementById(id);
const input = $('q');
const matterList = $('matter-list');
const officeList = $('office-list');
const detail = $('detail');

const state = await setUpLanguage(() => {
  renderOffices();
  renderMatters();
  if (current.matter) renderDetail(current.matter);
});
const s = (key, vars) => t(state.strings, key, vars);

/** What is on screen: the last search's answers, the selected result, the matter opened. */
const current = { matters: [], outcome: 'none', offices: [], selected: -1, matter: undefined };
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
    const [found, offices] = await Promise.all([
      getJson(`/api/search?q=${query}`, controller.signal),
      getJson(`/api/offices?q=${query}`, controller.signal),
    ]);
    Object.assign(current, { matters: found.matches, outcome: found.outcome, offices: offices.matches, selected: found.matches.length > 0 ? 0 : -1 });
  } catch (err) {
    if (err.name === 'AbortError') return;
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
    current.matter = await matterCache.get(no);
  } catch {
    matterCache.delete(no);
    return;
  }
  renderDetail(current.matter);
}

/** `{ claimType: ['emergency'] }` in words, with the matter's own question and option labels. */
function conditionWords(matter, when) {
  if (!when) return undefined;
  const parts = Object.entries(when).map(([questionId, optionIds]) => {
    const question = matter.questions.find((q) => q.id === questionId);
    const labels = optionIds.map((id) => {
      const option = question?.options.find((o) => o.id === id);
      return option ? pick(option, 'label') : id;
    });
    return s('agent.questionIs', { question: question ? pick(question, 'text') : questionId, options: labels.join(s('agent.optionJoin')) });
  });
  return s('agent.when', { conditions: parts.join(s('agent.conditionJoin')) });
}

function materialText(m) {
  const form = pick(m, 'form');
  return `${pick(m, 'name')}${form ? `（${form}）` : ''}`;
}

function section(titleKey, ...content) {
  return el('section', { class: 'block' }, el('h3', {}, s(titleKey)), ...content);
}

function renderDetail(matter) {
  const materials = matter.materials.map((m) => {
    const cond = conditionWords(matter, m.when);
    return el(
      'li',
      { dataset: { material: m.id } },
      el('span', { class: 'material' }, materialText(m)),
      el('span', { class: cond ? 'when' : 'when always' }, cond ?? s('agent.always')),
      m.conditionText ? el('span', { class: 'condition-text' }, m.conditionText) : undefined,
    );
  });
  const materialsText = matter.materials
    .map((m, i) => {
      const cond = conditionWords(matter, m.when);
      return `${i + 1}. ${materialText(m)}${cond ? ` — ${cond}` : ''}`;
    })
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
        matter.timeLimit.variants.map((v) => el('div', { class: 'variant' }, s('agent.timeLimitVariant', { when: conditionWords(matter, v.when), text: pick(v, 'text') }))),
      ),
      el('dt', {}, s('agent.channels')),
      el('dd', {}, pick(matter.channels, 'now').join('、'), later.length > 0 ? ` （${s('agent.channelsLater')}：${later.join('、')}）` : ''),
    ),
    section(
      'agent.materials',
      el('ol', { class: 'materials' }, materials),
      el('button', { type: 'button', class: 'btn copy-materials', onclick: () => copy(`${pick(matter, 'title')}\n${materialsText}`) }, s('agent.copyMaterials')),
    ),
    section('agent.process', el('ol', { class: 'steps' }, (pick(matter.process, 'steps') ?? matter.process.steps).map((step) => el('li', {}, step)))),
    matter.notes.length > 0
      ? section(
          'agent.notes',
          el('ul', {}, matter.notes.map((n) => el('li', {}, pick(n, 'text'), n.when ? el('span', { class: 'when' }, conditionWords(matter, n.when)) : undefined))),
        )
      : undefined,
    section(
      'agent.legalBasis',
      // Legal citations stay in Chinese; in Tibetan they say so.
      state.lang === 'bo' ? el('p', { class: 'note chinese-original' }, s('agent.chineseOriginal')) : '',
      el('ul', { class: 'legal', lang: 'zh-CN' }, matter.legalBasis.items.map((item) => el('li', {}, item))),
    ),
    matter.related.length > 0
      ? section(
          'agent.related',
          el(
            'ul',
            {},
            matter.related.map((r) => el('li', {}, el('a', { href: `#${r.no}`, onclick: (e) => (e.preventDefault(), openMatter(r.no)) }, `${r.no}`), ` ${pick(r, 'reason')}`)),
          ),
        )
      : undefined,
    section('agent.sources', el('ul', { class: 'sources' }, Object.entries(matter.sources).map(([k, v]) => el('li', {}, `${k}: ${v}`)))),
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
