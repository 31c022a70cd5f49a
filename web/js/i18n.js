// UI strings come from the server (locales/<lang>/web.json); pages hold none of their own.
export const LANGS = ['zh-CN', 'bo'];

const cache = new Map();

/** The strings the server put into the page for its language (<script type="application/json" id="web-strings">), so the first paint needs no request. */
function inlined(lang) {
  const node = document.getElementById('web-strings');
  if (!node) return undefined;
  try {
    const data = JSON.parse(node.textContent);
    return data.lang === lang ? data.strings : undefined;
  } catch {
    return undefined;
  }
}

export function loadStrings(lang) {
  if (!cache.has(lang) && inlined(lang)) cache.set(lang, Promise.resolve(inlined(lang)));
  if (!cache.has(lang)) {
    cache.set(
      lang,
      fetch(`/locales/${encodeURIComponent(lang)}/web.json`).then((res) => {
        if (!res.ok) throw new Error(`locale ${lang}: HTTP ${res.status}`);
        return res.json();
      }),
    );
  }
  return cache.get(lang);
}

/** `t(strings, 'kiosk.print', { time })`: a dotted key, {{name}} placeholders. */
export function t(strings, key, vars = {}) {
  const value = key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), strings);
  if (typeof value !== 'string') return key;
  return value.replace(/\{\{(\w+)\}\}/g, (_, name) => (vars[name] === undefined ? '' : String(vars[name])));
}

/** Fills every [data-i18n] (text) and [data-i18n-<attr>] (attribute) under `root`, and sets lang. */
export function applyStrings(strings, lang, root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(strings, el.dataset.i18n);
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    const dataKey = `i18n${attr.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(strings, el.dataset[dataKey]));
  }
}

/** The language asked for in ?lang=, else `fallback`. */
export function langFromQuery(fallback = 'zh-CN') {
  const asked = new URLSearchParams(location.search).get('lang');
  return LANGS.includes(asked) ? asked : fallback;
}

/** Wires the 中文 / བོད་ཡིག buttons in `container` ([data-lang]) to `onSwitch(lang)`. */
export function bindLangSwitch(container, onSwitch) {
  for (const button of container.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => onSwitch(button.dataset.lang));
  }
}

export function markLang(container, lang) {
  for (const button of container.querySelectorAll('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
}
