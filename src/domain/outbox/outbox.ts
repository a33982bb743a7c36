import { Prisma, type Tx } from '../../db/client.ts';
import { col, dialectOf, inJson, insertRows } from '../imports/bulk-sql.ts';

// Notices, written in the transaction of the change that causes them. The domain names what happened
// (kind + payload); the Slack adapter decides how it looks and delivers it once (src/bot/outbox).

/** Every kind of notice the domain writes; the Slack adapter has a renderer for each (a test checks). */
export const noticeKinds = [
  // stores and pools (pools/pools.ts, pools/sweep.ts, pools/warnings.ts)
  'store.assigned',
  'store.transferred',
  'store.extended',
  'store.auto_returned',
  'store.auto_returned_team',
  'store.return_warning',
  // follow-ups (followups/reminders.ts, followups/digest.ts)
  'followup.reminder',
  'followup.digest',
  // a person's App Home drawn again (followups/digest.ts; after approval, store assigned / transferred /
  // extended / returned notices: approvals/notices.ts, pools/pools.ts, pools/sweep.ts)
  'home.refresh',
  // visits (visits/visits.ts)
  'visit.logged',
  // approvals (approvals/notices.ts)
  'approval.card',
  'approval.card.refresh',
  'approval.update',
  // approval reminders, escalation, a delegate named (approvals/reminders.ts, people/away.ts)
  'approval.reminder',
  'approval.escalated',
  'away.delegate',
  // an image shared with a message (outbox/image.ts): charts, reports
  'image.upload',
] as const;

export type NoticeKind = (typeof noticeKinds)[number];

export const isNoticeKind = (k: string): k is NoticeKind => (noticeKinds as readonly string[]).includes(k);

interface NoticeBase {
  /** Unique per notice: a retried or repeated change never produces a second one. */
  dedupeKey: string;
  kind: NoticeKind;
  /** Ids and facts only (JSON): the adapter reads the current state when it sends. */
  payload: Record<string, unknown>;
}

/**
 * For a person (their DM, in their language), for a channel (a team's: `channel` is a Slack channel
 * id), or for a person but posted in a channel. Notices to one channel — or to one person's DM — go out
 * one at a time in the order written.
 */
export type NoticeTarget = { recipientId: number; channel?: string | null } | { recipientId?: null; channel: string };

export type Notice = NoticeBase & NoticeTarget;

/**
 * A person's App Home drawn again, queued after the notices of a change so that it is never stale
 * while open; `tag` names the change (one redraw per change and person).
 */
export const homeRefresh = (personId: number, tag: string): Notice => ({ dedupeKey: `home:${personId}:${tag}`, kind: 'home.refresh', recipientId: personId, payload: { reason: tag.split(':')[0] } });

/**
 * Always inside the transaction of the change. A notice whose key is already there is left as it is.
 * Raw: it is on hot write paths (claim, visit), and ON CONFLICT is the same on SQLite and PostgreSQL.
 */
export async function enqueue(tx: Tx, notice: Notice, now: Date): Promise<void> {
  const recipientId = notice.recipientId ?? null;
  const channel = notice.channel || null;
  if (recipientId === null && channel === null) throw new Error(`outbox: notice ${notice.dedupeKey} has neither a recipient nor a channel`);
  await tx.$executeRaw`INSERT INTO "Outbox" ("dedupeKey", "kind", "recipientId", "channel", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
    VALUES (${notice.dedupeKey}, ${notice.kind}, ${recipientId}, ${channel}, ${JSON.stringify(notice.payload)}, 'pending', 0, ${now}, ${now})
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}

/**
 * Many notices at once (the sweep's thousands of returns and warnings): the same rule as enqueue — a key
 * already there is left as it is — in two statements instead of one per notice. Returns how many were new.
 */
export async function enqueueBulk(tx: Tx, notices: Notice[], now: Date): Promise<number> {
  if (notices.length === 0) return 0;
  const dialect = dialectOf(tx);
  const existing = await tx.$queryRaw<{ dedupeKey: string }[]>`
    SELECT "dedupeKey" FROM "Outbox" WHERE ${inJson(dialect, Prisma.raw('"dedupeKey"'), notices.map((n) => n.dedupeKey))}`;
  const seen = new Set(existing.map((e) => e.dedupeKey));
  const fresh = [...new Map(notices.filter((n) => !seen.has(n.dedupeKey)).map((n) => [n.dedupeKey, n])).values()];
  if (fresh.length === 0) return 0;
  // A bulk INSERT: createMany costs about a third of a millisecond per row in the query compiler.
  await insertRows(tx, dialect, {
    table: 'Outbox',
    columns: [col('dedupeKey', 'text'), col('kind', 'text'), col('recipientId', 'int'), col('channel', 'text'), col('payload', 'text')],
    rows: fresh.map((n) => [n.dedupeKey, n.kind, n.recipientId ?? null, n.channel || null, JSON.stringify(n.payload)]),
    same: [
      { column: col('status', 'text'), value: 'pending' },
      { column: col('attempts', 'int'), value: 0 },
      { column: col('nextAttemptAt', 'date'), value: now },
      { column: col('createdAt', 'date'), value: now },
    ],
  });
  return fresh.length;
}
