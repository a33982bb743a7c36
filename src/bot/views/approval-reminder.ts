import type { ApprovalRecord } from '../../domain/approvals/queries.ts';
import type { AwayPeriod } from '../../domain/people/away.ts';
import { formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { actions, button, cut, esc, section, type Block } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { canDecide, decisionButtons, type Message } from './approval-card.ts';

// The DMs around a card: a reminder that a step still waits (from the schedule or the requester's
// Remind), the word to a step's approvers that it was escalated, and the word to a delegate that
// someone is away. A reminder carries the card's own buttons, so the approver can decide right there;
// a click after the step was decided is told who decided, as on the card. Pure.

const name = (p: { name: string }): string => esc(cut(p.name, 80));
const plainOf = (mrkdwn: string): string => mrkdwn.replace(/\*/g, '');

function waitingSince(reader: Reader, r: ApprovalRecord, stepId: number): string {
  const s = r.steps.find((x) => x.id === stepId);
  return formatDateTime(s?.createdAt ?? r.createdAt, reader.timezone);
}

function facts(reader: Reader, r: ApprovalRecord) {
  return { flow: t(reader, `appr.flow_in.${r.flow}`), store: esc(cut(r.store.name, 150)), requester: name(r.requester) };
}

/** The card's buttons when the viewer may still decide, and the full record behind Open. */
function buttonsFor(reader: Reader, r: ApprovalRecord, stepId: number, viewerId: number): Block[] {
  const open = actions([button(t(reader, 'appr.btn.open'), ids.actions.openApproval, { value: String(r.id) })], `approval_reminder_open:${stepId}`);
  return canDecide(r, stepId, viewerId) ? [...decisionButtons(reader, r, stepId, viewerId), open] : [open];
}

/** A reminder to an approver: the n-th of the schedule, or the requester's. */
export function approvalReminder(reader: Reader, r: ApprovalRecord, stepId: number, viewerId: number, how: { count: number; of: number } | 'requester'): Message {
  const at = waitingSince(reader, r, stepId);
  const line = how === 'requester'
    ? t(reader, 'appr.reminder.requester', { ...facts(reader, r), at })
    : t(reader, 'appr.reminder.scheduled', { ...facts(reader, r), at, count: how.count, of: how.of });
  return { text: plainOf(line), blocks: [section(line), ...buttonsFor(reader, r, stepId, viewerId)] };
}

/** To the approvers a step had: it waited too long, and the level above decides too now. */
export function escalatedNotice(reader: Reader, r: ApprovalRecord, stepId: number, viewerId: number): Message {
  const s = r.steps.find((x) => x.id === stepId);
  const joined = s ? s.approvers.filter((a) => a.active && (a.via === 'escalated' || a.via === 'delegate')) : [];
  const line = t(reader, 'appr.escalated.notice', { ...facts(reader, r), at: waitingSince(reader, r, stepId), names: joined.length ? joined.map(name).join(', ') : t(reader, 'common.none') });
  return { text: plainOf(line), blocks: [section(line), ...buttonsFor(reader, r, stepId, viewerId)] };
}

/** To a delegate: who is away, when, and that their cards come here too. */
export function delegateNotice(reader: Reader, p: AwayPeriod & { setBy: { name: string } | null }): Message {
  const params = { name: name(p.person), from: p.from, to: p.to };
  const line = p.setBy ? t(reader, 'away.notice.delegate_by', { ...params, by: name(p.setBy) }) : t(reader, 'away.notice.delegate', params);
  return { text: plainOf(line), blocks: [section(line)] };
}
