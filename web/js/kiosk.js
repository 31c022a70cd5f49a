import { applyStrings, bindLangSwitch, loadStrings, markLang, t } from './i18n.js';
import { mountWebChat, tibetanGlobalize } from './webChat.js';

/** Adaptive Cards host config for the kiosk: type sizes in px, larger than Web Chat's defaults. */
const KIOSK_CARD = {
  fontFamily: "'Noto Serif Tibetan', system-ui, 'Noto Sans CJK SC', sans-serif",
  fontSizes: { small: 18, default: 22, medium: 26, large: 30, extraLarge: 34 },
  spacing: { small: 6, default: 10, medium: 18, large: 24, extraLarge: 32, padding: 16 },
};

const $ = (id) => document.getElementById(id);
const langSwitch = document.querySelector('.lang-switch');
const params = new URLSearchParams(location.search);

/** A4 minus the 15 mm margins of @page, in CSS pixels (96 per inch). */
const PRINTABLE_HEIGHT_PX = ((297 - 30) / 25.4) * 96;

let lang = 'zh-CN';
let strings;
let config;
let chat;
let checklist; // channelData of the last checklist: { plainText, checklist }

/** Forget everything: end the conversation and load a fresh home screen (no DOM or state of the last visitor survives). */
function reset() {
  chat?.end();
  location.replace(`${location.pathname}${params.has('idle') ? `?idle=${encodeURIComponent(params.get('idle'))}` : ''}`);
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

function ask(text) {
  showConversation();
  chat.send(text);
}

async function switchLang(next) {
  if (next === lang) return;
  lang = next;
  strings = await loadStrings(lang);
  applyStrings(strings, lang);
  markLang(langSwitch, lang);
  renderCategories();
  chat.setLang(lang, strings);
  if (checklist) renderPrintArea();
}

function onActivity(activity) {
  if (activity.from?.role === 'user' || activity.channelData?.messageKey !== 'checklist') return;
  checklist = activity.channelData;
  renderPrintArea();
  $('checklist-actions').hidden = false;
}

function renderPrintArea() {
  $('print-text').textContent = checklist.plainText;
  // The browser has no Tibetan date format (it prints English): Tibetan takes web.json's own.
  const now = new Date();
  const time = lang === 'bo' ? tibetanGlobalize(strings.webchatFormat).dateFormatter()(now) : now.toLocaleString(lang);
  $('print-footer').textContent = t(strings, 'kiosk.printFooter', { time });
  fitPrintArea();
}

/** Shrinks the print type in steps until the checklist fits one A4 page. */
function fitPrintArea() {
  const area = $('print-area');
  let size = 11;
  area.style.fontSize = `${size}pt`;
  while (area.scrollHeight > PRINTABLE_HEIGHT_PX && size > 6) {
    size -= 0.5;
    area.style.fontSize = `${size}pt`;
  }
  area.dataset.fontSize = String(size);
}

/** The checklist's own text if a readable QR code holds it; else title, materials, time limit and phone. */
function qrText() {
  const full = checklist.plainText;
  if (new TextEncoder().encode(full).length <= config.qrMaxBytes) return { text: full, shortened: false };
  const c = checklist.checklist;
  const lines = [t(strings, 'kiosk.qrShortTitle', { title: c.title }), `${t(strings, 'kiosk.qrMaterials')}:`];
  c.materials.forEach((m, i) => lines.push(`${i + 1}. ${m.text}${m.form ? `（${m.form}）` : ''}`));
  lines.push(`${t(strings, 'kiosk.qrTimeLimit')}: ${c.timeLimit}`);
  if (c.office) lines.push(`${t(strings, 'kiosk.qrOffice')}: ${c.office} ${c.officePhones.join(' / ')}`);
  let text = lines.join('\n');
  // Still too long: drop material lines from the end, keeping the phone.
  while (new TextEncoder().encode(text).length > config.qrMaxBytes && lines.length > 4) {
    lines.splice(lines.length - 3, 1);
    text = lines.join('\n');
  }
  return { text, shortened: true };
}

async function showQr() {
  const { text, shortened } = qrText();
  const res = await fetch('/web/qr', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
  if (!res.ok) return;
  const img = $('qr-image');
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(await res.blob());
  img.dataset.qrText = text;
  $('qr-shortened').hidden = !shortened;
  $('qr-dialog').showModal();
}

function armIdleReset() {
  const asked = Number(params.get('idle'));
  const seconds = Number.isFinite(asked) && asked > 0 ? Math.min(asked, config.kioskIdleSeconds) : config.kioskIdleSeconds;
  let timer;
  const touched = () => {
    clearTimeout(timer);
    timer = setTimeout(reset, seconds * 1000);
  };
  for (const type of ['pointerdown', 'keydown', 'input', 'wheel']) document.addEventListener(type, touched, { capture: true, passive: true });
}

async function main() {
  [strings, config] = await Promise.all([loadStrings(lang), fetch('/web/config.json').then((r) => r.json())]);
  applyStrings(strings, lang);
  markLang(langSwitch, lang);
  renderCategories();
  bindLangSwitch(langSwitch, switchLang);
  $('home-button').addEventListener('click', reset);
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
  try {
    chat = await mountWebChat({
      element: $('webchat'),
      lang,
      strings,
      styleOptions: { suggestedActionHeight: 56, sendBoxHeight: 60, bubbleMaxWidth: 900 },
      // Large type on the checklist card too, read standing at arm's length.
      adaptiveCardsHostConfig: KIOSK_CARD,
      onActivity,
    });
    document.body.dataset.ready = 'true';
  } catch {
    $('status').textContent = t(strings, 'common.connectError');
    $('status').hidden = false;
  }
}

main();
