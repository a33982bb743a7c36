import type { Tx } from '../../db/client.ts';

// Notices for people, written in the transaction of the change that causes them. The domain names
// what happened (kind + payload); the Slack adapter decides how it looks and delivers it once.
export interface Notice {
  /** Unique per notice: a retried or repeated change never produces a second one. */
  dedupeKey: string;
  kind: string;
  recipientId: number;
  payload: Record<string, unknown>;
}

/**
 * Always inside the transaction of the change. A notice whose key is already there is left as it is.
 * Raw: it is on hot write paths (claim, visit), and ON CONFLICT is the same on SQLite and PostgreSQL.
 */
export async function enqueue(tx: Tx, notice: Notice, now: Date): Promise<void> {
  await tx.$executeRaw`INSERT INTO "Outbox" ("dedupeKey", "kind", "recipientId", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
    VALUES (${notice.dedupeKey}, ${notice.kind}, ${notice.recipientId}, ${JSON.stringify(notice.payload)}, 'pending', 0, ${now}, ${now})
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}

export async function enqueueMany(tx: Tx, notices: Notice[], now: Date): Promise<void> {
  for (const n of notices) await enqueue(tx, n, now);
}
