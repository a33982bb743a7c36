import { createHash } from 'node:crypto';
import { isUniqueViolation, type Db } from '../db/client.ts';

/**
 * Slack may deliver one user action twice (a retry, a double submit). The first delivery of a key
 * claims it and runs; later ones return false and are only acknowledged. A run that fails releases
 * its key, so that the user can try again.
 */
export async function once<T>(db: Db, key: string, now: Date, run: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  try {
    await db.$transaction((tx) => tx.slackDelivery.create({ data: { key, createdAt: now } }));
  } catch (e) {
    if (isUniqueViolation(e)) return { ran: false };
    throw e;
  }
  try {
    return { ran: true, value: await run() };
  } catch (e) {
    await db.$transaction((tx) => tx.slackDelivery.deleteMany({ where: { key } }));
    throw e;
  }
}

/** A view submission's key: the view and what was typed in it. */
export const submissionKey = (view: { id: string; state?: { values?: unknown } }): string =>
  `view:${view.id}:${createHash('sha1').update(JSON.stringify(view.state?.values ?? {})).digest('hex')}`;
