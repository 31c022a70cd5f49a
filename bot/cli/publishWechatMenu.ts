import { loadConfig } from '../config/config.js';
import { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { publishWeChatMenu } from '../wechat/menuPublisher.js';
import { loadWeChatMenu } from '../wechat/wechatMenu.js';

/**
 * `npm run wechat:menu` publishes knowledge/wechatMenu.json as the Official
 * Account's custom menu; `-- --dry-run` only validates it and prints what would
 * be posted. Needs WECHAT_APP_ID and WECHAT_APP_SECRET, and WeChat's internet API
 * (WECHAT_API_BASE points elsewhere, e.g. a test stub).
 */
async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const knowledge = await KnowledgeBase.load(config.knowledgeDir);
  const menu = await loadWeChatMenu(config.knowledgeDir, knowledge.categories);
  if (argv.includes('--dry-run')) {
    process.stdout.write(`${JSON.stringify({ button: menu.button }, null, 2)}\n`);
    return 0;
  }
  const { appId, appSecret, apiBase } = config.wechat;
  if (!appId || !appSecret) {
    process.stderr.write('WECHAT_APP_ID and WECHAT_APP_SECRET must be set to publish the menu\n');
    return 2;
  }
  await publishWeChatMenu({ apiBase, appId, appSecret, menu });
  process.stdout.write(`WeChat menu published to ${appId}: ${menu.button.length} top-level buttons\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`publishing the WeChat menu failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
