// Web Chat (served by this server as /assets/<version>/vendor/webchat.js) on our own Direct Line.
import { t } from './i18n.js';

const FONT = "'Noto Serif Tibetan', system-ui, 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

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
        overrideLocalizedStrings: current.strings.webchat,
        styleOptions: baseStyle,
        ...(adaptiveCardsHostConfig ? { adaptiveCardsHostConfig } : {}),
      },
      element,
    );
  render();
  return {
    directLine,
    send(text) {
      store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text } });
    },
    /** Switches Web Chat's strings and tells the bot, with the word its interruptions know. */
    setLang(nextLang, nextStrings) {
      current = { lang: nextLang, strings: nextStrings };
      render();
      store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: t(nextStrings, 'common.langWord') } });
    },
    end() {
      directLine.end();
    },
  };
}
