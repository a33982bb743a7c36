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

/**
 * A view submission's key: the view, as it was shown (its id and hash; the hash changes when the view
 * is updated, e.g. to a "Create anyway" step). Not what was typed: a second submission of the same
 * view with edited values (a double click while the first one is on its way) is the same submission,
 * and takes no effect. A submission that failed released its key, so corrected values go through.
 */
export const submissionKey = (view: { id: string; hash?: string | null }): string => `view:${view.id}:${view.hash ?? ''}`;
