import { inTransaction, isUniqueViolation } from '../db/client.ts';
import type { Deps } from './deps.ts';

// An adapter may be handed one user action twice: Slack retries a request, redelivers an event, a
// person double-clicks. Each action has a key (the adapter knows what makes two deliveries the same);
// the first delivery of a key claims it, later ones find it claimed.

/** Claims `key`: true the first time, false when it was claimed before. */
export async function claimOnce(deps: Deps, key: string): Promise<boolean> {
  try {
    await inTransaction(deps.db, (tx) => tx.slackDelivery.create({ data: { key, createdAt: deps.clock.now() } }));
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

/**
 * Runs `run` for the first delivery of `key` only; later ones return `{ ran: false }`. A run that
 * fails releases its key, so that the person can try again.
 */
export async function once<T>(deps: Deps, key: string, run: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  if (!(await claimOnce(deps, key))) return { ran: false };
  try {
    return { ran: true, value: await run() };
  } catch (e) {
    await inTransaction(deps.db, (tx) => tx.slackDelivery.deleteMany({ where: { key } }));
    throw e;
  }
}
