import { applyStrings, bindLangSwitch, langFromQuery, loadStrings, markLang, t } from './i18n.js';
import { mountWebChat } from './webChat.js';

const STORAGE_KEY = 'xzyb.lang';
const header = document.querySelector('.lang-switch');
const status = document.getElementById('status');

function savedLang() {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  let lang = langFromQuery(savedLang() ?? 'zh-CN');
  let strings = await loadStrings(lang);
  applyStrings(strings, lang);
  markLang(header, lang);
  if (new URLSearchParams(location.search).has('embed')) document.body.classList.add('embedded');
  let chat;
  try {
    chat = await mountWebChat({ element: document.getElementById('webchat'), lang, strings });
  } catch {
    status.textContent = t(strings, 'common.connectError');
    status.hidden = false;
    return;
  }
  bindLangSwitch(header, async (next) => {
    if (next === lang) return;
    lang = next;
    strings = await loadStrings(lang);
    applyStrings(strings, lang);
    markLang(header, lang);
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
    chat.setLang(lang, strings);
  });
}

main();
