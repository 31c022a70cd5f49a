import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KnowledgeError } from '../errors/knowledgeError.js';
import type { Category } from '../knowledge/knowledgeBase.js';

export const WECHAT_MENU_FILE = 'wechatMenu.json';

/** A name that fits WeChat's limit in UTF-8 bytes (a Chinese character is 3). */
const name = (maxBytes: number) =>
  z
    .string()
    .min(1)
    .refine((s) => Buffer.byteLength(s, 'utf8') <= maxBytes, { message: `longer than WeChat's ${maxBytes} bytes` });

/** Only `click` buttons: each starts one of the bot's categories, whose id is the key. */
const click = (maxNameBytes: number) =>
  z.strictObject({
    type: z.literal('click'),
    name: name(maxNameBytes),
    key: z.string().min(1).max(128),
  });

const group = z.strictObject({
  name: name(16),
  sub_button: z.array(click(60)).min(1).max(5, 'WeChat allows at most 5 sub_button entries'),
});

const topClick = click(16);

/** knowledge/wechatMenu.json: WeChat's own menu format (posted as is) and an `about` note for editors. */
const MenuFile = z.strictObject({
  about: z.string().optional(),
  button: z.array(z.unknown()).min(1, 'the menu needs a button').max(3, 'WeChat allows at most 3 top-level buttons'),
});
type Button = z.infer<typeof topClick> | z.infer<typeof group>;
export type WeChatMenu = { button: Button[] };

/** Every key of the menu's click buttons. */
export function menuKeys(menu: WeChatMenu): string[] {
  return menu.button.flatMap((b) => ('sub_button' in b ? b.sub_button.map((s) => s.key) : [b.key]));
}

/**
 * Reads and checks the Official Account's menu: WeChat's limits, and every key
 * one category id of categories.json, at most once. Start-up refuses a bad menu
 * as it refuses bad knowledge.
 */
export async function loadWeChatMenu(knowledgeDir: string, categories: readonly Category[]): Promise<WeChatMenu> {
  const file = path.join(knowledgeDir, WECHAT_MENU_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (cause) {
    throw new KnowledgeError(`cannot read the WeChat menu (${(cause as Error).message})`, { file: WECHAT_MENU_FILE });
  }
  const menuFile = parse(MenuFile, raw, []);
  // A button with sub_button is a group, anything else a click: each checked with its own schema, for clear messages.
  const button = menuFile.button.map((b, i): Button =>
    typeof b === 'object' && b !== null && 'sub_button' in b ? parse(group, b, ['button', i]) : parse(topClick, b, ['button', i]),
  );
  const menu: WeChatMenu = { button };
  const seen = new Set<string>();
  for (const key of menuKeys(menu)) {
    if (!categories.some((c) => c.id === key))
      throw new KnowledgeError(`menu key "${key}" is not a category id (see categories.json)`, { file: WECHAT_MENU_FILE, field: 'key' });
    if (seen.has(key)) throw new KnowledgeError(`menu key "${key}" appears twice`, { file: WECHAT_MENU_FILE, field: 'key' });
    seen.add(key);
  }
  return menu;
}

function parse<T>(schema: z.ZodType<T>, raw: unknown, at: (string | number)[]): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new KnowledgeError(issue.message, { file: WECHAT_MENU_FILE, field: [...at, ...issue.path].map(String).join('.') || undefined });
}
