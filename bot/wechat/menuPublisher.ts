import { WeChatApiError } from './wechatApiError.js';
import type { WeChatMenu } from './wechatMenu.js';

export interface PublishOptions {
  /** https://api.weixin.qq.com, or a stub in tests */
  apiBase: string;
  appId: string;
  appSecret: string;
  menu: WeChatMenu;
  timeoutMs?: number;
}

interface ApiAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
}

/**
 * Publishes the custom menu: an access_token from AppID + AppSecret
 * (GET /cgi-bin/token), then POST /cgi-bin/menu/create. WeChat answers errors
 * as HTTP 200 with a non-zero errcode, so both are checked.
 */
export async function publishWeChatMenu({ apiBase, appId, appSecret, menu, timeoutMs = 15_000 }: PublishOptions): Promise<void> {
  const base = apiBase.replace(/\/+$/, '');
  const tokenUrl = `${base}/cgi-bin/token?${new URLSearchParams({ grant_type: 'client_credential', appid: appId, secret: appSecret })}`;
  const token = await call('token', tokenUrl, { method: 'GET' }, timeoutMs);
  if (typeof token.access_token !== 'string' || token.access_token === '') {
    throw new WeChatApiError('WeChat returned no access_token', 'token', token.errcode);
  }
  await call(
    'menu',
    `${base}/cgi-bin/menu/create?${new URLSearchParams({ access_token: token.access_token })}`,
    // WeChat wants the Chinese as UTF-8, not \u escapes: JSON.stringify leaves it as is.
    { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify({ button: menu.button }) },
    timeoutMs,
  );
}

async function call(step: 'token' | 'menu', url: string, init: RequestInit, timeoutMs: number): Promise<ApiAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new WeChatApiError(`cannot reach WeChat's API for the ${step} step (${(cause as Error).message})`, step);
  }
  if (!res.ok) throw new WeChatApiError(`WeChat's API answered HTTP ${res.status} for the ${step} step`, step);
  let answer: ApiAnswer;
  try {
    answer = (await res.json()) as ApiAnswer;
  } catch {
    throw new WeChatApiError(`WeChat's API answered the ${step} step with something that is not JSON`, step);
  }
  if (answer.errcode !== undefined && answer.errcode !== 0) {
    throw new WeChatApiError(`WeChat refused the ${step} step: errcode ${answer.errcode} ${answer.errmsg ?? ''}`.trim(), step, answer.errcode);
  }
  return answer;
}
