import { visitMethods } from '../../domain/visits/visits.ts';
import type { StateValue, StateValues } from '../schemas.ts';
import { storeStages } from '../../domain/stores/fields.ts';
import type { Reader } from '../../i18n/index.ts';
import { t, type BotKey } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { context, cut, esc, input, limits, modal, option, plain, type Block, type ModalView } from '../blocks/kit.ts';

// The log-visit modal. Input block ids are the domain's field names (logVisit's input), so that a
// domain issue's path names the block it belongs under. The date and time pickers sit in an actions
// block under each "when" text input; their values come with the submission like the inputs'.

/** From logVisitSchema (src/domain/visits/visits.ts). */
export const SUMMARY_MAX = 2000;
const OUTCOME_MAX = 500;
const WHEN_TEXT_MAX = 100;

/** Slack ids of this modal. The picker action ids are new: their block_actions are only acknowledged. */
export const visitIds = {
  blocks: {
    storeId: 'storeId',
    at: 'at',
    atPick: 'at_pick',
    method: 'method',
    summary: 'summary',
    outcome: 'outcome',
    stage: 'stage',
    nextFollowUpAt: 'nextFollowUpAt',
    nextPick: 'nextFollowUpAt_pick',
  },
  actions: {
    store: ids.actions.storeSelect,
    atText: 'visit_at_text',
    atDate: 'visit_at_date',
    atTime: 'visit_at_time',
    method: 'visit_method',
    summary: 'visit_summary',
    outcome: 'visit_outcome',
    stage: 'visit_stage',
    nextText: 'visit_next_text',
    nextDate: 'visit_next_date',
    nextTime: 'visit_next_time',
  },
} as const;

/** The input blocks, in order: where `response_action: errors` may point. */
export const visitInputBlocks: string[] = ['storeId', 'at', 'method', 'summary', 'outcome', 'stage', 'nextFollowUpAt'];

export interface StoreChoice {
  id: number;
  name: string;
  code: string;
}

export interface VisitModalOptions {
  /** Preselected in the store picker. */
  store?: StoreChoice | null;
  /** Prefilled summary (a message's text); cut to the input's maximum. */
  summary?: string | null;
  /** What /visit was given when it did not name exactly one store. */
  search?: { text: string; found: number } | null;
}

/** The picker's option for a store: the same text and value as the type-ahead (listeners/options/stores.ts). */
export const storeOption = (s: StoreChoice) => option(`${s.name} · ${s.code}`, String(s.id));

export function visitModal(reader: Reader, opts: VisitModalOptions = {}): ModalView {
  const b = visitIds.blocks;
  const a = visitIds.actions;
  const placeholder = (key: BotKey) => plain(t(reader, key), limits.placeholder);
  const blocks: Block[] = [
    input(b.storeId, t(reader, 'visit.field.store'), {
      type: 'external_select',
      action_id: a.store,
      min_query_length: 1,
      placeholder: placeholder('visit.field.store_placeholder'),
      ...(opts.store ? { initial_option: storeOption(opts.store) } : {}),
    }),
  ];
  if (opts.search && !opts.store) {
    const text = esc(cut(opts.search.text.replace(/\s+/g, ' '), 100));
    blocks.push(context([t(reader, opts.search.found ? 'visit.modal.many_matches' : 'visit.modal.no_match', { text })]));
  }
  blocks.push(
    input(
      b.at,
      t(reader, 'visit.field.at'),
      { type: 'plain_text_input', action_id: a.atText, max_length: WHEN_TEXT_MAX, placeholder: placeholder('visit.field.at_placeholder') },
      { optional: true, hint: t(reader, 'visit.field.at_hint') },
    ),
    pickers(reader, b.atPick, a.atDate, a.atTime),
    input(b.method, t(reader, 'visit.field.method'), {
      type: 'radio_buttons',
      action_id: a.method,
      options: visitMethods.map((m) => option(t(reader, `visit.method.${m}`), m)),
      initial_option: option(t(reader, 'visit.method.in_person'), 'in_person'),
    }),
    input(b.summary, t(reader, 'visit.field.summary'), {
      type: 'plain_text_input',
      action_id: a.summary,
      multiline: true,
      max_length: SUMMARY_MAX,
      placeholder: placeholder('visit.field.summary_placeholder'),
      ...(opts.summary?.trim() ? { initial_value: cut(opts.summary.trim(), SUMMARY_MAX) } : {}),
    }),
    input(
      b.outcome,
      t(reader, 'visit.field.outcome'),
      { type: 'plain_text_input', action_id: a.outcome, max_length: OUTCOME_MAX, placeholder: placeholder('visit.field.outcome_placeholder') },
      { optional: true },
    ),
    input(
      b.stage,
      t(reader, 'visit.field.stage'),
      {
        type: 'static_select',
        action_id: a.stage,
        placeholder: placeholder('visit.field.stage_placeholder'),
        options: storeStages.map((s) => option(t(reader, `visit.stage.${s}`), s)),
      },
      { optional: true, hint: t(reader, 'visit.field.stage_hint') },
    ),
    input(
      b.nextFollowUpAt,
      t(reader, 'visit.field.next'),
      { type: 'plain_text_input', action_id: a.nextText, max_length: WHEN_TEXT_MAX, placeholder: placeholder('visit.field.next_placeholder') },
      { optional: true, hint: t(reader, 'visit.field.next_hint') },
    ),
    pickers(reader, b.nextPick, a.nextDate, a.nextTime),
  );
  return modal({
    callbackId: ids.views.logVisit,
    title: t(reader, 'visit.modal.title'),
    submit: t(reader, 'visit.modal.submit'),
    close: t(reader, 'visit.modal.close'),
    blocks,
  });
}

