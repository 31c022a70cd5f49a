import { applyStrings, bindLangSwitch, loadStrings, markLang, t } from './i18n.js';
import { loadWebChat, mountWebChat, tibetanGlobalize } from './webChat.js';

/** Card type on the kiosk, read standing at arm's length: 22 px where the chat has 16 (Tibetan 25 where it has 18). */
const KIOSK_CARD_SCALE = 1.375;
/** Seconds of countdown shown before the idle reset (at most half the idle time). */
const IDLE_WARNING_SECONDS = 15;
/** Print type: never below 14 pt for older eyes; a long checklist takes a second page rather than smaller type. */
const PRINT_PT = { start: 16, min: 14 };

const $ = (id) => document.getElementById(id);
const langSwitch = document.querySelector('.lang-switch');
const params = new URLSearchParams(location.search);

/** A4 minus the 15 mm margins of @page, in CSS pixels (96 per inch). */
const PRINTABLE_HEIGHT_PX = ((297 - 30) / 25.4) * 96;

let lang = 'zh-CN';
let strings;
let config;
let chat;
/** Resolves with the chat once Web Chat has loaded: the home screen works before, taps wait for it. */
let chatReady;
let checklist; // channelData of the last checklist: { plainText, checklist, qr: { text, shortened } }

/** Forget everything: end the conversation and load a fresh home screen (no DOM or state of the last visitor survives). */
function reset() {
  chat?.end();
  // The hall's settings (?idle=, ?county=) stay; nothing of the visitor does.
  const kept = new URLSearchParams([...params].filter(([name]) => name === 'idle' || name === 'county')).toString();
  location.replace(`${location.pathname}${kept ? `?${kept}` : ''}`);
}

function showConversation() {
  $('home').hidden = true;
  $('conversation').hidden = false;
  $('home-button').hidden = false;
}

function renderCategories() {
  const box = $('categories');
  box.replaceChildren(
    ...config.categories.map((c) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.category = c.id;
      button.textContent = c.label[lang];
      button.addEventListener('click', () => ask(c.query[lang]));
      return button;
    }),
  );
}

async function ask(text) {
  showConversation();
  (await chatReady).send(text);
}

async function handoff() {
  showConversation();
  (await chatReady).handoff();
}

/**
 * Tells the conversation it is on a kiosk, in this hall's county (?county=, else the server's
 * KIOSK_COUNTY), so a place question offers 就在本县 first (README: Events the pages send).
 */
function announceKiosk(c) {
  const county = params.get('county');
  c.directLine.postActivity({ type: 'event', name: 'kiosk', value: county ? { county } : {}, from: { id: 'kiosk' } }).subscribe({ error: () => {} });
}

async function switchLang(next) {
  if (next === lang) return;
  lang = next;
  strings = await loadStrings(lang);
  applyStrings(strings, lang);
  markLang(langSwitch, lang);
  renderCategories();
  await (await chatReady)?.setLang(lang, strings);
  // Before anything was said the language switch starts a new conversation: it is told again.
  announceKiosk(await chatReady);
  if (checklist) renderPrintArea();
}

function onActivity(activity) {
  if (activity.from?.role === 'user' || activity.channelData?.messageKey !== 'checklist') return;
  checklist = activity.channelData;
  renderPrintArea();
  $('checklist-actions').hidden = false;
}

/** The checklist text with a ☐ before each material (the first numbered run), to tick off at the counter. */
function withBoxes(text) {
  let seen = false;
  let done = false;
  return text
    .split('\n')
    .map((line) => {
      const numbered = /^\d+\.\s/.test(line);
      if (numbered && !done) {
        seen = true;
        return `☐ ${line}`;
      }
      if (seen && !numbered) done = true;
      return line;
    })
    .join('\n');
}

function renderPrintArea() {
  $('print-text').textContent = withBoxes(checklist.plainText);
  // The browser has no Tibetan date format (it prints English): Tibetan takes web.json's own.
  const now = new Date();
  const time = lang === 'bo' ? tibetanGlobalize(strings.webchatFormat).dateFormatter()(now) : now.toLocaleString(lang);
  $('print-footer').textContent = t(strings, 'kiosk.printFooter', { time });
  fitPrintArea();
}

/** Shrinks the print type in steps until the checklist fits one A4 page, but never below 14 pt. */
function fitPrintArea() {
  const area = $('print-area');
  let size = PRINT_PT.start;
  area.style.fontSize = `${size}pt`;
  while (area.scrollHeight > PRINTABLE_HEIGHT_PX && size > PRINT_PT.min) {
    size -= 0.5;
    area.style.fontSize = `${size}pt`;
  }
  area.dataset.fontSize = String(size);
}

async function showQr() {
  // Made by the server with the checklist (its text, or title, materials, time limit and phone when that is too long).
  const { text, shortened } = checklist.qr;
  const res = await fetch('/web/qr', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
  if (!res.ok) return;
  const img = $('qr-image');
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(await res.blob());
  img.dataset.qrText = text;
  $('qr-shortened').hidden = !shortened;
  $('qr-dialog').showModal();
}

/** Resets after the idle time; the last seconds count down on screen, and any touch keeps the page. */
function armIdleReset() {
  const asked = Number(params.get('idle'));
  const seconds = Number.isFinite(asked) && asked > 0 ? Math.min(asked, config.kioskIdleSeconds) : config.kioskIdleSeconds;
  const warnFor = Math.min(IDLE_WARNING_SECONDS, Math.ceil(seconds / 2));
  let deadline;
  const tick = () => {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) return reset();
    $('idle-warning').hidden = left > warnFor;
    $('idle-count').textContent = String(left);
  };
  const touched = () => {
    deadline = Date.now() + seconds * 1000;
    tick();
  };
  touched();
  setInterval(tick, 250);
  for (const type of ['pointerdown', 'keydown', 'input', 'wheel']) document.addEventListener(type, touched, { capture: true, passive: true });
}

async function main() {
  loadWebChat(); // starts the bundle's download now; the home screen does not wait for it
  [strings, config] = await Promise.all([loadStrings(lang), fetch('/web/config.json').then((r) => r.json())]);
  applyStrings(strings, lang);
  markLang(langSwitch, lang);
  renderCategories();
  bindLangSwitch(langSwitch, switchLang);
  $('home-button').addEventListener('click', reset);
  $('handoff').addEventListener('click', handoff);
  $('ask').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('ask-input').value.trim();
    if (!text) return;
    $('ask-input').value = '';
    ask(text);
  });
  $('print-button').addEventListener('click', () => window.print());
  $('qr-button').addEventListener('click', () => showQr());
  armIdleReset();
  chatReady = mountWebChat({
    element: $('webchat'),
    lang,
    strings,
    styleOptions: { suggestedActionHeight: 56, sendBoxHeight: 60, bubbleMaxWidth: 900 },
    cardScale: KIOSK_CARD_SCALE,
    // The home screen has the category buttons: "也可以从下面的类别开始：" would stand in the transcript with nothing under it.
    hide: (activity) => activity.channelData?.messageKey === 'welcomeCategories',
    onActivity,
  });
  try {
    chat = await chatReady;
    announceKiosk(chat);
    $('status').hidden = true;
    document.body.dataset.ready = 'true';
  } catch {
    $('status').textContent = t(strings, 'common.connectError');
    chatReady = new Promise(() => {}); // taps wait for ever rather than throw
  }
}

main();
