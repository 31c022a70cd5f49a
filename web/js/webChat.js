// Web Chat (served by this server as /assets/<version>/vendor/webchat.js) on our own Direct Line.
import { t } from './i18n.js';
import { ResilientDirectLine } from './resilientDirectLine.js';

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

/** A fresh conversation and a token scoped to it, from our own server: no secret ever reaches the page. */
async function newToken() {
  const res = await fetch('/api/directline/token', { method: 'POST' });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  const { token, conversationId } = await res.json();
  return { token, conversationId };
}

let webChatLoaded;
/**
 * Web Chat's 3.9 MB bundle, fetched only once the page has painted its own header and
 * "正在连接……": on a 400 kbps link the page is readable long before the bundle arrives.
 */
export function loadWebChat() {
  webChatLoaded ??= new Promise((resolve, reject) => {
    if (window.WebChat) return resolve(window.WebChat);
    const script = document.createElement('script');
    script.src = new URL('../vendor/webchat.js', import.meta.url).href;
    script.onload = () => resolve(window.WebChat);
    script.onerror = () => reject(new Error('webchat.js did not load'));
    document.head.append(script);
  });
  return webChatLoaded;
}

/**
 * Adaptive Cards type for older eyes (issue 14 §4): at least 16 px, Tibetan at least 18 px with
 * line height 1.9 (its stacks are tall; 1.15 made lines touch). `scale` enlarges it (the kiosk).
 */
export function cardHostConfig(lang, scale = 1) {
  const base = (lang === 'bo' ? 18 : 16) * scale;
  const step = { small: 0, default: 0, medium: 2, large: 5, extraLarge: 8 };
  const fontSizes = Object.fromEntries(Object.entries(step).map(([k, v]) => [k, Math.round(base + v * scale)]));
  const lineHeights = Object.fromEntries(Object.entries(fontSizes).map(([k, v]) => [k, Math.round(v * (lang === 'bo' ? 1.9 : 1.5))]));
  return {
    fontFamily: FONT,
    fontSizes,
    lineHeights,
    spacing: { small: 6, default: 10, medium: 16, large: 22, extraLarge: 30, padding: 14 },
    actions: { actionsOrientation: 'vertical', actionAlignment: 'stretch', buttonSpacing: 10, maxActions: 6 },
  };
}

/**
 * Mounts Web Chat in `element`. `onActivity(activity)` sees every incoming activity
 * (checklists carry channelData.messageKey === 'checklist'); `hide(activity)` leaves an activity
 * out of the transcript. Returns controls to send text, ask for a person, switch language and
 * end the conversation.
 */
export async function mountWebChat({ element, lang, strings, styleOptions = {}, cardScale = 1, hide = () => false, onActivity = () => {} }) {
  const WebChat = await loadWebChat();
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
  let spoken = false; // has the person said anything in this conversation yet?
  /** A conversation told the page's locale from its first activity, so the welcome comes in that language. */
  const connect = async () => {
    const { token, conversationId } = await newToken();
    spoken = false;
    // WebSocket: replies arrive as they are written (polling where a browser has none, or a proxy refuses the upgrade);
    // after a drop, however long, the page resumes this conversation from the last watermark it received.
    const directLine = new ResilientDirectLine({
      createDirectLine: (options) => WebChat.createDirectLine(options),
      domain: `${location.origin}/v3/directline`,
      token,
      conversationId,
      locale: current.lang,
    });
    let submitted = false; // sent while reconnecting: the text stays in the send box until reconnected
    const store = WebChat.createStore({}, ({ dispatch }) => (next) => (action) => {
      if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') onActivity(action.payload.activity);
      // Web Chat ignores Enter while reconnecting (its send box submits only when connected): the submit is made once reconnected.
      if (action.type === 'DIRECT_LINE/RECONNECT_FULFILLED' && submitted) {
        submitted = false;
        setTimeout(() => dispatch({ type: 'WEB_CHAT/SUBMIT_SEND_BOX', payload: { method: 'keyboard' } }));
      }
      if (action.type === 'DIRECT_LINE/POST_ACTIVITY' && action.payload.activity.type === 'message') spoken = true;
      return next(action);
    });
    // Each conversation gets its own node: Web Chat does not take a new store in place.
    const host = document.createElement('div');
    host.className = 'webchat-host';
    element.replaceChildren(host);
    const sentWhileReconnecting = (e) => {
      if (store.getState().connectivityStatus !== 'reconnecting') return;
      const enter = e.type === 'keydown' && e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.target.matches?.('[data-id="webchat-sendbox-input"]');
      if (enter || (e.type === 'click' && e.target.closest?.('.webchat__send-button'))) submitted = true;
    };
    host.addEventListener('keydown', sentWhileReconnecting, true);
    host.addEventListener('click', sentWhileReconnecting, true);
    return { directLine, store, host };
  };
  let session = await connect();
  const activityMiddleware =
    () =>
    (next) =>
    (...args) =>
      hide(args[0].activity) ? false : next(...args);
  const render = () =>
    WebChat.renderWebChat(
      {
        directLine: session.directLine,
        store: session.store,
        // Web Chat has no Tibetan of its own: its strings come from our locale either way.
        locale: current.lang === 'bo' ? 'bo' : 'zh-CN',
        overrideLocalizedStrings:
          current.lang === 'bo' ? { ...current.strings.webchat, GLOBALIZE: tibetanGlobalize(current.strings.webchatFormat) } : current.strings.webchat,
        styleOptions: baseStyle,
        adaptiveCardsHostConfig: cardHostConfig(current.lang, cardScale),
        activityMiddleware,
      },
      session.host,
    );
  render();
  const relabel = localizeRoles(element, () => current.strings.webchatRoles ?? {});
  return {
    get directLine() {
      return session.directLine;
    },
    send(text) {
      session.store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text } });
    },
    /** 转人工: the dialogs answer the `handoff` event with the person's office and its phones (README: Events the pages send). */
    handoff() {
      spoken = true;
      session.store.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'handoff', value: {} } });
    },
    /**
     * Switches Web Chat's strings. Before the person has said anything the conversation starts
     * again in the new language (its welcome and category buttons too); after, the bot is told
     * with the word its interruptions know, and the conversation goes on.
     */
    async setLang(nextLang, nextStrings) {
      if (nextLang === current.lang) return;
      current = { lang: nextLang, strings: nextStrings };
      if (!spoken) {
        session.directLine.end();
        session = await connect();
      }
      render();
      relabel();
      if (spoken) session.store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: t(nextStrings, 'common.langWord') } });
    },
    end() {
      session.directLine.end();
    },
  };
}
