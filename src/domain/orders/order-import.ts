import { inTransaction } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, type MessageParams } from '../errors.ts';
import { readCsv, scanCsvAsync, type CsvEncoding, type CsvRow } from '../imports/csv.ts';
import { checkColumns, guessColumns, type ColumnSpec } from '../imports/mapping.ts';
import { dialectOf } from '../imports/bulk-sql.ts';
import { pacer, type Pace } from '../imports/pace.ts';
import { SqliteWorker, sqliteFileOf } from '../imports/sqlite-worker.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive } from '../org/scope.ts';
import { loadSettings } from '../settings/settings.ts';
import { zonedTimeToUtc } from '../time/zone.ts';
import { issuesFromZod } from '../validation.ts';
import { CHANGED, NARROW_CACHE_KIB, SETTINGS_PRINT, commitStagedOrders, type StagedCommitOptions } from './order-staging.ts';
import { MAX_ORDER_AMOUNT, planOrders, writeOrders, orderSchema, type OrderFacts, type OrderField, type OrderPlan } from './orders.ts';

/**
 * Orders from a CSV export of the company's order system: one order per row, amounts in yuan,
 * times on the company's clock. Mapped by column name, checked whole (every bad row reported with
 * its line), then recorded all or nothing exactly as `recordOrders` records them.
 */
export const orderFields = ['orderNo', 'storeCode', 'amount', 'orderedAt'] as const satisfies readonly OrderField[];
export const MAX_ORDER_ROWS = 100_000;

/** Which column (by header name) holds each field. */
export type OrderMapping = Record<OrderField, string>;

// Header names seen in exports, as `headerKey` writes them, in order of preference.
const aliases: Record<OrderField, string[]> = {
  orderNo: ['orderno', 'ordernumber', 'orderid', 'order', 'no', 'number', '订单号', '订单编号', '单号', '订单'],
  storeCode: ['storecode', 'store', 'storeid', 'code', 'customercode', '门店编码', '门店编号', '门店代码', '门店', '客户编码', '客户编号'],
  amount: ['amount', 'amountyuan', 'total', 'totalamount', 'orderamount', 'sum', 'value', '金额', '订单金额', '实付金额', '总金额', '金额元'],
  orderedAt: ['orderedat', 'orderdate', 'ordertime', 'date', 'time', 'datetime', 'createdat', '下单时间', '下单日期', '订单时间', '订单日期', '日期', '时间'],
};

/** The order import's columns: every field needs one, and a column holds one field. */
export const orderColumnSpec: ColumnSpec<OrderField> = {
  fields: orderFields,
  required: orderFields,
  aliases,
  pathPrefix: '',
  messages: {
    missing: 'order.import_mapping',
    invalid: 'order.import_mapping',
    required: 'order.import_column_required',
    unknown: 'order.import_column_unknown',
    twice: 'order.import_column_twice',
  },
};

/** The columns that look like each field, each column used once; fields without a match are left out. */
export const guessMapping = (headers: string[]): Partial<OrderMapping> => guessColumns(orderColumnSpec, headers);

/** The mapping as chosen, checked against the file's headers; issues by field name. */
export const checkMapping = (headers: string[], input: unknown): OrderMapping => checkColumns(orderColumnSpec, headers, input);

