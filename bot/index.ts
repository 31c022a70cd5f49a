import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from './config/config.js';
import { KnowledgeBase } from './knowledge/knowledgeBase.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createApp } from './server/createApp.js';
import { Understanding } from './understanding/understanding.js';

export interface Service {
  config: Config;
  logger: Logger;
  knowledge: KnowledgeBase;
  understanding: Understanding;
  app: ReturnType<typeof createApp>;
}

/** The composition root: config → logger → knowledge → understanding → app. */
export async function buildService(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<Service> {
  const config = loadConfig(env);
  const log = logger ?? createLogger(config.logLevel);
  const knowledge = await KnowledgeBase.load(config.knowledgeDir);
  const understanding = new Understanding(knowledge);
  const app = createApp({ logger: log, knowledge, understanding });
  return { config, logger: log, knowledge, understanding, app };
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Server> {
  const started = performance.now();
  const service = await buildService(env);
  const { config, logger, knowledge } = service;
  return new Promise((resolve, reject) => {
    const server = service.app.listen(config.port, config.host ?? '0.0.0.0', () => {
      logger.info(
        { port: config.port, matters: knowledge.matters.length, offices: knowledge.offices.length, ms: Math.round(performance.now() - started) },
        `listening on http://localhost:${config.port}`,
      );
      resolve(server);
    });
    server.on('error', reject);
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  start().catch((err: unknown) => {
    // The logger may not exist yet (bad config), so write the reason plainly and stop.
    process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
