/**
 * The layers and the one direction their imports go (README.md, "Layers"); `npm run depcruise`.
 *
 *   bot/errors, bot/logging, bot/i18n            shared by everything, import nothing of ours but each other
 *   bot/knowledge → bot/understanding → bot/answers   data, then reading text, then building answers
 *   dialogs                                      the conversation, on top of those
 *   bot/assistantBot, bot/feedback               the bot and what watches it, on top of dialogs
 *   bot/channels, bot/directline, bot/wechat     the ways in, handing turns to the bot
 *   bot/server, bot/index, bot/cli               HTTP, the composition root, commands
 */
const CORE = '^bot/(errors|logging|i18n|knowledge|understanding|answers|privacy|storage|redis)/';
const ABOVE_CORE = '^(dialogs/|bot/(assistantBot|turnErrorHandler|index)\\.ts|bot/(feedback|channels|directline|wechat|server|cli|evaluation)/)';
const ABOVE_DIALOGS = '^(bot/(assistantBot|turnErrorHandler|index)\\.ts|bot/(feedback|channels|directline|wechat|server|cli)/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle means two modules are one: merge them or move what they share down a layer',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-stays-below',
      severity: 'error',
      comment: 'knowledge, understanding, answers and the shared pieces know nothing of dialogs, channels or the server',
      from: { path: CORE },
      to: { path: ABOVE_CORE },
    },
    {
      name: 'knowledge-reads-no-text',
      severity: 'error',
      comment: 'places and matters are data (bot/knowledge); reading text (bot/understanding) and answering (bot/answers) sit on top of it',
      from: { path: '^bot/knowledge/' },
      to: { path: '^bot/(understanding|answers)/' },
    },
    {
      name: 'dialogs-below-channels',
      severity: 'error',
      comment: 'dialogs are the conversation; the bot, feedback, channels and server use them, never the other way',
      from: { path: '^dialogs/' },
      to: { path: ABOVE_DIALOGS },
    },
    {
      name: 'channels-independent',
      severity: 'error',
      comment: 'a channel (WeChat, Direct Line, Bot Framework) imports no other channel nor the bot: it is handed the bot logic',
      from: { path: '^bot/(wechat|directline|channels)/' },
      to: { path: '^bot/((wechat|directline|channels)/|assistantBot\\.ts)', pathNot: '^bot/$1' },
    },
    {
      name: 'only-the-root-composes',
      severity: 'error',
      comment: 'bot/index.ts wires everything; nothing in the service imports it (tests, bench and the CLIs may)',
      from: { path: '^(bot|dialogs)/', pathNot: '^bot/cli/' },
      to: { path: '^bot/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
