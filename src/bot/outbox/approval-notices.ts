import type { Db } from '../../db/client.ts';
import type { RequestEvent } from '../../domain/approvals/notices.ts';
import { approvalRecord, type ApprovalRecord } from '../../domain/approvals/queries.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { Reader } from '../../i18n/index.ts';
import { approvalCard, requesterNotice } from '../views/approval-card.ts';
import type { Delivery, OutboxRow, Renderer, Renderers } from './delivery.ts';
import { recipientOf } from './recipient.ts';

// Approval notices (src/domain/approvals/notices.ts) as Slack messages. Each is drawn from the
// request's record as it is when sent, in the recipient's language and time zone: a card posted
// after the step was decided already shows the outcome, and an update always shows the latest.

const events: readonly RequestEvent[] = ['submitted', 'resubmitted', 'sent_up', 'approved', 'returned', 'rejected', 'withdrawn', 'voided', 'escalated'];

const idOf = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

interface Loaded {
  record: ApprovalRecord;
  reader: Reader;
  stepId: number;
  viewerId: number;
}

/** The record and the recipient; null when the notice names nothing that is still there. */
async function load(db: Db, row: OutboxRow): Promise<Loaded | null> {
  const requestId = idOf(row.payload.requestId);
  const stepId = idOf(row.payload.stepId);
  if (row.recipientId === null || requestId === null || stepId === null) return null;
  let record: ApprovalRecord;
  try {
    record = await approvalRecord(db, requestId);
  } catch (e) {
    if (isDomainError(e) && e.code === 'not_found') return null;
    throw e;
  }
  const { reader } = await recipientOf(db, row.recipientId);
  return { record, reader, stepId, viewerId: row.recipientId };
}

const gone: Delivery = { method: 'skip', reason: 'approval request not found' };

/** A new card to an approver of a step. */
const card: Renderer = async ({ db }, row) => {
  const x = await load(db, row);
  if (!x) return gone;
  const m = approvalCard(x.reader, x.record, x.stepId, x.viewerId);
  return { method: 'post', text: m.text, blocks: m.blocks };
};

/** The same card redrawn in place, after the step was decided, withdrawn or moved. */
const cardRefresh: Renderer = async ({ db }, row) => {
  const cardKey = typeof row.payload.cardKey === 'string' ? row.payload.cardKey : null;
  const x = await load(db, row);
  if (!x || !cardKey) return gone;
  const m = approvalCard(x.reader, x.record, x.stepId, x.viewerId);
  return { method: 'update', cardKey, text: m.text, blocks: m.blocks };
};

/** The requester hears of a transition of its request. */
const requesterUpdate: Renderer = async ({ db }, row) => {
  const event = events.find((e) => e === row.payload.event);
  const x = await load(db, row);
  if (!x || !event) return gone;
  const m = requesterNotice(x.reader, x.record, x.stepId, event);
  return { method: 'post', text: m.text, blocks: m.blocks };
};

export const approvalRenderers = {
  'approval.card': card,
  'approval.card.refresh': cardRefresh,
  'approval.update': requesterUpdate,
} satisfies Partial<Renderers>;