/** `128`, `128.5`, `1,280.50`, `¥128.50` yuan → fen; null when it is not such an amount. */
export function parseYuan(s: string): number | null {
  const m = /^[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d{1,12})(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]!.replace(/,/g, '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * `2026-11-22 14:05`, `2026/11/22 14:05:09`, `2026-11-22` (midnight), `2026年11月22日 14:05` on the
 * company's clock; with an offset (`2026-11-22T14:05:00+08:00`, `…Z`) the instant as given.
 */
export function parseOrderTime(s: string, timezone: string): Date | null {
  return orderTimeReader(timezone)(s);
}

/**
 * `parseOrderTime` for many values: the zone's offset is worked out once per local hour (an import
 * of 50,000 rows would otherwise spend seconds in Intl), except in an hour where the offset changes.
 */
export function orderTimeReader(timezone: string): (s: string) => Date | null {
  const hourStart = new Map<string, number | null>();
  const local = (year: number, month: number, day: number, hour: number, minute: number, second: number): number => {
    const key = `${year}-${month}-${day}-${hour}`;
    let start = hourStart.get(key);
    if (start === undefined) {
      const a = zonedTimeToUtc({ year, month, day, hour }, timezone).getTime();
      const b = zonedTimeToUtc({ year, month, day, hour: hour + 1 }, timezone).getTime();
      start = b - a === 3_600_000 ? a : null;
      hourStart.set(key, start);
    }
    return start === null ? zonedTimeToUtc({ year, month, day, hour, minute, second }, timezone).getTime() : start + minute * 60_000 + second * 1000;
  };
  return (s) => {
    const text = s.trim().normalize('NFKC');
    const m =
      /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
    if (!m) return null;
    const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
    const ms = Number((m[7] ?? '').padEnd(3, '0'));
    if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
    const offset = m[8];
    if (offset === undefined) return new Date(local(year, month, day, hour, minute, second) + ms);
    // An offset without a time (`2026-11-22Z`) is not something an export writes.
    if (m[4] === undefined) return null;
    let offsetMin = 0;
    if (offset.toUpperCase() !== 'Z') {
      const o = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
      if (Number(o[2]) > 14 || Number(o[3]) > 59) return null;
      offsetMin = (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]));
    }
    return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000);
  };
}

export interface OrderRowError {
  line: number;
  /** The field whose column holds the bad value; null for the row as a whole. */
  field: OrderField | null;
  column: string | null;
  key: string;
  params: MessageParams;
}

export interface OrderImportRow {
  line: number;
  orderNo: string;
  storeCode: string;
  amount: number;
  orderedAt: Date;
  status: 'new' | 'unchanged';
}

export interface OrderImportReport {
  encoding: CsvEncoding;
  headers: string[];
  mapping: OrderMapping;
  rows: number;
  created: number;
  unchanged: number;
  errors: OrderRowError[];
  /** The first good rows, to check the mapping by eye. */
  sample: OrderImportRow[];
  applied: boolean;
}

/** The file's headers and the guessed mapping: the first step of an import. */
export function inspectOrderFile(actor: Actor, bytes: Buffer) {
  assertAdmin(actor);
  const csv = readCsv(bytes, { maxRows: MAX_ORDER_ROWS });
  return { encoding: csv.encoding, headers: csv.headers, rows: csv.rows.length, mapping: guessMapping(csv.headers) };
}

/** `inspectOrderFile` a slice at a time, giving the event loop its turns (the console's upload step). */
export async function inspectOrderFileAsync(actor: Actor, bytes: Buffer) {
  assertAdmin(actor);
  const pace = pacer();
  let rows = 0;
  const csv = await scanCsvAsync(bytes, { maxRows: MAX_ORDER_ROWS }, () => ((rows++), pace()), pace);
  return { encoding: csv.encoding, headers: csv.headers, rows, mapping: guessMapping(csv.headers) };
}

function assertAdmin(actor: Actor): void {
  assertActive(actor);
  if (actor.role !== 'admin') throw new ForbiddenError('order.needs_admin');
}

interface ParsedFile {
  report: Omit<OrderImportReport, 'created' | 'unchanged' | 'sample' | 'applied'>;
  orders: OrderFacts[];
  lines: number[];
}

/**
 * The file read and checked row by row, a slice at a time: outside any transaction, `pace` gives the
 * event loop its turns (100,000 rows take about a second of parsing and checking).
 */
