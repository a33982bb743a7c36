// The server side of the import-under-load bench (bench/import-load.bench.ts starts it): the real
// server (src/main.ts `start`, Slack over HTTP against a stand-in Slack API in this process) on the
// given database, which on the line `go` on stdin applies the CSV file as the console's Import button
// does (applyStoreImport, as the admin U0ADMIN), and on `orders <file>` that order file
// (applyOrderImport) — in the server's process, beside its endpoints.
//
// stdout, one JSON line each: {"url": …} when listening; {"done": {ms, created, lagMaxMs, lagP99Ms, …}}
// when an import is applied (or {"failed": message}). `stop` on stdin stops the server.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config.ts';
import { readCsvHeader } from '../src/domain/imports/csv.ts';
import { applyStoreImport, guessMapping } from '../src/domain/imports/store-import.ts';
import { applyOrderImport } from '../src/domain/orders/order-import.ts';
import { actorBySlackId } from '../src/domain/people/people.ts';
import { start } from '../src/main.ts';
import { SlackStandin } from '../src/slack-standin/standin.ts';

export interface ImportDone {
  ms: number;
  created: number;
  /** What else the import says (owned stores and contacts; unchanged orders). */
  detail: string;
  lagMaxMs: number;
  lagP99Ms: number;
  holdMs: number | null;
  attempts: number;
}
export type ServerLine = { url: string } | { done: ImportDone } | { failed: string };

/** The order file's columns (bench/import-load.bench.ts writes it). */
export const orderMapping = { orderNo: 'order_no', storeCode: 'store_code', amount: 'amount', orderedAt: 'ordered_at' };

const [dbPath, csvPath, secret] = process.argv.slice(2);
if (dbPath && csvPath && secret) {
  const say = (line: ServerLine) => console.log(JSON.stringify(line));
  const standin = new SlackStandin();
  await standin.listen();
  const config = loadConfig({
    DATABASE_URL: `file:${dbPath}`,
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX: '0',
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: `${standin.url}/api/`,
  });
  const running = await start(config);
  const bytes = readFileSync(csvPath);
  // The console's mapping step, a request of its own before the import.
  const mapping = guessMapping(readCsvHeader(bytes).headers);
  say({ url: running.url });
  const deps = { db: running.database.db, clock: { now: () => new Date() } };
  /** Runs one import, measuring the server's event loop meanwhile. */
  const measured = async (work: (committed: (f: { holdMs: number; attempts: number }) => void) => Promise<{ created: number; detail: string }>) => {
    try {
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const t0 = performance.now();
      let commit = { holdMs: null as number | null, attempts: 1 };
      const r = await work((f) => (commit = f));
      const ms = performance.now() - t0;
      lag.disable();
      say({ done: { ms, ...r, lagMaxMs: lag.max / 1e6, lagP99Ms: lag.percentile(99) / 1e6, ...commit } });
    } catch (e) {
      say({ failed: (e as Error).stack ?? String(e) });
    }
  };
  const admin = await actorBySlackId(deps.db, 'U0ADMIN');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!admin && (line === 'go' || line.startsWith('orders '))) {
      say({ failed: 'no admin U0ADMIN in the bench database' });
    } else if (line === 'go') {
      await measured(async (committed) => {
        const r = await applyStoreImport(deps, admin!, { bytes, mapping, filename: 'stores.csv' }, { committed });
        return { created: r.created, detail: `owned ${r.owned}, contacts ${r.contacts}` };
      });
    } else if (line.startsWith('orders ')) {
      const orders = readFileSync(line.slice('orders '.length));
      await measured(async (committed) => {
        const r = await applyOrderImport(deps, admin!, orders, orderMapping, { filename: 'orders.csv', committed });
        return { created: r.created, detail: `unchanged ${r.unchanged}` };
      });
    } else if (line === 'stop') {
      break;
    }
  }
  await running.stop();
  await standin.close();
  process.exit(0);
}
