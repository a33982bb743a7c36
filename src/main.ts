import type { Server } from 'node:http';
import { createBot, type Bot } from './bot/app.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { version } from './version.ts';
import type { ConsoleDeps } from './web/console/kit.ts';
import { createWebApp } from './web/server.ts';

export interface Running {
  server: Server;
  database: Database;
  bot: Bot | null;
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** An already migrated database (tests); else DATABASE_URL is migrated and opened. */
  database?: Database;
  clock?: Clock;
}

/** config → database (migrated) → web server with the Slack endpoint. Port 0 picks a free port (tests). */
export async function start(config: Config, opts: StartOptions = {}): Promise<Running> {
  let database = opts.database;
  if (!database) {
    const applied = await migrate(config.DATABASE_URL);
    if (applied.length) console.log(`database: applied ${applied.join(', ')}`);
    database = await openDatabase(config.DATABASE_URL);
  }
  const deps = { db: database.db, clock: opts.clock ?? systemClock };
  const cd: ConsoleDeps = { deps, config, slack: null };
  const web = createWebApp({ database, slackMode: () => bot?.mode ?? 'off', console: cd });
  const bot = createBot(config, deps, web);
  cd.slack = bot?.app.client ?? null;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = web.listen(config.PORT, config.HOST, () => resolve(s));
    s.on('error', reject);
  });
  await bot?.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  const db = database;
  return {
    server,
    database: db,
    bot,
    url,
    stop: async () => {
      await bot?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!opts.database) await db.close();
    },
  };
}

function describeSlack(bot: Bot | null): string {
  if (!bot) return 'Slack: off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on)';
  return bot.mode === 'socket' ? 'Slack: Socket Mode' : 'Slack: HTTP at POST /slack/events';
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    const config = loadConfig();
    const running = await start(config);
    console.log(`Seaboard ${version} on ${running.url} (database: ${running.database.provider})`);
    console.log(describeSlack(running.bot));
    console.log(`Console: ${running.url}/console (first admin: npm run crm -- admin create EMAIL)`);
    const shutdown = () => void running.stop().then(() => process.exit(0));
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