async function parseFile(bytes: Buffer, mappingInput: unknown, timezone: string, pace: Pace): Promise<ParsedFile> {
  const errors: OrderRowError[] = [];
  const orders: OrderFacts[] = [];
  const lines: number[] = [];
  const readTime = orderTimeReader(timezone);
  let mapping: OrderMapping | undefined;
  let col: Record<OrderField, number> | undefined;
  let rows = 0;
  const visit = (row: CsvRow, headers: string[]) => {
    if (!mapping) {
      mapping = checkMapping(headers, mappingInput);
      col = Object.fromEntries(orderFields.map((f) => [f, headers.indexOf(mapping![f])])) as Record<OrderField, number>;
    }
    rows++;
    checkRow(row, mapping, col!);
    return pace();
  };
  const checkRow = (row: CsvRow, mapping: OrderMapping, col: Record<OrderField, number>) => {
    const value = (f: OrderField) => (row.values[col[f]] ?? '').trim();
    const bad = (field: OrderField, key: string, params: MessageParams = {}) => errors.push({ line: row.line, field, column: mapping[field], key, params });
    const before = errors.length;
    const amountText = value('amount');
    const amount = amountText === '' ? null : parseYuan(amountText);
    if (amountText === '') bad('amount', 'validation.required');
    else if (amount === null) bad('amount', 'order.amount_format', { value: amountText });
    const timeText = value('orderedAt');
    const orderedAt = timeText === '' ? null : readTime(timeText);
    if (timeText === '') bad('orderedAt', 'validation.required');
    else if (orderedAt === null) bad('orderedAt', 'order.time_format', { value: timeText, timezone });
    const r = orderSchema.safeParse({ orderNo: value('orderNo'), storeCode: value('storeCode'), amount: amount ?? 0, orderedAt: orderedAt ?? new Date() });
    if (!r.success) {
      for (const i of issuesFromZod(r.error)) {
        const field = i.path as OrderField;
        if ((field === 'amount' && amount === null) || (field === 'orderedAt' && orderedAt === null)) continue;
        // The limit in yuan, as the file writes amounts.
        if (field === 'amount' && i.key === 'validation.too_big') bad(field, 'order.amount_too_big', { max: MAX_ORDER_AMOUNT / 100 });
        else bad(field, i.key, i.params);
      }
    }
    if (errors.length === before && r.success) {
      orders.push(r.data);
      lines.push(row.line);
    }
  };
  const csv = await scanCsvAsync(bytes, { maxRows: MAX_ORDER_ROWS }, visit, pace);
  // A file of headers only: the mapping is still checked.
  mapping ??= checkMapping(csv.headers, mappingInput);
  return { report: { encoding: csv.encoding, headers: csv.headers, mapping, rows, errors }, orders, lines };
}

function planErrors(plan: OrderPlan, lines: number[], mapping: OrderMapping): OrderRowError[] {
  return plan.problems.map((p) => ({ line: lines[p.index]!, field: p.field, column: mapping[p.field], key: p.key, params: p.params }));
}

const SAMPLE = 20;

function summary(parsed: ParsedFile, plan: OrderPlan, applied: boolean): OrderImportReport {
  const errors = [...parsed.report.errors, ...planErrors(plan, parsed.lines, parsed.report.mapping)].sort((a, b) => a.line - b.line);
  let created = 0;
  let unchanged = 0;
  const sample: OrderImportRow[] = [];
  plan.items.forEach((item, i) => {
    if (item.status === 'problem') return;
    if (item.status === 'new') created++;
    else unchanged++;
    if (sample.length < SAMPLE) sample.push({ line: parsed.lines[i]!, ...item.facts, status: item.status });
  });
  return { ...parsed.report, errors, created, unchanged, sample, applied };
}

/**
 * The dry run: what importing the file with this mapping would do, every bad row with its line.
 * Nothing is written.
 */
export async function previewOrderImport(deps: Deps, actor: Actor, bytes: Buffer, mapping: unknown): Promise<OrderImportReport> {
  assertAdmin(actor);
  const { timezone } = await loadSettings(deps.db);
  const pace = pacer();
  const parsed = await parseFile(bytes, mapping, timezone, pace);
  const plan = await planOrders(deps.db, parsed.orders, { now: deps.clock.now(), label: (i) => lineLabel(parsed.lines[i]!), pace });
  return summary(parsed, plan, false);
}

const lineLabel = (line: number) => `line ${line}`;

/**
 * Imports the file: every order or none. With any bad row, throws InvalidInputError listing each
 * (path `line 12.amount`) and writes nothing. Orders already recorded with the same data are
 * counted as unchanged, so the same file can be imported twice.
 *
 * The file is read, checked and planned outside any transaction, giving the event loop its turns; a
 * file with bad rows is refused there. On a SQLite file the orders are then staged in a worker
 * thread's connection and written by one short transaction there (order-staging.ts), checked again
 * against what changed meanwhile; on PostgreSQL (and an in-memory SQLite) one transaction of this
 * thread plans again and writes.
 */
