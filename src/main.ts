import type { Server } from 'node:http';
import { createBot, type Bot } from './bot/app.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { probeWrite, WriteHealth } from './db/health.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { hasConsoleAccount } from './domain/console/accounts.ts';
import { backfillSearchKeys } from './domain/search/backfill.ts';
import { jobs } from './jobs/index.ts';
import { createScheduler, type Scheduler } from './jobs/scheduler.ts';
import { modeFor, runMode, type RunMode } from './sandbox/mode.ts';
import type { Sandbox } from './sandbox/sandbox.ts';
import { version } from './version.ts';
import type { ConsoleDeps } from './web/console/kit.ts';
import { createWebApp } from './web/server.ts';

export interface Running {
  server: Server;
  database: Database;
  bot: Bot | null;
  url: string;
  /** Sandbox: Slack is the in-process stand-in, served at /sandbox; production: the real Slack, or none. */
  mode: RunMode;
  /** No Slack settings on a company's own database: Slack is off (the sandbox never runs on real data). */
  companyWithoutSlack: boolean;
  sandbox: Sandbox | null;
  /** The scheduled jobs: ticking once a minute when `jobsEnabled`; Run now (console, tests) either way. */
  scheduler: Scheduler;
  jobsEnabled: boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** An already migrated database (tests); else DATABASE_URL is migrated and opened. */
  database?: Database;
  clock?: Clock;
  /**
   * Whether the scheduler ticks (once a minute, node-cron). Default: JOBS=1 and no clock given — a test
   * that fixes the clock drives the scheduler itself (`running.scheduler.tick(now)`).
   */
  jobs?: boolean;
}

/** config → database (migrated) → web server with the Slack endpoint. Port 0 picks a free port (tests). */
export async function start(config: Config, opts: StartOptions = {}): Promise<Running> {
  let database = opts.database;
  if (!database) {
    const applied = await migrate(config.DATABASE_URL);
    if (applied.length) console.log(`database: applied ${applied.join(', ')}`);
    database = await openDatabase(config.DATABASE_URL);
  }
  await probeWrite(database).catch((e: unknown) => {
    throw new Error(
      `The database (${database.provider}) does not accept writes: ${(e as Error).message.split('\n').pop()?.trim()}. A read-only file, a file or folder owned by another user, a full disk or a read-only server cannot run Seaboard.`,
    );
  });
  const writes = new WriteHealth(database);
  writes.seed('ok');
  const deps = { db: database.db, clock: opts.clock ?? systemClock };
  // Search keys of names written before they existed (migration 0008): nothing to do once done.
  await backfillSearchKeys(deps);
  // The database has a say only when the sandbox is asked for: production never loads the demo's code.
  const kind = runMode(config) === 'sandbox' ? await (await import('./demo/marker.ts')).databaseKind(database.db) : 'company';
  const { mode, companyWithoutSlack } = modeFor(config, kind);
  // Sandbox mode: the demo company in an empty database, and the bot talking to the stand-in Slack.
  // (Loaded only in sandbox mode: production never loads the sandbox or the demo.)
  const sandbox = mode === 'sandbox' ? await (await import('./sandbox/sandbox.ts')).startSandbox(config, deps) : null;
  const botConfig = sandbox?.botConfig ?? config;
  const cd: ConsoleDeps = { deps, config, slack: null };
  const jobsEnabled = opts.jobs ?? (config.JOBS === '1' && !opts.clock);
  const jobsHealth = () => ({ enabled: jobsEnabled, lastTickAt: scheduler.lastTickAt() });
  const web = createWebApp({ database, slackMode: () => bot?.mode ?? 'off', console: cd, writes, jobs: jobsHealth });
  const bot = createBot(botConfig, deps, web);
  cd.slack = bot?.app.client ?? null;
  const scheduler = createScheduler({ deps, jobs, ...(bot ? { waker: bot.dispatcher } : {}) });
  cd.jobs = scheduler;
  let self = '';
  if (sandbox) {
    const { sandboxRouter } = await import('./sandbox/routes.ts');
    web.use('/sandbox', sandboxRouter({ sandbox, db: deps.db, endpoint: () => `${self}/slack/events`, secret: botConfig.SLACK_SIGNING_SECRET! }));
  }
  const server = await new Promise<Server>((resolve, reject) => {
    const s = web.listen(config.PORT, config.HOST, () => resolve(s));
    s.on('error', reject);
  }).catch(async (e: unknown) => {
    await sandbox?.close(); // the stand-in's port must not keep the process alive
    throw e;
  });
  await bot?.start();
  if (jobsEnabled) scheduler.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  // The sandbox posts to the app's own endpoint; a wildcard address is reached on the loopback.
  self = `http://${/^(0\.0\.0\.0|::|\[::\])$/.test(config.HOST) ? '127.0.0.1' : config.HOST}:${port}`;
  const db = database;
  return {
    server,
    database: db,
    bot,
    url,
    mode,
    companyWithoutSlack,
    sandbox,
    scheduler,
    jobsEnabled,
    stop: async () => {
      // A running job reaches a safe point first; its notices are then delivered or left for the next start.
      await scheduler.stop();
      await bot?.stop();
      await sandbox?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!opts.database) await db.close();
    },
  };
}

function describeSlack(bot: Bot | null): string {
  if (!bot) return 'Slack: off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on)';
  return bot.mode === 'socket' ? 'Slack: Socket Mode' : 'Slack: HTTP at POST /slack/events';
}

/** What the start prints after the first line: the mode, and where to go next. */
export async function describeStart(running: Running, config: Config): Promise<string[]> {
  const consoleUrl = `${running.url}/console`;
  if (!running.sandbox) {
    return [
      `Mode: production${config.SANDBOX === '0' && !config.SLACK_BOT_TOKEN ? ' (SANDBOX=0)' : ''}`,
      running.companyWithoutSlack
        ? "Slack: off — no SLACK_BOT_TOKEN, and this database is a company's, not the demo's: the sandbox runs only on the demo company (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn Slack on)"
        : describeSlack(running.bot),
      `Console: ${consoleUrl} (first admin: npm run crm -- admin create EMAIL)`,
    ];
  }
  const { DEMO_ADMIN } = await import('./demo/company.ts');
  const why = config.SANDBOX === '1' ? 'SANDBOX=1: the Slack settings are not used' : 'no SLACK_BOT_TOKEN';
  const demo = running.sandbox.demo;
  const demoAdmin = await hasConsoleAccount(running.database.db, DEMO_ADMIN.email);
  return [
    `Mode: sandbox (${why}; Slack is a local stand-in; SANDBOX=0 turns it off)`,
    demo.seeded ? `Demo company: loaded in ${(demo.ms / 1000).toFixed(1)} s (the database was empty)` : `Demo company: ${demoAdmin ? 'already loaded' : 'not loaded (the database was not empty)'}`,
    `Sandbox: ${running.url}/sandbox`,
    demoAdmin ? `Console: ${consoleUrl} (demo admin: ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password})` : `Console: ${consoleUrl} (first admin: npm run crm -- admin create EMAIL)`,
  ];
}

/** The server as `npm start` runs it: configuration from the environment, a banner, stop on a signal. */
export async function runServer(): Promise<void> {
  try {
    const config = loadConfig();
    const running = await start(config);
    // Before the banner: whoever reads it may stop the server at once.
    const shutdown = () => void running.stop().then(() => process.exit(0));
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    console.log(`Seaboard ${version} on ${running.url} (database: ${running.database.provider})`);
    for (const line of await describeStart(running, config)) console.log(line);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runServer();
