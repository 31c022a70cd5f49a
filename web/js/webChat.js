// Web Chat (served by this server as /assets/<version>/vendor/webchat.js) on our own Direct Line.
import { t } from './i18n.js';

const FONT = "'Noto Serif Tibetan', system-ui, 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/**
 * Web Chat formats time stamps ("Sent at …", "5 minutes ago") and sizes with Globalize, which
 * has no Tibetan and would fall back to English: in Tibetan they come from web.json's webchatFormat.
 */
export function tibetanGlobalize(f) {
  const fill = (template, ...values) => values.reduce((s, v, i) => s.replace(`$${i + 1}`, String(v)), template);
  return {
    dateFormatter: () => (date) => fill(f.dateTime, date.getMonth() + 1, date.getDate(), date.getHours(), String(date.getMinutes()).padStart(2, '0')),
    relativeTimeFormatter: (unit) => (value) => fill(unit === 'hour' ? f.hoursAgo : f.minutesAgo, Math.abs(value)),
    plural: (n) => (n === 1 ? 'one' : 'other'),
    unitFormatter: (unit) => (value) => fill(f[unit] ?? f.byte, value),
  };
}

/**
 * Web Chat writes aria-roledescription="message" / "attachment" in English, with no string to
 * override: a screen reader would say "message" after every Tibetan reply. Ours replace them,
 * again after each language switch (the English original is kept in data-role).
 */
function localizeRoles(element, roles) {
  const apply = (el) => {
    const role = el.dataset.role ?? el.getAttribute('aria-roledescription');
    const text = roles()[role];
    if (!text) return;
    el.dataset.role = role;
    if (el.getAttribute('aria-roledescription') !== text) el.setAttribute('aria-roledescription', text);
  };
  const applyAll = () => element.querySelectorAll('[aria-roledescription]').forEach(apply);
  new MutationObserver(applyAll).observe(element, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-roledescription'] });
  return applyAll;
}

/** A fresh conversation-scoped token from our own server: no secret ever reaches the page. */
async function newToken() {
  const res = await fetch('/api/directline/token', { method: 'POST' });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return (await res.json()).token;
}

/**
 * Mounts Web Chat in `element`. `onActivity(activity)` sees every incoming activity
 * (checklists carry channelData.messageKey === 'checklist'). Returns controls to
 * send text, switch language and end the conversation.
 */
export async function mountWebChat({ element, lang, strings, styleOptions = {}, adaptiveCardsHostConfig, onActivity = () => {} }) {
  const { WebChat } = window;
  const token = await newToken();
  const directLine = WebChat.createDirectLine({ token, domain: `${location.origin}/v3/directline`, webSocket: false });
  const store = WebChat.createStore({}, () => (next) => (action) => {
    if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') onActivity(action.payload.activity);
    return next(action);
  });
  const baseStyle = {
    primaryFont: FONT,
    bubbleMaxWidth: 720,
    hideUploadButton: true,
    suggestedActionLayout: 'flow',
    suggestedActionHeight: 44,
    sendBoxHeight: 48,
    ...styleOptions,
  };
  let current = { lang, strings };
  const render = () =>
    WebChat.renderWebChat(
      {
        directLine,
        store,
        // Web Chat has no Tibetan of its own: its strings come from our locale either way.
        locale: current.lang === 'bo' ? 'bo' : 'zh-CN',
        overrideLocalizedStrings:
          current.lang === 'bo' ? { ...current.strings.webchat, GLOBALIZE: tibetanGlobalize(current.strings.webchatFormat) } : current.strings.webchat,
        styleOptions: baseStyle,
        ...(adaptiveCardsHostConfig ? { adaptiveCardsHostConfig } : {}),
      },
      element,
    );
  render();
  const relabel = localizeRoles(element, () => current.strings.webchatRoles ?? {});
  return {
    directLine,
    send(text) {
      store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text } });
    },
    /** Switches Web Chat's strings and tells the bot, with the word its interruptions know. */
    setLang(nextLang, nextStrings) {
      current = { lang: nextLang, strings: nextStrings };
      render();
      relabel();
      store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: t(nextStrings, 'common.langWord') } });
    },
    end() {
      directLine.end();
    },
  };
}
