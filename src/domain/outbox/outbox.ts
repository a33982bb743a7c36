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

export async function enqueue(tx: Tx, notice: Notice, now: Date): Promise<void> {
  await tx.outbox.upsert({
    where: { dedupeKey: notice.dedupeKey },
    create: {
      dedupeKey: notice.dedupeKey,
      kind: notice.kind,
      recipientId: notice.recipientId,
      payload: JSON.stringify(notice.payload),
      nextAttemptAt: now,
      createdAt: now,
    },
    update: {},
  });
}

export async function enqueueMany(tx: Tx, notices: Notice[], now: Date): Promise<void> {
  for (const n of notices) await enqueue(tx, n, now);
}
