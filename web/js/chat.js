import { applyStrings, bindLangSwitch, langFromQuery, loadStrings, markLang, t } from './i18n.js';
import { loadWebChat, mountWebChat } from './webChat.js';

const STORAGE_KEY = 'xzyb.lang';
const header = document.querySelector('.lang-switch');
const status = document.getElementById('status');
const handoff = document.getElementById('handoff');

function savedLang() {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  loadWebChat(); // starts the bundle's download now; the header and "正在连接……" do not wait for it
  // ?lang= (the embed's data-lang) first, then the visitor's last choice, then Chinese.
  let lang = langFromQuery(savedLang() ?? 'zh-CN');
  let strings = await loadStrings(lang);
  applyStrings(strings, lang);
  markLang(header, lang);
  if (new URLSearchParams(location.search).has('embed')) document.body.classList.add('embedded');
  let chat;
  // The switch works while Web Chat is still loading; the conversation then starts in the chosen language.
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
    await chat?.setLang(lang, strings);
  });
  handoff.addEventListener('click', () => chat?.handoff());
  try {
    const mountedIn = lang;
    chat = await mountWebChat({ element: document.getElementById('webchat'), lang, strings });
    if (lang !== mountedIn) await chat.setLang(lang, strings);
  } catch {
    status.textContent = t(strings, 'common.connectError');
    return;
  }
  status.hidden = true;
  handoff.disabled = false;
  document.body.dataset.ready = 'true';
}

main();
