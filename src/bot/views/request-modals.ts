import type { ApprovalRecord } from '../../domain/approvals/queries.ts';
import type { StateValues } from '../schemas.ts';
import { numberValue, selectedId, stateOf, textValue } from '../blocks/state.ts';
import { COMMENT_MAX, CONTRACT_NO_MAX, flows, type Flow } from '../../domain/approvals/flows.ts';
import { COMPETITORS_MAX, NAME_MAX, NOTES_MAX, openStages, STAGE_NOTE_MAX, type OpportunityStage } from '../../domain/opportunities/opportunities.ts';
import type { TeamMember } from '../../domain/people/team.ts';
import { formatDate, formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { context, cut, esc, input, limits, modal, option, plain, section, textInput, type Block, type InputElement, type ModalView } from '../blocks/kit.ts';
import { t, tCode, type BotKey } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { flagWith, idField, metadataCodec, oneOf, urlField, viewIdField } from '../blocks/metadata.ts';
import { parseAmount } from './opportunity-modal.ts';

// The requester's modals: change an opportunity's stage, ask to close it as won (sign) or lost
// (terminate), ask for a store's transfer or extension, and resubmit a returned request. Input block
// ids are the domain's field names, so that a domain issue shows under its input (modalErrors).

/** Slack ids of this feature that src/bot/ids.ts does not hold. */
export const requestUi = {
  views: { changeStage: 'opp_change_stage' },
  actions: {
    openChangeStage: 'opp_open_change_stage',
    /** Type-ahead for the transfer target when the rep's team is too large for a static select. */
    personSearch: 'request_person_search',
  },
} as const;

/** The inputs of each form, in order: the block ids a domain issue may name. */
export const formBlocks = {
  changeStage: ['stage', 'note'],
  report: ['name', 'amount', 'expectedCloseAt', 'competitors', 'notes'],
  sign: ['wonAmount', 'wonAt', 'contractNo', 'note'],
  terminate: ['reason'],
  transfer: ['toPersonId', 'reason'],
  extend: ['days', 'reason'],
} as const satisfies Record<Flow | 'changeStage', readonly string[]>;

/** Amounts are typed with up to 14 digits before the point; the domain refuses what is too big. */
const AMOUNT_INPUT_MAX = 24;
const REASON_MAX = 500;

// ---- private_metadata ------------------------------------------------------------------------

/** What a request form carries: its subject, and where to answer once it is done. */
export interface RequestMeta {
  /** The subject: an opportunity, a store or a request, by the form. */
  id: number;
  /** The flow of the request being resubmitted. */
  f?: Flow;
  /** response_url of the message the button was in. */
  r?: string;
  /** That message is my opportunity list: it is redrawn in place. */
  l?: 1;
  /** The modal under the form (a store card), redrawn after the change. */
  pv?: string;
}

export const { encode: encodeRequestMeta, decode: parseRequestMeta } = metadataCodec<RequestMeta>(
  { id: idField, f: oneOf(flows), r: urlField, l: flagWith('r'), pv: viewIdField },
  ['id'],
);

// ---- building blocks -------------------------------------------------------------------------

const placeholder = (text: string) => plain(text, limits.placeholder);

const amountInput = (reader: Reader, block: string, label: string, initial: number | undefined): Block =>
  input(
    block,
    label,
    { ...textInput(block, { max: AMOUNT_INPUT_MAX, placeholder: t(reader, 'opp.field.amount_placeholder') }), ...(initial !== undefined ? { initial_value: formatMoney(initial, reader.locale) } : {}) },
    { hint: t(reader, 'opp.field.amount_hint') },
  );

const dateInput = (block: string, label: string, initial: string | null) =>
  input(block, label, { type: 'datepicker', action_id: block, ...(initial ? { initial_date: initial } : {}) });

const reasonInput = (reader: Reader, initial?: string | null, hintKey?: BotKey) =>
  input('reason', t(reader, 'req.field.reason'), textInput('reason', { max: REASON_MAX, multiline: true, initial }), hintKey ? { hint: t(reader, hintKey) } : {});

/** An opportunity as the forms show it above their inputs. */
interface OpportunityFacts {
  name: string;
  amount: number;
  expectedCloseAt: Date;
  stage: string;
  store: { name: string };
}

const opportunityLine = (reader: Reader, o: OpportunityFacts): string =>
  t(reader, 'req.opp_line', {
    name: esc(cut(o.name, 100)),
    store: esc(cut(o.store.name, 100)),
    stage: tCode(reader, 'opp.stage.', o.stage),
    amount: formatMoney(o.amount, reader.locale),
    close: formatDate(o.expectedCloseAt, reader.timezone),
  });

/** A store as the request forms show it. */
export interface StoreFacts {
  name: string;
  code: string;
  protectedUntil?: Date | null;
  isCustomer?: boolean;
}

export function storeLine(reader: Reader, s: StoreFacts): string {
  const base = { name: esc(cut(s.name, 150)), code: esc(s.code) };
  if (s.isCustomer) return t(reader, 'req.store_line_customer', base);
  if (s.protectedUntil === undefined) return t(reader, 'form.store_line', base);
  return t(reader, 'req.store_line', { ...base, until: s.protectedUntil ? formatDateTime(s.protectedUntil, reader.timezone) : null });
}

// ---- each flow's inputs (the first submission and the resubmission share them) --------------

interface SignInitial {
  wonAmount?: number;
  /** `YYYY-MM-DD` */
  wonAt: string;
  contractNo?: string;
  note?: string | null;
}

function signInputs(reader: Reader, v: SignInitial): Block[] {
  return [
    amountInput(reader, 'wonAmount', t(reader, 'req.field.won_amount'), v.wonAmount),
    dateInput('wonAt', t(reader, 'req.field.won_at'), v.wonAt),
    input('contractNo', t(reader, 'req.field.contract_no'), textInput('contractNo', { max: CONTRACT_NO_MAX, initial: v.contractNo })),
    input('note', t(reader, 'req.field.note'), textInput('note', { max: COMMENT_MAX, multiline: true, initial: v.note }), { optional: true }),
  ];
}

const terminateInputs = (reader: Reader, v: { reason?: string } = {}): Block[] => [reasonInput(reader, v.reason, 'req.field.lost_hint')];

interface TransferChoices {
  people: TeamMember[];
  /** More people than one static select holds: a type-ahead instead. */
  more: boolean;
}

const personOption = (p: { id: number; name: string; unitName?: string | null }) => option(p.name, String(p.id), p.unitName ?? undefined);

/** The transfer target and the reason; null when there is nobody to choose. */
function transferInputs(reader: Reader, choices: TransferChoices, v: { to?: { id: number; name: string } | null; reason?: string } = {}): Block[] | null {
  const search = choices.more || choices.people.length > limits.options;
  if (!search && !choices.people.length) return null;
  // A former target who is no longer among the options (left the team) is not preselected.
  const preselected = v.to ? (search ? v.to : choices.people.find((p) => p.id === v.to!.id)) : undefined;
  const common = { placeholder: placeholder(t(reader, 'req.field.to_placeholder')), ...(preselected ? { initial_option: personOption(preselected) } : {}) };
  const select: InputElement = search
    ? { type: 'external_select', action_id: requestUi.actions.personSearch, min_query_length: 0, ...common }
    : { type: 'static_select', action_id: 'toPersonId', options: choices.people.map(personOption), ...common };
  return [input('toPersonId', t(reader, 'req.field.to'), select), reasonInput(reader, v.reason)];
}

function extendInputs(reader: Reader, v: { days?: number; reason?: string } = {}): Block[] {
  return [
    input(
      'days',
      t(reader, 'req.field.days'),
      { type: 'number_input', action_id: 'days', is_decimal_allowed: false, min_value: '1', max_value: '365', ...(v.days ? { initial_value: String(v.days) } : {}) },
      { hint: t(reader, 'req.field.days_hint') },
    ),
    reasonInput(reader, v.reason),
  ];
}

interface ReportInitial {
  name: string;
  amount: number;
  /** `YYYY-MM-DD` */
  expectedCloseAt: string;
  competitors: string | null;
  notes: string | null;
}

function reportInputs(reader: Reader, v: ReportInitial): Block[] {
  return [
    input('name', t(reader, 'opp.field.name'), textInput('name', { max: NAME_MAX, initial: v.name })),
    amountInput(reader, 'amount', t(reader, 'opp.field.amount'), v.amount),
    dateInput('expectedCloseAt', t(reader, 'opp.field.expected_close'), v.expectedCloseAt),
    input('competitors', t(reader, 'opp.field.competitors'), textInput('competitors', { max: COMPETITORS_MAX, initial: v.competitors }), { optional: true }),
    input('notes', t(reader, 'opp.field.notes'), textInput('notes', { max: NOTES_MAX, multiline: true, initial: v.notes }), { optional: true }),
  ];
}

// ---- the modals ------------------------------------------------------------------------------

interface FormOptions {
  callbackId: string;
  titleKey: BotKey;
  submitKey: BotKey;
  meta: RequestMeta;
  head: Block[];
  /** null: nothing to submit (the head says why). */
  inputs: Block[] | null;
}

function form(reader: Reader, o: FormOptions): ModalView {
  return modal({
    callbackId: o.callbackId,
    title: t(reader, o.titleKey),
    ...(o.inputs ? { submit: t(reader, o.submitKey) } : {}),
    close: t(reader, o.inputs ? 'common.cancel' : 'common.close'),
    privateMetadata: encodeRequestMeta(o.meta),
    blocks: [...o.head, ...(o.inputs ?? [])],
  });
}

/** Another open stage and a note; the current stage is not offered (moving to it changes nothing). */
export function changeStageModal(reader: Reader, o: OpportunityFacts, meta: RequestMeta): ModalView {
  const stages = openStages.filter((s) => s !== o.stage).map((s) => option(t(reader, `opp.stage.${s}`), s));
  return form(reader, {
    callbackId: requestUi.views.changeStage,
    titleKey: 'req.title.change_stage',
    submitKey: 'common.save',
    meta,
    head: [section(opportunityLine(reader, o))],
    inputs: [
      input('stage', t(reader, 'req.field.stage'), { type: 'static_select', action_id: 'stage', options: stages }),
      input('note', t(reader, 'req.field.stage_note'), textInput('note', { max: STAGE_NOTE_MAX, multiline: true }), { hint: t(reader, 'req.field.stage_note_hint') }),
    ],
  });
}

/** Close as won: the signed amount (the expected one to start from), the date (today), the contract. */
export function signModal(reader: Reader, o: OpportunityFacts, today: string, meta: RequestMeta): ModalView {
  return form(reader, {
    callbackId: ids.views.requestSign,
    titleKey: 'req.title.sign',
    submitKey: 'req.submit.send',
    meta,
    head: [section(opportunityLine(reader, o)), context([t(reader, 'req.intro.sign')])],
    inputs: signInputs(reader, { wonAmount: o.amount, wonAt: today }),
  });
}

export function terminateModal(reader: Reader, o: OpportunityFacts, meta: RequestMeta): ModalView {
  return form(reader, {
    callbackId: ids.views.requestTerminate,
    titleKey: 'req.title.terminate',
    submitKey: 'req.submit.send',
    meta,
    head: [section(opportunityLine(reader, o)), context([t(reader, 'req.intro.terminate')])],
    inputs: terminateInputs(reader),
  });
}

export function requestTransferModal(reader: Reader, store: StoreFacts, choices: TransferChoices, meta: RequestMeta): ModalView {
  const inputs = transferInputs(reader, choices);
  return form(reader, {
    callbackId: ids.views.requestTransfer,
    titleKey: 'req.title.transfer',
    submitKey: 'req.submit.send',
    meta,
    head: [section(storeLine(reader, store)), context([t(reader, inputs ? 'req.intro.transfer' : 'req.transfer.none')])],
    inputs,
  });
}

export function requestExtendModal(reader: Reader, store: StoreFacts, meta: RequestMeta): ModalView {
  return form(reader, {
    callbackId: ids.views.requestExtend,
    titleKey: 'req.title.extend',
    submitKey: 'req.submit.send',
    meta,
    head: [section(storeLine(reader, store)), context([t(reader, 'req.intro.extend')])],
    inputs: extendInputs(reader),
  });
}

// ---- resubmission ----------------------------------------------------------------------------

/** Who returned the request, when, and why: the latest return. */
export function lastReturn(record: Pick<ApprovalRecord, 'steps'>): { name: string; at: Date | null; comment: string } | null {
  const step = [...record.steps].reverse().find((s) => s.status === 'returned');
  return step ? { name: step.decidedBy?.name ?? '', at: step.decidedAt, comment: step.comment ?? '' } : null;
}

function returnBlocks(reader: Reader, record: Pick<ApprovalRecord, 'steps'>): Block[] {
  const r = lastReturn(record);
  if (!r) return [];
  const quoted = cut(r.comment, 2500)
    .split('\n')
    .map((line) => t(reader, 'req.returned_comment', { comment: esc(line) }))
    .join('\n');
  return [section(`${t(reader, 'req.returned_by', { name: esc(cut(r.name, 80)), at: r.at })}\n${quoted}`, undefined, 'returned_comment')];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** A stored instant (the start of a local day) as the reader's calendar day. */
const dayOf = (v: unknown, reader: Reader): string | null => {
  const s = str(v);
  const d = s ? new Date(s) : null;
  return d && !Number.isNaN(d.getTime()) ? formatDate(d, reader.timezone) : null;
};

/** The flow's inputs, filled with the request's current facts. */
function resubmitInputs(reader: Reader, record: Pick<ApprovalRecord, 'flow' | 'fields' | 'transferTo'>, choices: TransferChoices): Block[] | null {
  const f = record.fields;
  switch (record.flow) {
    case 'report':
      return reportInputs(reader, { name: str(f.name) ?? '', amount: num(f.amount) ?? 0, expectedCloseAt: dayOf(f.expectedCloseAt, reader) ?? '', competitors: str(f.competitors), notes: str(f.notes) });
    case 'sign':
      return signInputs(reader, { wonAmount: num(f.wonAmount), wonAt: dayOf(f.wonAt, reader) ?? '', contractNo: str(f.contractNo) ?? undefined, note: str(f.note) });
    case 'terminate':
      return terminateInputs(reader, { reason: str(f.reason) ?? undefined });
    case 'transfer':
      return transferInputs(reader, choices, { to: record.transferTo, reason: str(f.reason) ?? undefined });
    case 'extend':
      return extendInputs(reader, { days: num(f.days), reason: str(f.reason) ?? undefined });
  }
}

function subjectLine(reader: Reader, record: Pick<ApprovalRecord, 'store' | 'opportunity'>): string {
  const o = record.opportunity;
  return o ? opportunityLine(reader, { ...o, store: record.store }) : storeLine(reader, { name: record.store.name, code: record.store.code });
}

/** The returned request, its approver's comment on top, its facts ready to change. */
export function resubmitModal(
  reader: Reader,
  record: Pick<ApprovalRecord, 'id' | 'flow' | 'fields' | 'transferTo' | 'steps' | 'store' | 'opportunity'>,
  choices: TransferChoices,
  meta: RequestMeta,
): ModalView {
  const inputs = resubmitInputs(reader, record, choices);
  return form(reader, {
    callbackId: ids.views.resubmit,
    titleKey: 'req.title.resubmit',
    submitKey: 'req.submit.resubmit',
    meta: { ...meta, f: record.flow },
    head: [
      ...returnBlocks(reader, record),
      section(subjectLine(reader, record)),
      context([t(reader, 'req.resubmit.intro', { flow: t(reader, `req.flow.${record.flow}`), id: record.id })]),
      ...(inputs ? [] : [context([t(reader, 'req.transfer.none')])]),
    ],
    inputs,
  });
}

// ---- reading a submission --------------------------------------------------------------------

/** A typed amount in minor units: NaN when it is no number (the domain then reports every other field too). */
function amount(values: StateValues, block: string): { value: number | undefined; unreadable: boolean } {
  const typed = textValue(values, block)?.trim();
  if (!typed) return { value: undefined, unreadable: false };
  const minor = parseAmount(typed);
  return { value: minor ?? Number.NaN, unreadable: minor === null };
}

export interface ReadForm {
  /** The domain's input; missing fields are left undefined for the domain to name. */
  input: Record<string, unknown>;
  /** The block of an amount that is not a number, whose own message replaces the domain's. */
  unreadable: string | null;
}

/** The stage as picked; the domain refuses anything that is not one. */
export function readChangeStage(values: StateValues): { stage: OpportunityStage; note: string } {
  return { stage: (stateOf(values, 'stage')?.selected_option?.value ?? '') as OpportunityStage, note: textValue(values, 'note') ?? '' };
}

/** What was typed in a flow's inputs, as the domain's input. */
export function readRequest(flow: Flow, values: StateValues): ReadForm {
  switch (flow) {
    case 'report': {
      const a = amount(values, 'amount');
      return {
        input: { name: textValue(values, 'name') ?? '', amount: a.value, expectedCloseAt: stateOf(values, 'expectedCloseAt')?.selected_date ?? undefined, competitors: textValue(values, 'competitors'), notes: textValue(values, 'notes') },
        unreadable: a.unreadable ? 'amount' : null,
      };
    }
    case 'sign': {
      const a = amount(values, 'wonAmount');
      return {
        input: { wonAmount: a.value, wonAt: stateOf(values, 'wonAt')?.selected_date ?? undefined, contractNo: textValue(values, 'contractNo') ?? '', note: textValue(values, 'note') },
        unreadable: a.unreadable ? 'wonAmount' : null,
      };
    }
    case 'terminate':
      return { input: { reason: textValue(values, 'reason') ?? '' }, unreadable: null };
    case 'transfer':
      return { input: { toPersonId: selectedId(values, 'toPersonId'), reason: textValue(values, 'reason') ?? '' }, unreadable: null };
    case 'extend':
      return { input: { days: numberValue(values, 'days'), reason: textValue(values, 'reason') ?? '' }, unreadable: null };
  }
}
