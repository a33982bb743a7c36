import { Prisma, type Tx } from '../../db/client.ts';
import { enqueue, homeRefresh } from '../outbox/outbox.ts';

// What people are told as a request moves, written in the transaction of the move. Payloads hold ids
// only: the Slack adapter renders the current state when it sends, so a card posted late already
// shows the outcome, and an update always shows the latest.

const CARD = 'approval.card';

/** The key of an approver's card for a step; later updates of that card name it. */
export const cardKey = (stepId: number, personId: number): string => `${CARD}:${stepId}:${personId}`;

/**
 * `cardKey` in SQL, from a step id and a person id (columns or bound values): the outbox keeps a card's
 * row while its request is open by it. The same on SQLite and PostgreSQL; the casts keep a bound
 * number an integer (SQLite's driver binds it as a real, which would print as `1.0`).
 */
export const cardKeySql = (stepId: Prisma.Sql, personId: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`(${Prisma.raw(`'${CARD}:'`)} || CAST(${stepId} AS INTEGER) || ':' || CAST(${personId} AS INTEGER))`;

export type RequestEvent = 'submitted' | 'resubmitted' | 'sent_up' | 'approved' | 'returned' | 'rejected' | 'withdrawn' | 'voided' | 'escalated';

/**
 * The App Home of each of these people drawn again once the notices before it are delivered: what
 * waits for their decision, or their requests and opportunities, changed. `tag` names the change.
 */
async function refreshHomes(tx: Tx, personIds: number[], tag: string, now: Date): Promise<void> {
  for (const personId of new Set(personIds)) await enqueue(tx, homeRefresh(personId, `approval:${tag}`), now);
}

/** A card with the request's facts and the decision buttons, to each approver of a new step (and on their Home). */
export async function sendCards(tx: Tx, requestId: number, stepId: number, personIds: number[], now: Date): Promise<void> {
  for (const personId of personIds) {
    await enqueue(tx, { dedupeKey: cardKey(stepId, personId), kind: CARD, recipientId: personId, payload: { requestId, stepId } }, now);
  }
  await refreshHomes(tx, personIds, `card:${stepId}`, now);
}

/**
 * Redraws the cards of a step in place (after a decision, a withdrawal, a reassignment), and the Homes
 * that list it: a step decided on its card or in the console leaves every approver's Home. `tag` names
 * the change, so that each change redraws once.
 */
export async function refreshCards(tx: Tx, requestId: number, stepId: number, personIds: number[], tag: string, now: Date): Promise<void> {
  for (const personId of personIds) {
    await enqueue(tx, {
      dedupeKey: `approval.card.refresh:${stepId}:${personId}:${tag}`,
      kind: 'approval.card.refresh',
      recipientId: personId,
      payload: { requestId, stepId, cardKey: cardKey(stepId, personId) },
    }, now);
  }
  await refreshHomes(tx, personIds, `card:${stepId}:${tag}`, now);
}

/** The requester hears of every transition of its request; its Home (its opportunities) is drawn again after. */
export async function tellRequester(tx: Tx, requesterId: number, requestId: number, stepId: number, event: RequestEvent, now: Date): Promise<void> {
  await enqueue(tx, {
    dedupeKey: `approval.update:${requestId}:${stepId}:${event}`,
    kind: 'approval.update',
    recipientId: requesterId,
    payload: { requestId, stepId, event },
  }, now);
  await refreshHomes(tx, [requesterId], `request:${requestId}:${stepId}:${event}`, now);
}
