import express, { type Express } from 'express';
import type { Database } from '../db/client.ts';
import { pingDatabase, WriteHealth } from '../db/health.ts';
import { version } from '../version.ts';
import { apiRouter } from './api/index.ts';
import { consoleRouter } from './console/index.ts';
import type { ConsoleDeps } from './console/kit.ts';

export interface WebDeps {
  database: Database;
  /** How the Slack endpoint runs, for the health check. */
  slackMode?: () => 'http' | 'socket' | 'off';
  /** The console and the API; left out, the server has only the health check (and the bot's endpoint). */
  console?: ConsoleDeps;
  /** Whether the database still accepts writes; made here when not given. */
  writes?: WriteHealth;
  /** Whether this process runs the scheduled jobs, and when it last ticked, for the health check. */
  jobs?: () => { enabled: boolean; lastTickAt: Date | null };
}

export function createWebApp({ database, slackMode = () => 'off', console: cd, writes, jobs }: WebDeps): Express {
  // The driver's error goes to the log, never to the caller: it can name files, hosts and users.
  const logDbError = (e: unknown) => console.error(`database: ${(e as Error).message}`);
  const writeHealth = writes ?? new WriteHealth(database, logDbError);
  const app = express();
  app.disable('x-powered-by');
  const trust = cd?.config.TRUST_PROXY;
  // A number is a count of proxies; anything else is Express's list of addresses or names.
  if (trust) app.set('trust proxy', /^\d+$/.test(trust) ? Number(trust) : trust);
  app.use((_req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'same-origin' });
    next();
  });

  // For load balancers and humans: 200 while the database answers and accepts writes, 503 when not.
  app.get('/healthz', async (_req, res) => {
    const started = Date.now();
    try {
      await pingDatabase(database);
    } catch (e) {
      logDbError(e);
      res.status(503).json({ status: 'error', version, database: { provider: database.provider, status: 'unreachable' } });
      return;
    }
    const latencyMs = Date.now() - started;
    if (writeHealth.current() === 'failing') {
      res.status(503).json({ status: 'error', version, database: { provider: database.provider, status: 'read_only', latencyMs } });
      return;
    }
    const j = jobs?.() ?? { enabled: false, lastTickAt: null };
    res.json({
      status: 'ok',
      version,
      database: { provider: database.provider, status: 'ok', latencyMs },
      slack: slackMode(),
      jobs: { enabled: j.enabled, lastTickAt: j.lastTickAt?.toISOString() ?? null },
    });
  });

  if (cd) {
    app.get('/', (_req, res) => res.redirect(302, '/console'));
    app.use('/console', consoleRouter(cd));
    app.use('/api', apiRouter(cd));
  }
  return app;
}
