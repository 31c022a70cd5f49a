// The console's language, remembered per browser (staff keep theirs).
import { applyStrings, bindLangSwitch, langFromQuery, loadStrings, markLang } from './i18n.js';

const STORAGE_KEY = 'xzyb.agent.lang';

/** Loads the saved language's strings, applies them and wires the switch; `onChange(lang, strings)` after each switch. */
export async function setUpLanguage(onChange = () => {}) {
  let saved;
  try {
    saved = localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    saved = undefined;
  }
  const state = { lang: langFromQuery(saved ?? 'zh-CN') };
  state.strings = await loadStrings(state.lang);
  const container = document.querySelector('.lang-switch');
  applyStrings(state.strings, state.lang);
  markLang(container, state.lang);
  bindLangSwitch(container, async (lang) => {
    state.lang = lang;
    state.strings = await loadStrings(lang);
    applyStrings(state.strings, lang);
    markLang(container, lang);
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // private mode
    }
    onChange(state.lang, state.strings);
  });
  return state;
}
