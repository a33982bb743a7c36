import { COMMENT_MAX, type Decision, type FieldChange, type Flow } from '../../domain/approvals/flows.ts';
import type { RequestEvent } from '../../domain/approvals/notices.ts';
import type { ApprovalRecord, StepRecord } from '../../domain/approvals/queries.ts';
import { formatDate, formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { actions, button, capBlocks, context, cut, divider, esc, fields, header, input, limits, modal, section, type Block, type ModalView } from '../blocks/kit.ts';
import { t, tCode, type BotKey } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { idField, metadataCodec, oneOf } from '../blocks/metadata.ts';
import { createdMessage } from './opportunity-modal.ts';

// The approval card (a DM to each approver of a step), the requester's notices, the record modal and
// the comment modal of Return / Reject. Pure: everything comes from the approval record, read when
// the message is sent, so a card posted late already shows the outcome.

export interface Message {
  text: string;
  blocks: Block[];
}

/** Where the decision buttons of a card live; its value is the step id. */
export const decisionBlockId = (stepId: number): string => `approval:${stepId}`;
/** The comment input of Return / Reject: the domain's issue path, so its errors land under it. */
export const COMMENT_BLOCK = 'comment';
export const COMMENT_ACTION = 'approval_comment_text';
/** The record modal only shows: nothing is submitted from it. */
const RECORD_VIEW = 'approval_record';

const NAME_MAX = 80;
const name = (p: { name: string }): string => esc(cut(p.name, NAME_MAX));
const names = (people: { name: string }[]): string => people.map(name).join(', ');
const when = (reader: Reader, d: Date | null): string => (d ? formatDateTime(d, reader.timezone) : t(reader, 'common.none'));
const flowTitle = (reader: Reader, flow: Flow): string => t(reader, `appr.flow.${flow}`);
const flowIn = (reader: Reader, flow: Flow): string => t(reader, `appr.flow_in.${flow}`);
/** Comments are quoted inside a line: one line, escaped, short enough for a section. */
const comment = (text: string | null): string => esc(cut((text ?? '').replace(/\s+/g, ' ').trim(), 500));
/** mrkdwn without its bold marks, for a notification's plain text. */
const plainOf = (mrkdwn: string): string => mrkdwn.replace(/\*/g, '');
const message = (text: string, blocks: Block[], reader: Reader): Message => ({
  text: cut(plainOf(text), 3000),
  blocks: capBlocks(blocks, limits.messageBlocks, (n) => t(reader, 'common.more', { count: n })),
});

const stepOf = (r: ApprovalRecord, stepId: number): StepRecord | undefined => r.steps.find((s) => s.id === stepId);
const activeApprovers = (s: StepRecord): StepRecord['approvers'] => s.approvers.filter((a) => a.active);
/** The step a send-up opened: the next level of the same round. */
const nextStepOf = (r: ApprovalRecord, s: StepRecord): StepRecord | undefined => r.steps.find((x) => x.round === s.round && x.level === s.level + 1);

// ---- facts ------------------------------------------------------------------------------------

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The facts an approver decides on: store, opportunity, the flow's own fields, the requester. */
function factsBlocks(reader: Reader, r: ApprovalRecord): Block[] {
  const f = r.fields;
  const short: string[] = [t(reader, 'appr.fact.store', { name: esc(cut(r.store.name, 150)), code: r.store.code })];
  const long: string[] = [];
  const o = r.opportunity;
  if (o) {
    short.push(
      t(reader, 'appr.fact.opportunity', { name: esc(cut(o.name, 150)) }),
      t(reader, 'appr.fact.stage', { stage: tCode(reader, 'opp.stage.', o.stage) }),
      t(reader, 'appr.fact.amount', { amount: formatMoney(o.amount, reader.locale) }),
      t(reader, 'appr.fact.close', { date: formatDate(o.expectedCloseAt, reader.timezone) }),
    );
  }
  switch (r.flow) {
    case 'report':
      if (str(f.competitors)) long.push(t(reader, 'appr.fact.competitors', { value: esc(cut(str(f.competitors), 500)) }));
      if (str(f.notes)) long.push(t(reader, 'appr.fact.notes', { value: esc(cut(str(f.notes), 1000)) }));
      break;
    case 'sign':
      short.push(
        t(reader, 'appr.fact.won_amount', { amount: formatMoney(num(f.wonAmount) ?? r.amount ?? 0, reader.locale) }),
        t(reader, 'appr.fact.won_at', { date: str(f.wonAt) ? formatDate(new Date(str(f.wonAt)), reader.timezone) : null }),
        t(reader, 'appr.fact.contract_no', { value: esc(cut(str(f.contractNo), 100)) }),
      );
      if (str(f.note)) long.push(t(reader, 'appr.fact.note', { value: esc(cut(str(f.note), 1000)) }));
      break;
    case 'terminate':
      long.push(t(reader, 'appr.fact.reason', { value: esc(cut(str(f.reason), 1000)) }));
      break;
    case 'transfer':
      short.push(t(reader, 'appr.fact.transfer_to', { name: r.transferTo ? name(r.transferTo) : `#${str(f.toPersonId)}` }));
      long.push(t(reader, 'appr.fact.reason', { value: esc(cut(str(f.reason), 1000)) }));
      break;
    case 'extend':
      short.push(t(reader, 'appr.fact.days', { days: num(f.days) ?? 0 }));
      long.push(t(reader, 'appr.fact.reason', { value: esc(cut(str(f.reason), 1000)) }));
      break;
  }
  short.push(t(reader, 'appr.fact.requester', { name: name(r.requester) }));
  return [fields(short), ...(long.length ? [section(long.join('\n'))] : [])];
}

function submittedLine(reader: Reader, r: ApprovalRecord): string {
  const first = r.steps.find((s) => s.round === r.round);
  const at = when(reader, first?.createdAt ?? r.createdAt);
  return r.round > 1
    ? t(reader, 'appr.card.resubmitted', { name: name(r.requester), at, round: r.round })
    : t(reader, 'appr.card.submitted', { name: name(r.requester), at });
}

// ---- what changed since the return -------------------------------------------------------------

const changeFields = ['name', 'amount', 'expectedCloseAt', 'stage', 'competitors', 'notes', 'wonAmount', 'wonAt', 'contractNo', 'note', 'reason', 'toPersonId', 'days'] as const;
const isChangeField = (f: string): f is (typeof changeFields)[number] => (changeFields as readonly string[]).includes(f);

function changeValue(reader: Reader, r: ApprovalRecord, c: FieldChange, v: unknown): string {
  if (v === null || v === undefined || v === '') return t(reader, 'common.none');
  switch (c.field) {
    case 'amount':
    case 'wonAmount':
      return num(v) === null ? esc(str(v)) : formatMoney(num(v)!, reader.locale);
    case 'expectedCloseAt':
    case 'wonAt':
      return formatDate(new Date(str(v)), reader.timezone);
    case 'stage':
      return tCode(reader, 'opp.stage.', str(v));
    case 'toPersonId':
      return r.transferTo && r.transferTo.id === v ? name(r.transferTo) : `#${str(v)}`;
    default:
      return esc(cut(str(v).replace(/\s+/g, ' '), 200));
  }
}

/** "Changed since it was returned", field by field; null when nothing changed. */
function changesBlock(reader: Reader, r: ApprovalRecord): Block | null {
  if (!r.changes.length) return null;
  const lines = r.changes.map((c) =>
    t(reader, 'appr.changes.line', {
      field: isChangeField(c.field) ? t(reader, `appr.field.${c.field}`) : esc(c.field),
      before: changeValue(reader, r, c, c.before),
      after: changeValue(reader, r, c, c.after),
    }),
  );
  return section([t(reader, 'appr.changes.head'), ...lines].join('\n'));
}

// ---- the record of every step ------------------------------------------------------------------

function levelLabel(reader: Reader, s: StepRecord): string {
  return t(reader, 'appr.record.level', { level: s.level, unit: s.unitName ? esc(cut(s.unitName, 60)) : t(reader, 'appr.record.admins') });
}

/** One step of the record: who, decision, when, and the comment on its own line. */
function stepLine(reader: Reader, s: StepRecord): string {
  const level = levelLabel(reader, s);
  if (s.status === 'pending') return t(reader, 'appr.step.pending', { level, names: names(activeApprovers(s)), at: when(reader, s.createdAt) });
  const line = t(reader, `appr.step.${s.status}`, { level, by: s.decidedBy ? name(s.decidedBy) : t(reader, 'common.none'), at: when(reader, s.decidedAt) });
  return s.comment ? `${line}\n${t(reader, 'appr.step.comment', { comment: comment(s.comment) })}` : line;
}

/** The record, grouped by round when it was resubmitted. */
function recordBlocks(reader: Reader, r: ApprovalRecord): Block[] {
  const rounds = [...new Set(r.steps.map((s) => s.round))];
  const lines: string[] = [t(reader, 'appr.record.head')];
  for (const round of rounds) {
    if (rounds.length > 1) lines.push(t(reader, 'appr.record.round', { round }));
    lines.push(...r.steps.filter((s) => s.round === round).map((s) => stepLine(reader, s)));
  }
  return [section(lines.join('\n'))];
}

// ---- the card's outcome or buttons -------------------------------------------------------------

/** May this viewer decide this card's step now? */
export function canDecide(r: ApprovalRecord, stepId: number, viewerId: number): boolean {
  const s = stepOf(r, stepId);
  return !!s && r.currentStepId === stepId && s.status === 'pending' && r.decisions.length > 0 && s.approvers.some((a) => a.id === viewerId && a.active);
}

const decisionButton: Record<Decision, { label: BotKey; actionId: string; style?: 'primary' | 'danger' }> = {
  approve: { label: 'appr.btn.approve', actionId: ids.actions.approve, style: 'primary' },
  send_up: { label: 'appr.btn.send_up', actionId: ids.actions.approveSendUp, style: 'primary' },
  return: { label: 'appr.btn.return', actionId: ids.actions.returnRequest },
  reject: { label: 'appr.btn.reject', actionId: ids.actions.rejectRequest, style: 'danger' },
};

/**
 * The viewer's decisions: the step's, except that an approver who joined by escalation is the level
 * above already — where the step would be sent up to them, they approve it (the engine agrees).
 */
function decisionsOf(r: ApprovalRecord, stepId: number, viewerId: number): Decision[] {
  const s = stepOf(r, stepId);
  const escalated = s?.approvers.some((a) => a.id === viewerId && a.active && a.via === 'escalated');
  return escalated ? r.decisions.map((d) => (d === 'send_up' ? 'approve' : d)) : r.decisions;
}

export function decisionButtons(reader: Reader, r: ApprovalRecord, stepId: number, viewerId: number): Block[] {
  const value = String(stepId);
  const decisions = decisionsOf(r, stepId, viewerId);
  const buttons = decisions.map((d) => {
    const b = decisionButton[d];
    const confirm = d === 'reject'
      ? { title: t(reader, 'appr.confirm.reject_title'), text: t(reader, 'appr.confirm.reject_text'), confirm: t(reader, 'appr.btn.reject'), deny: t(reader, 'appr.confirm.no') }
      : undefined;
    return button(t(reader, b.label), b.actionId, { value, ...(b.style ? { style: b.style } : {}), ...(confirm ? { confirm } : {}) });
  });
  const hint = decisions.includes('send_up') && r.threshold !== null ? [context([t(reader, 'appr.card.send_up_hint', { threshold: formatMoney(r.threshold, reader.locale) })])] : [];
  return [...hint, actions(buttons, decisionBlockId(stepId))];
}

/** How a step ended, as one line ("✅ Approved by Han Meimei at 2026-11-22 10:05"); null while pending. */
function outcomeLine(reader: Reader, r: ApprovalRecord, s: StepRecord): string | null {
  const decider = s.decidedBy ? name(s.decidedBy) : t(reader, 'common.none');
  // A delegate's decision: "Approved by X on behalf of Y".
  const by = s.onBehalfOf ? t(reader, 'appr.by_on_behalf', { by: decider, for: name(s.onBehalfOf) }) : decider;
  const at = when(reader, s.decidedAt);
  switch (s.status) {
    case 'pending':
      return null;
    case 'sent_up': {
      const next = nextStepOf(r, s);
      return t(reader, 'appr.outcome.sent_up', { by, at, to: next ? names(activeApprovers(next)) : t(reader, 'common.none') });
    }
    case 'returned':
    case 'rejected':
      return t(reader, `appr.outcome.${s.status}`, { by, at, comment: comment(s.comment) });
    default:
      return t(reader, `appr.outcome.${s.status}`, { by, at });
  }
}

/** What a card shows instead of buttons: where the step went (moved away), how it ended, or who it waits for. */
function cardStatusLines(reader: Reader, r: ApprovalRecord, s: StepRecord, viewerId: number): string[] {
  const lines: string[] = [];
  const mine = s.approvers.find((a) => a.id === viewerId);
  const moved = !!mine && !mine.active;
  if (moved && mine.via === 'delegate') {
    // The away period ended: the one they stood in for has the step back.
    lines.push(t(reader, 'appr.outcome.delegate_ended', { name: mine.onBehalfOf ? name(mine.onBehalfOf) : t(reader, 'common.none') }));
  } else if (moved) {
    const to = activeApprovers(s);
    const via = to.some((a) => a.via === 'handover') ? 'handover' : 'reassigned';
    lines.push(t(reader, `appr.outcome.moved.${via}`, { to: to.length ? names(to) : t(reader, 'common.none') }));
  }
  const outcome = outcomeLine(reader, r, s);
  if (outcome) lines.push(outcome);
  else if (!moved) lines.push(t(reader, 'appr.outcome.waiting', { names: names(activeApprovers(s)) }));
  return lines;
}

/** Why a step reached a viewer who is not its first approver: standing in for someone away, or escalated. */
function whyMine(reader: Reader, s: StepRecord, viewerId: number): string | null {
  const mine = s.approvers.find((a) => a.id === viewerId && a.active);
  if (mine?.via === 'delegate' && mine.onBehalfOf) return t(reader, 'appr.card.delegate', { name: name(mine.onBehalfOf) });
  if (mine?.via === 'escalated') return t(reader, 'appr.card.escalated', { at: when(reader, s.createdAt) });
  return null;
}

/**
 * The approver's card for one step: title, who asked and when, the facts, what changed since the
 * return (on the current round's cards), the record, then the buttons (when the viewer may decide
 * this step now) or the step's outcome.
 */
export function approvalCard(reader: Reader, r: ApprovalRecord, stepId: number, viewerId: number): Message {
  const s = stepOf(r, stepId);
  const changes = s && s.round === r.round ? changesBlock(reader, r) : null;
  const blocks: Block[] = [
    header(t(reader, 'appr.card.title', { flow: flowTitle(reader, r.flow), id: r.id })),
    context([submittedLine(reader, r)]),
    ...factsBlocks(reader, r),
    ...(changes ? [changes] : []),
    divider(),
    ...recordBlocks(reader, r),
  ];
  let text = t(reader, 'appr.card.text', { flow: flowIn(reader, r.flow), store: esc(r.store.name), requester: name(r.requester) });
  if (s && canDecide(r, stepId, viewerId)) {
    const why = whyMine(reader, s, viewerId);
    if (why) blocks.push(context([why]));
    blocks.push(...decisionButtons(reader, r, stepId, viewerId));
  } else if (s) {
    const lines = cardStatusLines(reader, r, s, viewerId);
    blocks.push(section(lines.join('\n'), undefined, `approval_outcome:${stepId}`));
    text = lines.join(' ');
  }
  return message(text, blocks, reader);
}

// ---- the requester's notices -------------------------------------------------------------------

/** The requester's buttons for the request's state now (not the event's: a notice sent late shows what is left to do). */
function requesterButtons(reader: Reader, r: ApprovalRecord): Block[] {
  const value = String(r.id);
  const deny = t(reader, 'appr.confirm.no');
  switch (r.status) {
    case 'pending':
      return [actions([button(t(reader, 'appr.btn.remind'), ids.actions.remindApprovers, { value }), button(t(reader, 'appr.btn.withdraw'), ids.actions.withdraw, { value, confirm: { title: t(reader, 'appr.confirm.withdraw_title'), text: t(reader, 'appr.confirm.withdraw_text'), confirm: t(reader, 'appr.btn.withdraw'), deny } })], `approval_mine:${r.id}`)];
    case 'returned':
      return [
        actions(
          [
            button(t(reader, 'appr.btn.resubmit'), ids.actions.openResubmit, { value, style: 'primary' }),
            button(t(reader, 'appr.btn.void'), ids.actions.voidRequest, { value, style: 'danger', confirm: { title: t(reader, 'appr.confirm.void_title'), text: t(reader, 'appr.confirm.void_text'), confirm: t(reader, 'appr.btn.void'), deny } }),
          ],
          `approval_mine:${r.id}`,
        ),
      ];
    case 'approved': {
      const o = r.opportunity;
      if (r.flow !== 'report' || !o || o.stage === 'won' || o.stage === 'lost') return [];
      const opp = String(o.id);
      return [
        context([t(reader, 'appr.notice.report_next')]),
        actions([button(t(reader, 'appr.btn.won'), ids.actions.openSign, { value: opp, style: 'primary' }), button(t(reader, 'appr.btn.lost'), ids.actions.openTerminate, { value: opp })], `approval_mine:${r.id}`),
      ];
    }
    default:
      return [];
  }
}

/** The headline of a notice: what happened to the request, and who it waits for now. */
function noticeHeadline(reader: Reader, r: ApprovalRecord, stepId: number, event: RequestEvent): string {
  const s = stepOf(r, stepId);
  const base = { flow: flowIn(reader, r.flow), store: esc(cut(r.store.name, 150)), round: r.round };
  const decider = s?.decidedBy ? name(s.decidedBy) : t(reader, 'common.none');
  const by = s?.onBehalfOf ? t(reader, 'appr.by_on_behalf', { by: decider, for: name(s.onBehalfOf) }) : decider;
  const waiting = (step: StepRecord | undefined) => t(reader, 'appr.notice.waiting', { names: step ? names(activeApprovers(step)) : t(reader, 'common.none') });
  switch (event) {
    case 'submitted':
    case 'resubmitted':
      return `${t(reader, `appr.notice.${event}`, base)}\n${waiting(s)}`;
    case 'sent_up': {
      const next = s ? nextStepOf(r, s) : undefined;
      return t(reader, 'appr.notice.sent_up', { ...base, by, names: next ? names(activeApprovers(next)) : t(reader, 'common.none') });
    }
    case 'approved':
      return t(reader, 'appr.notice.approved', { ...base, by });
    case 'escalated': {
      const joined = s ? s.approvers.filter((a) => a.active && (a.via === 'escalated' || a.via === 'delegate')) : [];
      return `${t(reader, 'appr.notice.escalated', { ...base, at: when(reader, s?.createdAt ?? r.createdAt), names: joined.length ? names(joined) : t(reader, 'common.none') })}\n${waiting(s)}`;
    }
    case 'returned':
      return `${t(reader, 'appr.notice.returned', { ...base, by, comment: comment(s?.comment ?? null) })}\n${t(reader, 'appr.notice.returned_next')}`;
    case 'rejected':
      return t(reader, 'appr.notice.rejected', { ...base, by, comment: comment(s?.comment ?? null) });
    default:
      return t(reader, `appr.notice.${event}`, base);
  }
}

/** A new opportunity's report, confirmed: what was registered, and whose approval it waits for. */
function reportSubmittedBlocks(reader: Reader, r: ApprovalRecord, stepId: number): Message | null {
  const o = r.opportunity;
  if (r.flow !== 'report' || !o) return null;
  const s = stepOf(r, stepId);
  const registered = createdMessage(reader, {
    ...o,
    competitors: str(r.fields.competitors) || null,
    notes: str(r.fields.notes) || null,
    store: r.store,
  });
  const waiting = t(reader, 'appr.notice.waiting', { names: s ? names(activeApprovers(s)) : t(reader, 'common.none') });
  return { text: `${registered.text} ${plainOf(waiting)}`, blocks: [...registered.blocks, section(waiting)] };
}

/** The requester's notice of one transition, with the buttons its request has now. */
export function requesterNotice(reader: Reader, r: ApprovalRecord, stepId: number, event: RequestEvent): Message {
  const report = event === 'submitted' ? reportSubmittedBlocks(reader, r, stepId) : null;
  const headline = noticeHeadline(reader, r, stepId, event);
  const top = report ? report.blocks : [section(headline), ...factsBlocks(reader, r)];
  const blocks: Block[] = [...top, context([t(reader, 'appr.card.title', { flow: flowTitle(reader, r.flow), id: r.id })]), ...recordBlocks(reader, r), ...requesterButtons(reader, r)];
  return message(report ? report.text : headline, blocks, reader);
}

// ---- modals ------------------------------------------------------------------------------------

/**
 * The whole record, for `/crm approvals` → Open. It only shows: decisions are made on the cards, and
 * the requester's buttons are on its notices, both in the DMs, where their outcome is redrawn.
 */
export function approvalRecordModal(reader: Reader, r: ApprovalRecord): ModalView {
  const current = r.currentStepId !== null ? stepOf(r, r.currentStepId) : undefined;
  const changes = changesBlock(reader, r);
  const state = current && r.status === 'pending'
    ? t(reader, 'appr.outcome.waiting', { names: names(activeApprovers(current)) })
    : t(reader, `appr.status.${r.status}`);
  const blocks: Block[] = [
    header(flowTitle(reader, r.flow)),
    context([submittedLine(reader, r)]),
    ...factsBlocks(reader, r),
    ...(changes ? [changes] : []),
    section(t(reader, 'appr.outcome.now', { state })),
    divider(),
    ...recordBlocks(reader, r),
  ];
  return modal({
    callbackId: RECORD_VIEW,
    title: t(reader, 'appr.modal.record_title', { id: r.id }),
    close: t(reader, 'common.close'),
    blocks: capBlocks(blocks, limits.viewBlocks, (n) => t(reader, 'common.more', { count: n })),
  });
}

export type CommentDecision = Extract<Decision, 'return' | 'reject'>;
const commentDecisions: readonly CommentDecision[] = ['return', 'reject'];
/** The comment modal's metadata: the step (`s`) and the decision (`d`). */
const commentCodec = metadataCodec<{ s: number; d: CommentDecision }>({ s: idField, d: oneOf(commentDecisions) }, ['s', 'd']);
interface CommentMeta {
  stepId: number;
  decision: CommentDecision;
}

/** The comment a Return or Reject needs; what it decides rides in private_metadata. */
export function decisionCommentModal(reader: Reader, meta: CommentMeta): ModalView {
  const d = meta.decision;
  return modal({
    callbackId: ids.views.decisionComment,
    title: t(reader, `appr.modal.${d}_title`),
    submit: t(reader, `appr.modal.${d}_submit`),
    close: t(reader, 'common.cancel'),
    privateMetadata: commentCodec.encode({ s: meta.stepId, d }),
    blocks: [
      input(COMMENT_BLOCK, t(reader, `appr.modal.${d}_label`), { type: 'plain_text_input', action_id: COMMENT_ACTION, multiline: true, max_length: COMMENT_MAX }, { hint: t(reader, `appr.modal.${d}_hint`) }),
    ],
  });
}

export function parseCommentMeta(raw: string | undefined): CommentMeta | null {
  const m = commentCodec.decode(raw);
  return m && { stepId: m.s, decision: m.d };
}
