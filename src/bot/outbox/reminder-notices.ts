import { approvalRecord, type ApprovalRecord } from '../../domain/approvals/queries.ts';
import { isDomainError } from '../../domain/errors.ts';
import { awayPeriod } from '../../domain/people/away.ts';
import { approvalReminder, delegateNotice, escalatedNotice } from '../views/approval-reminder.ts';
import type { Delivery, OutboxRow, Renderer, Renderers } from './delivery.ts';
import { recipientOf } from './recipient.ts';

// Reminders, escalation notices and a delegate's notice (src/domain/approvals/reminders.ts,
// src/domain/people/away.ts), drawn as they are when sent: a reminder for a step decided meanwhile is
// not sent at all.

const idOf = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

async function recordOf(db: Parameters<Renderer>[0]['db'], requestId: number): Promise<ApprovalRecord | null> {
  try {
    return await approvalRecord(db, requestId);
  } catch (e) {
    if (isDomainError(e) && e.code === 'not_found') return null;
    throw e;
  }
}

/** The step, still waiting for this recipient; else why nothing is sent. */
async function waiting(db: Parameters<Renderer>[0]['db'], row: OutboxRow): Promise<{ record: ApprovalRecord; stepId: number } | Delivery> {
  const requestId = idOf(row.payload.requestId);
  const stepId = idOf(row.payload.stepId);
  if (row.recipientId === null || requestId === null || stepId === null) return { method: 'skip', reason: 'approval request not found' };
  const record = await recordOf(db, requestId);
  if (!record) return { method: 'skip', reason: 'approval request not found' };
  const step = record.steps.find((s) => s.id === stepId);
  if (!step || step.status !== 'pending') return { method: 'skip', reason: 'the step was decided meanwhile' };
  if (!step.approvers.some((a) => a.id === row.recipientId && a.active)) return { method: 'skip', reason: 'no longer an approver of the step' };
  return { record, stepId };
}

const reminder: Renderer = async ({ db }, row) => {
  const w = await waiting(db, row);
  if ('method' in w) return w;
  const { reader } = await recipientOf(db, row.recipientId!);
  const count = idOf(row.payload.count);
  const of = idOf(row.payload.of);
  const m = approvalReminder(reader, w.record, w.stepId, row.recipientId!, row.payload.byRequester === true || count === null || of === null ? 'requester' : { count, of });
  return { method: 'post', text: m.text, blocks: m.blocks };
};

const escalated: Renderer = async ({ db }, row) => {
  const w = await waiting(db, row);
  if ('method' in w) return w;
  const { reader } = await recipientOf(db, row.recipientId!);
  const m = escalatedNotice(reader, w.record, w.stepId, row.recipientId!);
  return { method: 'post', text: m.text, blocks: m.blocks };
};

const delegate: Renderer = async ({ db }, row) => {
  const id = idOf(row.payload.absenceId);
  const period = id === null ? null : await awayPeriod(db, id);
  if (!period || row.recipientId === null) return { method: 'skip', reason: 'away period not found' };
  const { reader } = await recipientOf(db, row.recipientId);
  const m = delegateNotice(reader, period);
  return { method: 'post', text: m.text, blocks: m.blocks };
};

export const reminderRenderers = {
  'approval.reminder': reminder,
  'approval.escalated': escalated,
  'away.delegate': delegate,
} satisfies Partial<Renderers>;
