// How an audit entry reads: its action and entity by name, its before/after as the fields that changed
// (labelled, values as the console writes them elsewhere: money in yuan, times in the company's zone,
// statuses and stages by their names), the raw JSON one click away.
import { formatDateTime } from '../../../domain/time/zone.ts';
import type { Reader } from '../../../i18n/index.ts';
import { formatMoney } from '../../../i18n/money.ts';
import { html, type Html } from '../../html.ts';
import { bundles, t, type ConsoleKey } from '../../i18n/index.ts';

const keys = new Set(Object.values(bundles).flatMap((b) => Object.keys(b.en)));
/** The text of a key made at run time from a code, or null when no catalog has it. */
const textOf = (reader: Reader, key: string): string | null => (keys.has(key) ? t(reader, key as ConsoleKey) : null);

export const actionLabel = (reader: Reader, action: string): string | null => textOf(reader, `audit.action.${action}`);
export const entityLabel = (reader: Reader, entity: string): string | null => textOf(reader, `audit.entity.${entity}`);

// Bookkeeping a person did not type: search keys, row ids, timestamps of the row itself.
const HIDDEN = /^(id|nameKey|phoneKey|pinyinKey|initialsKey|namePinyin|nameInitials|createdAt|updatedAt|createdById|polygon|minLng|minLat|maxLng|maxLat)$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const MONEY = new Set(['amount', 'value', 'total', 'minAmount']);
const MAX_VALUE = 160;

/** Where the words for a code live, by field and the entity it belongs to. */
function codePrefix(entity: string, field: string): string | null {
  switch (field) {
    case 'status':
      return entity === 'store' ? 'stores.status.' : entity === 'approval' ? 'audit.v.request_status.' : entity === 'followup' ? 'audit.v.followup_status.' : null;
    case 'stage':
      return entity === 'opportunity' || entity === 'approval' ? 'audit.v.opp_stage.' : 'stores.stage.';
    case 'role':
    case 'toRole':
    case 'fromRole':
      return 'console.role.';
    case 'locale':
      return 'people.locale.';
    case 'method':
      return 'audit.v.method.';
    case 'flow':
      return 'queue.flow.';
    default:
      return null;
  }
}

const cut = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s);

function valueText(reader: Reader, tz: string, entity: string, field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return t(reader, v ? 'audit.v.yes' : 'audit.v.no');
  if (typeof v === 'number' && MONEY.has(field)) return `¥${formatMoney(v, reader.locale)}`;
  if (typeof v === 'string') {
    const prefix = codePrefix(entity, field);
    const named = prefix ? textOf(reader, `${prefix}${v}`) : null;
    if (named) return named;
    if (ISO_TIME.test(v) && !Number.isNaN(Date.parse(v))) return formatDateTime(new Date(v), tz);
    return cut(v);
  }
  if (typeof v === 'number') return String(v);
  return cut(JSON.stringify(v));
}

function fieldLabel(reader: Reader, entity: string, field: string): string {
  if (field === 'stage') return t(reader, entity === 'opportunity' || entity === 'approval' ? 'audit.f.oppStage' : 'audit.f.storeStage');
  if (entity === 'settings') {
    const setting = textOf(reader, `settings.field.${field}`);
    if (setting) return setting;
  }
  return textOf(reader, `audit.f.${field}`) ?? field;
}

export interface DiffLine {
  field: string;
  label: string;
  /** Absent: the field is only on the other side (a creation, a deletion). */
  before?: string;
  after?: string;
}

const parsed = (json: string | null): unknown => {
  if (json === null) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields an entry changed, in the order the entry lists them: both sides where both have it and they differ. */
export function auditDiff(reader: Reader, tz: string, entity: string, beforeJson: string | null, afterJson: string | null): DiffLine[] {
  const before = parsed(beforeJson);
  const after = parsed(afterJson);
  const b = isRecord(before) ? before : before === undefined ? {} : { value: before };
  const a = isRecord(after) ? after : after === undefined ? {} : { value: after };
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((f) => !HIDDEN.test(f));
  const lines: DiffLine[] = [];
  for (const field of fields) {
    const inB = field in b;
    const inA = field in a;
    if (inB && inA && JSON.stringify(b[field]) === JSON.stringify(a[field])) continue;
    if (!inB && !inA) continue;
    lines.push({
      field,
      label: fieldLabel(reader, entity, field),
      ...(inB ? { before: valueText(reader, tz, entity, field, b[field]) } : {}),
      ...(inA ? { after: valueText(reader, tz, entity, field, a[field]) } : {}),
    });
  }
  return lines;
}

/** Stored JSON, indented for reading; shown as text (escaped like any value). */
function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** The change cell: the readable diff, then the stored JSON folded away. */
export function changeCell(reader: Reader, tz: string, entity: string, before: string | null, after: string | null): Html {
  const lines = auditDiff(reader, tz, entity, before, after);
  const onlyAfter = before === null;
  const onlyBefore = after === null;
  const heading = onlyAfter && lines.length ? t(reader, 'audit.created_with') : onlyBefore && lines.length ? t(reader, 'audit.removed') : null;
  const raw = [before === null ? null : ([t(reader, 'audit.before'), before] as const), after === null ? null : ([t(reader, 'audit.after'), after] as const)].filter((x) => x !== null);
  return html`${heading ? html`<div class="muted">${heading}</div>` : ''}${lines.length
      ? html`<dl class="diff">${lines.map(
          (l) => html`<dt>${l.label}</dt><dd>${l.before !== undefined && l.after !== undefined
            ? html`<del>${l.before}</del> <span aria-hidden="true">→</span> <ins>${l.after}</ins>`
            : (l.after ?? l.before)}</dd>`,
        )}</dl>`
      : raw.length
        ? ''
        : html`<span class="muted">${t(reader, 'audit.no_change')}</span>`}${raw.length
      ? html`<details class="raw"><summary>${t(reader, 'audit.raw')}</summary>${raw.map(([label, json]) => html`<div class="muted">${label}</div><pre>${pretty(json)}</pre>`)}</details>`
      : ''}`;
}
