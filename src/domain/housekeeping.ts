import { inTransaction } from '../db/client.ts';
import { DAY_MS } from './clock.ts';
import { IDLE_MINUTES } from './console/accounts.ts';
import type { Deps } from './deps.ts';
import { pruneRuns } from './jobs/runs.ts';
import { KEEP_DELIVERY_KEYS_MS, KEEP_SENT_MS, pruneDelivered } from './outbox/prune.ts';
import { UPLOAD_TTL_MS } from './uploads/uploads.ts';

// The daily clean-up: rows that only ever grow otherwise. Each delete is its own short transaction
// (an outbox of a busy month is large; nothing here needs to be all or nothing), and running it twice
// deletes nothing more.

/** Job runs are kept this long: the console shows recent runs; older ones say nothing more. */
export const KEEP_JOB_RUNS_MS = 90 * DAY_MS;
/** Sign-in throttle rows untouched this long (and not blocking) are forgotten. */
const KEEP_THROTTLE_MS = DAY_MS;

export interface HousekeepingResult {
  sessions: number;
  uploads: number;
  throttles: number;
  jobRuns: number;
}

export async function housekeeping(deps: Deps, now: Date = deps.clock.now()): Promise<HousekeepingResult> {
  // Delivered notices and handled Slack delivery keys: the dispatcher prunes them while Slack is on;
  // here also in a process without Slack (a web-only or jobs-only replica keeps no dispatcher).
  await pruneDelivered(deps.db, { sentBefore: new Date(now.getTime() - KEEP_SENT_MS), keysBefore: new Date(now.getTime() - KEEP_DELIVERY_KEYS_MS) });
  const sessions = await inTransaction(deps.db, (tx) =>
    tx.consoleSession.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { lastSeenAt: { lt: new Date(now.getTime() - IDLE_MINUTES * 60_000) } }] } }),
  );
  const uploads = await inTransaction(deps.db, (tx) => tx.upload.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - UPLOAD_TTL_MS) } } }));
  const throttles = await inTransaction(deps.db, (tx) =>
    tx.signInThrottle.deleteMany({
      where: { updatedAt: { lt: new Date(now.getTime() - KEEP_THROTTLE_MS) }, OR: [{ blockedUntil: null }, { blockedUntil: { lt: now } }] },
    }),
  );
  const jobRuns = await pruneRuns(deps, new Date(now.getTime() - KEEP_JOB_RUNS_MS));
  return { sessions: sessions.count, uploads: uploads.count, throttles: throttles.count, jobRuns };
}
