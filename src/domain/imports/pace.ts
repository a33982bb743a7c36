import { setImmediate as nextTurn } from 'node:timers/promises';

/*
 * Long batches (imports, sweeps, region re-assignment) run in the server's one thread beside the
 * Slack endpoint, which must answer within 3 s. With better-sqlite3 every statement is synchronous and
 * every `await` on Prisma resolves as a microtask: a loop of awaits never lets the event loop read
 * a request until the whole batch is done (a 100,000-row import: 17 s without one turn). A pacer is
 * called often (each row, each statement); once `budgetMs` of work has passed since the last turn it
 * gives the event loop one turn (setImmediate: pending I/O, i.e. requests, runs first).
 *
 * Only ever outside an open SQLite transaction: requests run during the turn, and on SQLite they share
 * the transaction's connection (their reads would see its uncommitted rows, their writes would join it).
 * On PostgreSQL a transaction has a connection of its own and pacing inside it is safe.
 */
export type Pace = () => Promise<void>;

export const PACE_BUDGET_MS = 8;

export function pacer(budgetMs: number = PACE_BUDGET_MS): Pace {
  let since = performance.now();
  return async () => {
    const now = performance.now();
    if (now - since < budgetMs) return;
    await nextTurn();
    since = performance.now();
  };
}

/** A pacer that never yields: inside an SQLite transaction. */
export const noPace: Pace = () => Promise.resolve();