function pickers(reader: Reader, blockId: string, dateAction: string, timeAction: string): Block {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [
      { type: 'datepicker', action_id: dateAction, placeholder: plain(t(reader, 'visit.pick.date'), limits.placeholder) },
      { type: 'timepicker', action_id: timeAction, placeholder: plain(t(reader, 'visit.pick.time'), limits.placeholder) },
    ],
  };
}

// ---- reading a submission ----------------------------------------------------------------------

export interface WhenInput {
  text: string | null;
  date: string | null;
  time: string | null;
}

interface VisitForm {
  storeId: number | null;
  at: WhenInput;
  method: string | null;
  summary: string;
  outcome: string | null;
  stage: string | null;
  next: WhenInput;
}

/** The submitted values, by field; anything missing or odd comes back empty for the checks to report. */
export function readVisitForm(values: StateValues | undefined): VisitForm {
  const b = visitIds.blocks;
  const a = visitIds.actions;
  const get = (block: string, action: string): StateValue | undefined => values?.[block]?.[action];
  const text = (block: string, action: string) => {
    const v = get(block, action)?.value;
    return typeof v === 'string' && v.trim() ? v.trim() : null;
  };
  const selected = (block: string, action: string) => {
    const v = get(block, action)?.selected_option?.value;
    return typeof v === 'string' && v ? v : null;
  };
  const storeValue = selected(b.storeId, a.store);
  const storeId = storeValue && /^\d{1,15}$/.test(storeValue) ? Number(storeValue) : null;
  return {
    storeId: storeId && storeId > 0 ? storeId : null,
    at: { text: text(b.at, a.atText), date: get(b.atPick, a.atDate)?.selected_date ?? null, time: get(b.atPick, a.atTime)?.selected_time ?? null },
    method: selected(b.method, a.method),
    summary: (get(b.summary, a.summary)?.value ?? '').toString(),
    outcome: text(b.outcome, a.outcome),
    stage: selected(b.stage, a.stage),
    next: { text: text(b.nextFollowUpAt, a.nextText), date: get(b.nextPick, a.nextDate)?.selected_date ?? null, time: get(b.nextPick, a.nextTime)?.selected_time ?? null },
  };
}

/**
 * A Slack message's text as plain text for a summary: links and mentions in Slack's markup become
 * their labels (`<https://x|label>` → label, `<@U1>` → @U1, `<#C1|sales>` → #sales), entities are
 * decoded.
 */
export function messageToSummary(text: string | null | undefined): string {
  if (!text) return '';
  return text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, (_, target: string, label: string) => (target.startsWith('#') ? `#${label}` : target.startsWith('@') ? `@${label}` : label))
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<!subteam\^[^<>]+>/g, '@team')
    .replace(/<!date\^[^<>]*>/g, '')
    .replace(/<([@#!]?)([^<>]+)>/g, (_, sigil: string, target: string) => `${sigil === '!' ? '' : sigil}${target}`)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
