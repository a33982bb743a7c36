import express, { type Express } from 'express';
import type { Database } from '../db/client.ts';
import { version } from '../version.ts';

export interface WebDeps {
  database: Database;
  /** How the Slack endpoint runs, for the health check. */
  slackMode?: () => 'http' | 'socket' | 'off';
}

export function createWebApp({ database, slackMode = () => 'off' }: WebDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  // For load balancers and humans: 200 while the database answers, 503 when it does not.
  app.get('/healthz', async (_req, res) => {
    const started = Date.now();
    try {
      await database.db.$queryRawUnsafe('SELECT 1');
      res.json({ status: 'ok', version, database: { provider: database.provider, status: 'ok', latencyMs: Date.now() - started }, slack: slackMode() });
    } catch (e) {
      res.status(503).json({ status: 'error', version, database: { provider: database.provider, status: 'unreachable', error: (e as Error).message } });
    }
  });

  return app;
}
