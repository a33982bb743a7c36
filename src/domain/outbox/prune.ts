import { inTransaction, Prisma, type Db } from '../../db/client.ts';
import { cardKeySql } from '../approvals/notices.ts';
import { DAY_MS } from '../clock.ts';

/** How long delivered notices are kept: an update of an older card fails with card_not_found. */
export const KEEP_SENT_MS = 7 * DAY_MS;
/** How long the keys of Slack deliveries already handled are kept (Slack retries within minutes). */
export const KEEP_DELIVERY_KEYS_MS = DAY_MS;

/**
 * Sent and skipped notices delivered before `sentBefore`, and Slack delivery keys written before
 * `keysBefore`: both tables would grow forever. Each cut-off is on the clock that stamped its rows (the
 * dispatcher stamps `sentAt`, the domain `SlackDelivery.createdAt`). An approval card's row holds where
 * it was posted, so it is kept while its request is open: a later decision still redraws the card.
 */
export async function pruneDelivered(db: Db, cut: { sentBefore: Date; keysBefore: Date }): Promise<void> {
  const openCard = cardKeySql(Prisma.raw('st."id"'), Prisma.raw('"recipientId"'));
  await inTransaction(db, (tx) => tx.$executeRaw`DELETE FROM "Outbox" WHERE "status" IN ('sent', 'skipped') AND "sentAt" < ${cut.sentBefore}
    AND NOT ("kind" = 'approval.card' AND EXISTS (SELECT 1 FROM "ApprovalStep" st JOIN "ApprovalRequest" r ON r."id" = st."requestId"
      WHERE "dedupeKey" = ${openCard} AND r."closedAt" IS NULL))`);
  await inTransaction(db, (tx) => tx.$executeRaw`DELETE FROM "SlackDelivery" WHERE "createdAt" < ${cut.keysBefore}`);
}