export async function applyOrderImport(deps: Deps, actor: Actor, bytes: Buffer, mapping: unknown, o: { filename?: string } & StagedCommitOptions = {}): Promise<OrderImportReport> {
  assertAdmin(actor);
  const file = dialectOf(deps.db) === 'sqlite' ? await sqliteFileOf(deps.db) : null;
  if (file === null) return applyInOneTransaction(deps, actor, bytes, mapping, o);
  // Not niced as the store import's worker: here it mostly holds the write lock, and on a busy machine a
  // niced thread held it for seconds (2 s for 5,000 orders), every claim and Slack dedupe row waiting.
  const worker = await SqliteWorker.open(file, { cacheKiB: NARROW_CACHE_KIB, nice: 0 });
  try {
    for (let attempt = 1; ; attempt++) {
      const r = await applyStaged(deps, actor, bytes, mapping, worker, { ...o, attempt });
      if (r !== CHANGED) return r;
      // Settings, stores or orders changed between the plan and the commit: read and plan again.
      if (attempt === MAX_ATTEMPTS) throw new ConflictError('error.generic');
    }
  } finally {
    await worker.close();
  }
}

const MAX_ATTEMPTS = 3;

function refuseBad(report: OrderImportReport): void {
  if (!report.errors.length) return;
  const issues = report.errors.map((e) => ({ path: `${lineLabel(e.line)}${e.field ? `.${e.field}` : ''}`, key: e.key, params: e.params }));
  throw new InvalidInputError('order.import_invalid', { count: issues.length }, issues);
}

const auditAfter = (report: OrderImportReport, filename: string | undefined) => ({
  filename: filename ?? null,
  rows: report.rows,
  created: report.created,
  unchanged: report.unchanged,
  mapping: report.mapping,
});

async function applyStaged(
  deps: Deps,
  actor: Actor,
  bytes: Buffer,
  mapping: unknown,
  worker: SqliteWorker,
  o: { filename?: string; attempt: number } & StagedCommitOptions,
): Promise<OrderImportReport | typeof CHANGED> {
  const now = deps.clock.now();
  // Read before the settings: a change after it shows in the commit's check.
  const settingsPrint = (await worker.get<{ settings: string | null }>(SETTINGS_PRINT))?.settings ?? null;
  const settings = await loadSettings(deps.db);
  const pace = pacer();
  const parsed = await parseFile(bytes, mapping, settings.timezone, pace);
  const plan = await planOrders(deps.db, parsed.orders, { now, label: (i) => lineLabel(parsed.lines[i]!), pace });
  const report = summary(parsed, plan, true);
  refuseBad(report);
  const r = await commitStagedOrders(deps.db, worker, { plan, settings, settingsPrint, now, actorId: actor.id, auditId: now.toISOString(), auditAfter: auditAfter(report, o.filename) }, o);
  return r === CHANGED ? CHANGED : report;
}

/** PostgreSQL and in-memory SQLite: read and checked outside, then planned again and written in one transaction. */
async function applyInOneTransaction(deps: Deps, actor: Actor, bytes: Buffer, mapping: unknown, o: { filename?: string }): Promise<OrderImportReport> {
  const now = deps.clock.now();
  const { timezone } = await loadSettings(deps.db);
  // Read, checked and planned outside any transaction, giving the event loop its turns; a file with
  // bad rows is refused here, before any transaction.
  const pace = pacer();
  const parsed = await parseFile(bytes, mapping, timezone, pace);
  const label = (i: number) => lineLabel(parsed.lines[i]!);
  refuseBad(summary(parsed, await planOrders(deps.db, parsed.orders, { now, label, pace }), true));
  // Then one transaction: planned again (what other requests changed meanwhile counts), written,
  // all or nothing.
  return inTransaction(deps.db, async (tx) => {
    const plan = await planOrders(tx, parsed.orders, { now, label });
    const report = summary(parsed, plan, true);
    refuseBad(report);
    await writeOrders(tx, plan, { actorId: actor.id, now, auditEach: false });
    await audit(tx, { actorId: actor.id, action: 'order.import', entity: 'order_import', entityId: now.toISOString(), after: auditAfter(report, o.filename), at: now });
    return report;
  });
}
