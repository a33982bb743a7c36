import type { CreateOpportunityInput } from '../../domain/opportunities/opportunities.ts';
import type { StateValues } from '../schemas.ts';
import { COMPETITORS_MAX, NAME_MAX, NOTES_MAX, openStages } from '../../domain/opportunities/opportunities.ts';
import { formatDate } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { context, cut, esc, input, limits, modal, option, plain, section, type Block, type ModalView } from '../blocks/kit.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';

// The opportunity modal. Its inputs' block ids are the domain's field names, so that a domain issue
// (`amount: must not be negative`) shows under its input.

export const oppFields = ['storeId', 'name', 'amount', 'expectedCloseAt', 'stage', 'competitors', 'notes'] as const;
type OppField = (typeof oppFields)[number];

/** action_id of each input (the store picker is the shared type-ahead). */
export const oppActions: Record<OppField, string> = {
  storeId: ids.actions.storeSelect,
  name: 'opp_name',
  amount: 'opp_amount',
  expectedCloseAt: 'opp_expected_close',
  stage: 'opp_stage',
  competitors: 'opp_competitors',
  notes: 'opp_notes',
};

/** Amounts are typed with up to 14 digits before the point; the domain refuses what is too big. */
const AMOUNT_INPUT_MAX = 24;

export interface PreselectedStore {
  id: number;
  name: string;
  code: string;
}

interface OpportunityModalOptions {
  store?: PreselectedStore | null;
  /** A line above the inputs, e.g. "No store matches “xyz”". */
  hint?: string | null;
}

const placeholder = (text: string) => plain(text, limits.placeholder);

export const storeOption = (s: PreselectedStore) => option(`${s.name} · ${s.code}`, String(s.id));

export function opportunityModal(reader: Reader, opts: OpportunityModalOptions = {}): ModalView {
  const blocks: Block[] = [];
  if (opts.hint) blocks.push(context([opts.hint]));
  blocks.push(
    input(oppFields[0], t(reader, 'opp.field.store'), {
      type: 'external_select',
      action_id: oppActions.storeId,
      min_query_length: 1,
      placeholder: placeholder(t(reader, 'opp.field.store_placeholder')),
      ...(opts.store ? { initial_option: storeOption(opts.store) } : {}),
    }),
    input('name', t(reader, 'opp.field.name'), {
      type: 'plain_text_input',
      action_id: oppActions.name,
      max_length: NAME_MAX,
      placeholder: placeholder(t(reader, 'opp.field.name_placeholder')),
    }),
    input(
      'amount',
      t(reader, 'opp.field.amount'),
      { type: 'plain_text_input', action_id: oppActions.amount, max_length: AMOUNT_INPUT_MAX, placeholder: placeholder(t(reader, 'opp.field.amount_placeholder')) },
      { hint: t(reader, 'opp.field.amount_hint') },
    ),
    input('expectedCloseAt', t(reader, 'opp.field.expected_close'), { type: 'datepicker', action_id: oppActions.expectedCloseAt }),
    input('stage', t(reader, 'opp.field.stage'), {
      type: 'static_select',
      action_id: oppActions.stage,
      options: openStages.map((s) => option(t(reader, `opp.stage.${s}`), s)),
      initial_option: option(t(reader, 'opp.stage.initial_contact'), 'initial_contact'),
    }),
    input('competitors', t(reader, 'opp.field.competitors'), { type: 'plain_text_input', action_id: oppActions.competitors, max_length: COMPETITORS_MAX }, { optional: true }),
    input('notes', t(reader, 'opp.field.notes'), { type: 'plain_text_input', action_id: oppActions.notes, multiline: true, max_length: NOTES_MAX }, { optional: true }),
  );
  return modal({
    callbackId: ids.views.opportunity,
    title: t(reader, 'opp.modal.title'),
    submit: t(reader, 'opp.modal.submit'),
    close: t(reader, 'opp.modal.close'),
    blocks,
  });
}

/**
 * An amount typed in yuan or dollars → minor units (fen, cents): `12800`, `12,800.50`, `¥ 99.9`,
 * `１２８００元`. Null when it is not a number with at most 2 decimals. A sign is kept (the domain
 * refuses negatives with its own message); a huge number stays huge (the domain refuses it).
 */
export function parseAmount(text: string): number | null {
  const s = text
    .normalize('NFKC')
    .replace(/[\s,_'’]/g, '')
    .replace(/^(-?)(?:[¥$]|CNY|RMB|USD)/i, '$1')
    .replace(/(?:元|块|yuan|CNY|RMB|USD)$/i, '');
  const m = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const minor = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  const clamped = minor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(minor);
  return m[1] ? -clamped : clamped;
}

type Values = StateValues; // checked at the edge (src/bot/schemas.ts)

interface OpportunitySubmission {
  input: CreateOpportunityInput;
  /** The amount was not a number: its own message replaces whatever the domain says of it. */
  amountUnreadable: boolean;
}

/** What was typed in the modal, as the domain's input. Empty optional texts are left out. */
export function readOpportunity(values: Values): OpportunitySubmission {
  const of = (f: OppField) => values[f]?.[oppActions[f]];
  const storeValue = of('storeId')?.selected_option?.value;
  const amountText = (of('amount')?.value ?? '').trim();
  const amount = amountText ? parseAmount(amountText) : null;
  const text = (f: OppField) => {
    const v = of(f)?.value;
    return v && v.trim() ? v : undefined;
  };
  return {
    input: {
      storeId: storeValue !== undefined && /^\d+$/.test(storeValue) ? Number(storeValue) : (undefined as unknown as number),
      name: of('name')?.value ?? '',
      // NaN lets the domain report every other field in the same answer.
      amount: amountText ? (amount ?? Number.NaN) : (undefined as unknown as number),
      expectedCloseAt: of('expectedCloseAt')?.selected_date ?? (undefined as unknown as string),
      stage: (of('stage')?.selected_option?.value ?? 'initial_contact') as CreateOpportunityInput['stage'],
      competitors: text('competitors'),
      notes: text('notes'),
    },
    amountUnreadable: amountText !== '' && amount === null,
  };
}

/** What was registered: the top of the report's "submitted" notice (approval-card.ts). */
export function createdMessage(
  reader: Reader,
  o: { name: string; amount: number; expectedCloseAt: Date; stage: string; competitors: string | null; notes: string | null; store: { name: string; code: string } },
): { text: string; blocks: Block[] } {
  const lines = [
    t(reader, 'opp.created', { name: esc(cut(o.name, 100)), store: esc(cut(o.store.name, 100)) }),
    t(reader, 'opp.created_fields', { amount: formatMoney(o.amount, reader.locale), close: formatDate(o.expectedCloseAt, reader.timezone), stage: tCode(reader, 'opp.stage.', o.stage) }),
  ];
  if (o.competitors) lines.push(t(reader, 'opp.competitors_line', { value: esc(cut(o.competitors, 500)) }));
  if (o.notes) lines.push(t(reader, 'opp.notes_line', { value: esc(cut(o.notes, 1500)) }));
  return {
    // The notification's text is mrkdwn too: a name like `<!here>` must not ping anyone.
    text: t(reader, 'opp.created_text', { name: esc(cut(o.name, 100)), store: esc(cut(o.store.name, 100)) }),
    blocks: [section(lines.join('\n')), context([esc(o.store.code)])],
  };
}
