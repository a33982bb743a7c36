import { z } from 'zod';
import { Prisma, inTransaction, type Db, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import { addDaysUtc } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, InvalidInputError, type Issue, type MessageParams } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { leadsUnit, scopeFor, type Scope } from '../org/scope.ts';
import { loadRegionIndex, type RegionIndex } from '../regions/locate.ts';
import type { Settings } from '../settings/settings.ts';
import { reserveStoreCodes } from '../stores/code.ts';
import { addressSchema, latSchema, lngSchema, phoneSchema, storeNameSchema, storeStageSchema } from '../stores/fields.ts';
import { nameKey, phoneKey } from '../stores/normalize.ts';
import { issuesFromZod, parse } from '../validation.ts';
import { BULK_CHUNK, KEY_CHUNK, dialectOf, inJson, insertJsonRows, jsonCell, type Column } from './bulk-sql.ts';
import { scanCsv, scanCsvAsync, type CsvEncoding, type CsvRow } from './csv.ts';

/*
 * Stores from a CSV file (console "Stores → Import"): a column mapping, a dry run, then an
 * all-or-nothing apply.
 *
 * Decisions:
 * - A row whose phone or normalised name (nameKey) matches an existing store (not deleted), or an
 *   earlier row of the same file, is a duplicate: it is listed in the duplicate report and SKIPPED
 *   (not created), and the rest of the file still applies. Re-importing a file therefore creates
 *   nothing twice. Merging into the existing store is a deliberate act (the store page), not an import.
 * - Any other problem of any row (a bad value, a point outside every region, an unknown owner, a
 *   full pool) is an error: the preview lists them all with their line and column, and apply refuses
 *   the file until it is fixed. Nothing is ever half-imported.
 * - A store takes its region from its point (lng/lat are required); its owner, if any, is given by
 *   Slack id or e-mail and starts a protection period like any assignment (PRODUCT.md), within the
 *   owner's pool cap. Owners get no Slack notice per store: an import may hand out thousands.
 * - Scope: an admin imports anywhere; a manager only stores whose point lies in a region of its
 *   subtree, owned by people of its subtree (else 403 on apply; the preview shows the rows).
 */

export const storeImportFields = ['name', 'phone', 'address', 'lng', 'lat', 'owner', 'status', 'stage', 'source', 'contactName', 'contactPhone'] as const;
export type StoreImportField = (typeof storeImportFields)[number];
export const requiredImportFields: readonly StoreImportField[] = ['name', 'lng', 'lat'];

/** Which CSV column (by its header) holds each field; unmapped fields are absent. */
export type ColumnMapping = Partial<Record<StoreImportField, string>>;

export const MAX_IMPORT_ROWS = 100_000;
/** How many errors and duplicates a report lists (all are counted). */
export const REPORT_LIMIT = 500;
const SAMPLE_ROWS = 10;

// Header names people use, normalised (lower case, no spaces or punctuation), in order of preference.
const aliases: Record<StoreImportField, string[]> = {
  name: ['name', 'storename', 'store', 'shopname', 'shop', '门店名称', '门店名', '名称', '店名', '店铺名称', '客户名称', '商户名称', '门店', '客户'],
  phone: ['phone', 'tel', 'telephone', 'phonenumber', 'storephone', 'mobile', '电话', '门店电话', '联系电话', '电话号码', '手机', '手机号', '手机号码'],
  address: ['address', 'addr', 'storeaddress', '地址', '门店地址', '详细地址', '店铺地址'],
  lng: ['lng', 'lon', 'long', 'longitude', 'x', '经度'],
  lat: ['lat', 'latitude', 'y', '纬度'],
  owner: ['owner', 'owneremail', 'ownerslackid', 'rep', 'salesrep', '负责人', '归属人', '跟进人', '业务员', '销售', '负责销售'],
  status: ['status', 'storestatus', '状态', '门店状态'],
  stage: ['stage', 'salesstage', '阶段', '销售阶段', '客户阶段'],
  source: ['source', 'leadsource', '来源', '客户来源', '门店来源'],
  contactName: ['contact', 'contactname', 'contactperson', '联系人', '联系人姓名', '联系人名称'],
  contactPhone: ['contactphone', 'contacttel', 'contactmobile', '联系人电话', '联系人手机', '联系人手机号'],
};

const headerKey = (h: string) => h.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
// "经度(lng)", "电话（必填）": the words in brackets say the same again, or something else entirely.
const withoutBrackets = (h: string) => headerKey(h.normalize('NFKC').replace(/\([^)]*\)|\[[^\]]*\]/g, ''));

/** The likely column of each field, from the headers' names in English or Chinese; each column used once. */
export function guessMapping(headers: string[]): ColumnMapping {
  const keys = headers.map((h) => [headerKey(h), withoutBrackets(h)] as const);
  const used = new Set<number>();
  const mapping: ColumnMapping = {};
  for (const field of storeImportFields) {
    for (const alias of aliases[field]) {
      const i = keys.findIndex(([full, bare], idx) => !used.has(idx) && (full === alias || bare === alias));
      if (i >= 0) {
        mapping[field] = headers[i]!;
        used.add(i);
        break;
      }
    }
  }
  return mapping;
}

export const mappingSchema = z.object(
  Object.fromEntries(storeImportFields.map((f) => [f, z.string().trim().max(200).optional()])) as Record<StoreImportField, z.ZodOptional<z.ZodString>>,
);

/** Checks the mapping against the file's headers: required fields mapped, every column named exists. */
export function checkMapping(headers: string[], input: unknown): ColumnMapping {
  const raw = parse(mappingSchema, input);
  const mapping: ColumnMapping = {};
  const issues: Issue[] = [];
  for (const field of storeImportFields) {
    const header = raw[field];
    if (!header) continue;
    if (!headers.includes(header)) issues.push({ path: `mapping.${field}`, key: 'store_import.no_column', params: { column: header } });
    else mapping[field] = header;
  }
  const missing = requiredImportFields.filter((f) => !mapping[f] && !issues.some((i) => i.path === `mapping.${f}`));
  for (const f of missing) issues.push({ path: `mapping.${f}`, key: 'store_import.column_required' });
  if (missing.length) throw new InvalidInputError('store_import.missing_columns', { count: missing.length }, issues);
  if (issues.length) throw new InvalidInputError('store_import.bad_mapping', { count: issues.length }, issues);
  return mapping;
}

// ---- one row ------------------------------------------------------------------------------------

const statusAliases: Record<string, 'active' | 'disabled' | 'invalid'> = {
  active: 'active', 正常: 'active', 有效: 'active', 启用: 'active', 营业: 'active', 营业中: 'active',
  disabled: 'disabled', 停用: 'disabled', 禁用: 'disabled', 停业: 'disabled',
  invalid: 'invalid', 无效: 'invalid',
};
const stageAliases: Record<string, z.infer<typeof storeStageSchema>> = {
  lead: 'lead', 线索: 'lead', 潜在: 'lead',
  contacted: 'contacted', 已接触: 'contacted', 已联系: 'contacted',
  interested: 'interested', 有意向: 'interested', 意向: 'interested',
  negotiating: 'negotiating', 洽谈中: 'negotiating', 谈判中: 'negotiating', 洽谈: 'negotiating',
  signed: 'signed', 已签约: 'signed', 签约: 'signed',
  lost: 'lost', 已流失: 'lost', 流失: 'lost',
};
const aliased = <T extends string>(table: Record<string, T>, values: readonly string[]) =>
  z.string().transform((s, ctx) => {
    const v = table[s.trim().toLowerCase()];
    if (v) return v;
    ctx.addIssue({ code: 'custom', params: { key: 'validation.one_of', values: { values: values.join(', ') } } });
    return z.NEVER;
  });

const rowSchema = z.object({
  name: storeNameSchema,
  phone: phoneSchema.optional(),
  address: addressSchema.optional(),
  lng: lngSchema,
  lat: latSchema,
  owner: z.string().trim().max(120).optional(),
  status: aliased(statusAliases, ['active', 'disabled', 'invalid']).optional(),
  stage: aliased(stageAliases, storeStageSchema.options).optional(),
  source: z.string().trim().min(1).max(40).optional(),
  contactName: z.string().trim().min(1).max(60).optional(),
  contactPhone: phoneSchema.optional(),
});
type RowValues = z.output<typeof rowSchema>;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
/** A number as written ("120.15", "１２０.１５"), or the text itself so that the schema says what is wrong. */
function numberOf(s: string): number | string {
  const t = s.normalize('NFKC').trim();
  return NUMBER.test(t) ? Number(t) : t;
}

const numeric = new Set<StoreImportField>(['lng', 'lat']);
// Phones are often typed with full-width digits or brackets; names and addresses keep what was written.
const folded = new Set<StoreImportField>(['phone', 'contactPhone']);

// ---- the plan -----------------------------------------------------------------------------------

export interface RowProblem {
  line: number;
  /** The CSV column (header) the problem is in; null for the row as a whole. */
  column: string | null;
  key: string;
  params: MessageParams;
}

export interface DuplicateRow {
  line: number;
  name: string;
  matchedOn: 'phone' | 'name';
  /** The existing store it matches, or null when it matches an earlier row of the file. */
  existing: { code: string; name: string } | null;
  /** The earlier row of the file it matches. */
  firstLine: number | null;
}

/** A row ready to become a store. */
interface PlannedStore {
  line: number;
  name: string;
  nameKey: string;
  phone: string | null;
  phoneKey: string | null;
  address: string | null;
  lng: number;
  lat: number;
  regionId: number;
  ownerId: number | null;
  status: 'active' | 'disabled' | 'invalid';
  stage: string;
  source: string;
  contactName: string | null;
  contactPhone: string | null;
}

/** What becomes of each data row of the file (by its position among the rows). */
const CREATE = 1;
const DUPLICATE = 2;
const REFUSED = 3;

/** At most REPORT_LIMIT entries kept; all counted. */
class Report<T> {
  readonly list: T[] = [];
  count = 0;
  add(item: T) {
    this.count++;
    if (this.list.length < REPORT_LIMIT) this.list.push(item);
  }
}

interface Plan {
  encoding: CsvEncoding;
  mapping: ColumnMapping;
  rows: number;
  /** CREATE, DUPLICATE or REFUSED for each data row, in file order. */
  fate: Uint8Array;
  toCreate: number;
  toOwn: number;
  duplicates: Report<DuplicateRow>;
  problems: Report<RowProblem>;
  /** Rows refused because they lie outside the manager's subtree (regions or owners). */
  outOfScope: number;
  /** The first rows to be created. */
  sample: PlannedStore[];
}

interface PersonRef {
  id: number;
  name: string;
  role: string;
  unitId: number | null;
  active: boolean;
}
type People = Awaited<ReturnType<typeof loadPeople>>;

async function loadPeople(db: Db | Tx) {
  const people = await db.person.findMany({ select: { id: true, slackId: true, email: true, name: true, role: true, unitId: true, active: true } });
  const bySlackId = new Map<string, PersonRef>();
  const byEmail = new Map<string, PersonRef[]>();
  const byId = new Map<number, PersonRef>();
  for (const p of people) {
    byId.set(p.id, p);
    if (p.slackId) bySlackId.set(p.slackId, p);
    if (p.email) {
      const k = p.email.trim().toLowerCase();
      byEmail.set(k, [...(byEmail.get(k) ?? []), p]);
    }
  }
  return { bySlackId, byEmail, byId };
}

/** Existing, not deleted stores with any of these keys, the oldest first. */
async function existingByKeys(db: Db | Tx, column: 'nameKey' | 'phoneKey', keys: Iterable<string>): Promise<Map<string, { code: string; name: string }>> {
  const found = new Map<string, { code: string; name: string }>();
  const dialect = dialectOf(db);
  const all = [...keys];
  for (let i = 0; i < all.length; i += KEY_CHUNK) {
    const rows = await db.$queryRaw<{ code: string; name: string; key: string }[]>`
      SELECT s."code", s."name", s.${Prisma.raw(`"${column}"`)} AS "key" FROM "Store" s
      WHERE ${inJson(dialect, Prisma.raw(`s."${column}"`), all.slice(i, i + KEY_CHUNK))} AND s."status" <> 'deleted'
      ORDER BY s."id"`;
    for (const r of rows) if (!found.has(r.key)) found.set(r.key, { code: r.code, name: r.name });
  }
  return found;
}

/** Stores counting toward each person's cap (owned, not yet customers), for many people at once. */
async function heldBy(db: Db | Tx, ownerIds: number[]): Promise<Map<number, number>> {
  if (!ownerIds.length) return new Map();
  const rows = await db.store.groupBy({ by: ['ownerId'], where: { ownerId: { in: ownerIds }, isCustomer: false }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.ownerId!, r._count._all]));
}

/** What every row is checked against, read once. */
interface Context {
  scope: Scope;
  people: People;
  index: RegionIndex;
}

async function loadContext(db: Db | Tx, scope: Scope): Promise<Context> {
  const [people, index] = await Promise.all([loadPeople(db), loadRegionIndex(db)]);
  return { scope, people, index };
}

/**
 * The file's rows with the mapping applied and checked (missing columns refused before any row is
 * read), a slice at a time: the visitor is awaited before the next row is read.
 */
async function scanRows(
  bytes: Buffer,
  mappingInput: unknown,
  visit: (row: CsvRow, read: RowReader) => Promise<void> | void,
): Promise<{ encoding: CsvEncoding; rows: number; mapping: ColumnMapping }> {
  let reader: RowReader | null = null;
  const file = await scanCsvAsync(bytes, { maxRows: MAX_IMPORT_ROWS }, (row, headers) => visit(row, (reader ??= new RowReader(headers, checkMapping(headers, mappingInput)))));
  if (reader === null) {
    checkMapping(file.headers, mappingInput);
    throw new InvalidInputError('store_import.no_rows');
  }
  return { encoding: file.encoding, rows: file.rows, mapping: (reader as RowReader).mapping };
}

/** A row that may be created, waiting for the checks against the database (done a batch at a time). */
interface Candidate {
  at: number;
  line: number;
  name: string;
  nameKey: string;
  phoneKey: string | null;
  ownerId: number | null;
}
const CHECK_BATCH = KEY_CHUNK;

/**
 * Reads and checks every row and decides its fate: created, skipped as a duplicate, or refused with
 * its problems. Keeps the decisions and the keys, not the rows: a 100,000-row file must fit in the
 * memory budget (apply reads the file a second time to write the stores).
 */
async function plan(db: Db | Tx, settings: Settings, ctx: Context, bytes: Buffer, mappingInput: unknown): Promise<Plan> {
  const problems = new Report<RowProblem>();
  const duplicates = new Report<DuplicateRow>();
  let outOfScope = 0;
  let toCreate = 0;
  let toOwn = 0;
  const fates: number[] = [];
  const firstByName = new Map<string, number>();
  const firstByPhone = new Map<string, number>();
  const early: { at: number; store: PlannedStore }[] = [];
  const held = new Map<number, number>();
  let ownerColumn: string | null = null;

  // Against the stores already there; then the pool cap, counting this file's stores in file order.
  let batch: Candidate[] = [];
  const check = async () => {
    const [byName, byPhone] = await Promise.all([
      existingByKeys(db, 'nameKey', batch.map((c) => c.nameKey)),
      existingByKeys(db, 'phoneKey', batch.flatMap((c) => (c.phoneKey ? [c.phoneKey] : []))),
    ]);
    const newOwners = [...new Set(batch.flatMap((c) => (c.ownerId !== null && !held.has(c.ownerId) ? [c.ownerId] : [])))];
    for (const [id, n] of await heldBy(db, newOwners)) held.set(id, n);
    for (const c of batch) {
      const phoneMatch = c.phoneKey ? byPhone.get(c.phoneKey) : undefined;
      const match = phoneMatch ?? byName.get(c.nameKey);
      if (match) {
        duplicates.add({ line: c.line, name: c.name, matchedOn: phoneMatch ? 'phone' : 'name', existing: match, firstLine: null });
        fates[c.at] = DUPLICATE;
        continue;
      }
      if (c.ownerId !== null) {
        const n = held.get(c.ownerId) ?? 0;
        if (n + 1 > settings.poolCap) {
          const name = ctx.people.byId.get(c.ownerId)!.name;
          problems.add({ line: c.line, column: ownerColumn, key: 'pool.cap_reached_other', params: { name, held: n, cap: settings.poolCap } });
          fates[c.at] = REFUSED;
          continue;
        }
        held.set(c.ownerId, n + 1);
        toOwn++;
      }
      fates[c.at] = CREATE;
      toCreate++;
    }
    batch = [];
  };

  const file = await scanRows(bytes, mappingInput, async (row, read) => {
    ownerColumn = read.mapping.owner ?? null;
    const at = fates.length;
    fates.push(REFUSED);
    const s = read.plan(row, ctx, (p) => problems.add(p));
    if (s === 'out_of_scope' || s === null) {
      if (s) outOfScope++;
      return;
    }
    // A row repeating an earlier row of the file is a duplicate of it: the first one wins.
    const byPhone = s.phoneKey ? firstByPhone.get(s.phoneKey) : undefined;
    const byName = firstByName.get(s.nameKey);
    if (byPhone !== undefined || byName !== undefined) {
      duplicates.add({ line: s.line, name: s.name, matchedOn: byPhone !== undefined ? 'phone' : 'name', existing: null, firstLine: byPhone ?? byName! });
      fates[at] = DUPLICATE;
      return;
    }
    firstByName.set(s.nameKey, s.line);
    if (s.phoneKey) firstByPhone.set(s.phoneKey, s.line);
    if (early.length < SAMPLE_ROWS * 2) early.push({ at, store: s });
    batch.push({ at, line: s.line, name: s.name, nameKey: s.nameKey, phoneKey: s.phoneKey, ownerId: s.ownerId });
    if (batch.length === CHECK_BATCH) await check();
  });
  if (batch.length) await check();
  const fate = Uint8Array.from(fates);
  problems.list.sort((a, b) => a.line - b.line);
  duplicates.list.sort((a, b) => a.line - b.line);
  return {
    encoding: file.encoding,
    mapping: file.mapping,
    rows: file.rows,
    fate,
    toCreate,
    toOwn,
    duplicates,
    problems,
    outOfScope,
    sample: early.filter((e) => fate[e.at] === CREATE).map((e) => e.store).slice(0, SAMPLE_ROWS),
  };
}

/** One row of the file as a store, under the mapping; its problems go to `report`. */
class RowReader {
  private readonly columnOf = new Map<StoreImportField, number>();
  private readonly pointColumns: string;

  constructor(
    private readonly headers: string[],
    readonly mapping: ColumnMapping,
  ) {
    for (const f of storeImportFields) if (mapping[f] !== undefined) this.columnOf.set(f, headers.indexOf(mapping[f]!));
    this.pointColumns = `${mapping.lng}, ${mapping.lat}`;
  }

  /** The store the row describes; null when it has a problem, 'out_of_scope' when outside the actor's subtree. */
  plan(row: CsvRow, ctx: Context, report: (p: RowProblem) => void): PlannedStore | 'out_of_scope' | null {
    const { mapping, pointColumns } = this;
    const problem = (column: string | null, key: string, params: MessageParams = {}) => report({ line: row.line, column, key, params });
    const width = this.headers.length;
    if (row.values.length > width && row.values.slice(width).some((v) => v.trim() !== '')) {
      // More values than columns: a comma inside an unquoted value shifted everything after it.
      problem(null, 'store_import.too_many_values', { count: row.values.length, columns: width });
      return null;
    }
    const input: Record<string, unknown> = {};
    for (const [field, i] of this.columnOf) {
      let v = (row.values[i] ?? '').trim();
      if (v === '') continue;
      if (folded.has(field)) v = v.normalize('NFKC');
      input[field] = numeric.has(field) ? numberOf(v) : v;
    }
    const parsed = rowSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of issuesFromZod(parsed.error)) {
        const field = issue.path.split(/[.[]/)[0] as StoreImportField;
        problem(mapping[field] ?? null, issue.key, issue.params);
      }
      return null;
    }
    const v: RowValues = parsed.data;
    let bad = false;
    let outside = false;
    const region = ctx.index.locate(v.lng, v.lat);
    if (!region) {
      problem(pointColumns, 'store.outside_regions', { lng: v.lng, lat: v.lat });
      bad = true;
    } else if (!ctx.scope.all && !ctx.scope.memberUnitIds.includes(region.unitId)) {
      problem(pointColumns, 'store_import.region_outside_scope', { region: region.key });
      outside = true;
    }
    const status = v.status ?? 'active';
    let ownerId: number | null = null;
    if (v.owner !== undefined) {
      const owner = resolveOwner(v.owner, ctx.people, (key, params) => problem(mapping.owner ?? null, key, params));
      if (owner === 'bad') bad = true;
      else if (!leadsUnit(ctx.scope, owner.unitId)) {
        problem(mapping.owner ?? null, 'person.outside_team', { name: owner.name });
        outside = true;
      } else if (status !== 'active') {
        problem(mapping.owner ?? null, 'store_import.owner_needs_active', { status });
        bad = true;
      } else ownerId = owner.id;
    }
    if (v.contactPhone !== undefined && v.contactName === undefined) {
      problem(mapping.contactName ?? mapping.contactPhone ?? null, 'store_import.contact_name_required');
      bad = true;
    }
    if (outside) return 'out_of_scope';
    if (bad || !region) return null;
    return {
      line: row.line,
      name: v.name,
      nameKey: nameKey(v.name),
      phone: v.phone ?? null,
      phoneKey: phoneKey(v.phone),
      address: v.address || null,
      lng: v.lng,
      lat: v.lat,
      regionId: region.id,
      ownerId,
      status,
      stage: v.stage ?? 'lead',
      source: v.source ?? 'import',
      contactName: v.contactName ?? null,
      contactPhone: v.contactPhone ?? null,
    };
  }
}

/** The owner named by Slack id or e-mail, if it may own stores; else 'bad' with the problem reported. */
function resolveOwner(value: string, people: People, problem: (key: string, params?: MessageParams) => void): PersonRef | 'bad' {
  let owner: PersonRef | undefined;
  if (SLACK_ID.test(value)) owner = people.bySlackId.get(value);
  else if (value.includes('@')) {
    const matches = people.byEmail.get(value.toLowerCase()) ?? [];
    if (matches.length > 1) {
      problem('store_import.owner_ambiguous', { value });
      return 'bad';
    }
    owner = matches[0];
  } else {
    problem('store_import.owner_format', { value });
    return 'bad';
  }
  if (!owner) problem('import.no_person', { value });
  else if (!owner.active) problem('person.inactive_target', { name: owner.name });
  else if (owner.role === 'admin') problem('pool.admin_cannot_own');
  else return owner;
  return 'bad';
}

const SLACK_ID = /^[UW][A-Z0-9]{2,20}$/;

// ---- preview and apply --------------------------------------------------------------------------

export interface StoreImportInput {
  /** The uploaded file as it came. */
  bytes: Buffer;
  /** Field → header; checked against the file's headers. */
  mapping: unknown;
  filename?: string;
}

export interface PreviewRow {
  line: number;
  name: string;
  phone: string | null;
  address: string | null;
  lng: number;
  lat: number;
  region: string;
  owner: string | null;
  status: string;
  stage: string;
}

export interface StoreImportPreview {
  encoding: CsvEncoding;
  /** Data rows in the file. */
  rows: number;
  toCreate: number;
  /** Of those, with an owner (a claim history row each). */
  toOwn: number;
  duplicates: { count: number; rows: DuplicateRow[] };
  errors: { count: number; rows: RowProblem[] };
  /** The first stores that would be created. */
  sample: PreviewRow[];
  /** Apply is possible: no row has an error, and there is something to create. */
  canApply: boolean;
}

export interface StoreImportResult {
  created: number;
  owned: number;
  contacts: number;
  skippedDuplicates: number;
}

/** The headers of an uploaded file and the guessed mapping: the mapping step. */
export function readStoreFile(bytes: Buffer): { encoding: CsvEncoding; headers: string[]; rows: number; guess: ColumnMapping } {
  const file = scanCsv(bytes, { maxRows: MAX_IMPORT_ROWS }, () => undefined);
  return { encoding: file.encoding, headers: file.headers, rows: file.rows, guess: guessMapping(file.headers) };
}

/** Only admins and managers import (the console's roles). */
function requireImporter(actor: Actor): void {
  if (actor.role !== 'admin' && actor.role !== 'manager') throw new ForbiddenError('store_import.needs_manager');
}

/** The dry run: what apply would do, every error and duplicate; writes nothing. */
export async function previewStoreImport(deps: Deps, actor: Actor, input: StoreImportInput): Promise<StoreImportPreview> {
  requireImporter(actor);
  const { settings, scope } = await scopeFor(deps.db, actor);
  const ctx = await loadContext(deps.db, scope);
  const p = await plan(deps.db, settings, ctx, input.bytes, input.mapping);
  const regions = new Map(ctx.index.regions.map((r) => [r.id, r]));
  const regionNames = new Map((await deps.db.region.findMany({ select: { id: true, name: true } })).map((r) => [r.id, r.name]));
  return {
    encoding: p.encoding,
    rows: p.rows,
    toCreate: p.toCreate,
    toOwn: p.toOwn,
    duplicates: { count: p.duplicates.count, rows: p.duplicates.list },
    errors: { count: p.problems.count, rows: p.problems.list },
    sample: p.sample.map((s) => ({
      line: s.line,
      name: s.name,
      phone: s.phone,
      address: s.address,
      lng: s.lng,
      lat: s.lat,
      region: regionNames.get(s.regionId) ?? regions.get(s.regionId)?.key ?? '',
      owner: s.ownerId === null ? null : (ctx.people.byId.get(s.ownerId)?.name ?? null),
      status: s.status,
      stage: s.stage,
    })),
    canApply: p.problems.count === 0 && p.toCreate > 0,
  };
}

const col = (name: string, type: Column['type']): Column => ({ name, type });
const storeColumns = [
  col('code', 'text'), col('name', 'text'), col('nameKey', 'text'), col('phone', 'text'), col('phoneKey', 'text'), col('address', 'text'),
  col('lng', 'real'), col('lat', 'real'), col('regionId', 'int'), col('status', 'text'), col('stage', 'text'), col('ownerId', 'int'),
  col('claimedAt', 'date'), col('protectedUntil', 'date'), col('source', 'text'),
];

/**
 * Creates every store of the file in one transaction, or none: refused while any row has an error
 * (ForbiddenError when rows lie outside the manager's subtree). Duplicates are skipped. Writes are
 * bulk INSERTs (bulk-sql.ts): 100,000 stores one by one through the query builder would take minutes.
 */
export async function applyStoreImport(deps: Deps, actor: Actor, input: StoreImportInput): Promise<StoreImportResult> {
  requireImporter(actor);
  const now = deps.clock.now();
  // The file is planned again inside the transaction: stores and pools may have changed since the preview.
  // Not inTransaction's 30 s: that is the whole bench budget of a 100,000-row import, and a slower disk
  // or PostgreSQL must not turn a big, valid import into a timeout.
  return inTransaction(
    deps.db,
    async (tx) => {
      const { settings, scope } = await scopeFor(tx, actor);
      const ctx = await loadContext(tx, scope);
      const p = await plan(tx, settings, ctx, input.bytes, input.mapping);
      if (p.outOfScope) throw new ForbiddenError('store_import.outside_scope', { count: p.outOfScope });
      if (p.problems.count) {
        const issues = p.problems.list.slice(0, 50).map((e) => ({ path: `line ${e.line}${e.column ? ` · ${e.column}` : ''}`, key: e.key, params: e.params }));
        throw new InvalidInputError('store_import.has_errors', { count: p.problems.count }, issues);
      }
      if (!p.toCreate) throw new InvalidInputError('store_import.nothing_to_create', { duplicates: p.duplicates.count });

      const code = await reserveStoreCodes(tx, now, settings.timezone, p.toCreate);
      const protectedUntil = addDaysUtc(now, settings.protectionDays);
      const dialect = dialectOf(tx);
      const [at, until] = [jsonCell(dialect, now), jsonCell(dialect, protectedUntil)];
      // The second reading writes the rows to create, a hundred at a time: memory holds a chunk, not
      // the file. Each row comes out as the first reading planned it (same file, same transaction).
      let stores: unknown[][] = [];
      let contacts: unknown[][] = [];
      let owners: unknown[][] = [];
      const write = async () => {
        const chunk = { stores: JSON.stringify(stores), contacts: JSON.stringify(contacts), owners: JSON.stringify(owners), hasContacts: contacts.length > 0, hasOwners: owners.length > 0 };
        [stores, contacts, owners] = [[], [], []];
        await insertJsonRows(tx, dialect, {
          table: 'Store',
          columns: storeColumns,
          json: chunk.stores,
          same: [
            { column: col('createdById', 'int'), value: actor.id },
            { column: col('createdAt', 'date'), value: now },
            { column: col('updatedAt', 'date'), value: now },
          ],
        });
        if (chunk.hasContacts) {
          await insertJsonRows(tx, dialect, {
            table: 'Contact',
            storeByCode: true,
            columns: [col('name', 'text'), col('phone', 'text')],
            json: chunk.contacts,
            same: [
              { column: col('isPrimary', 'bool'), value: true },
              { column: col('createdAt', 'date'), value: now },
              { column: col('updatedAt', 'date'), value: now },
            ],
          });
        }
        // Every change of owner is a claim-history row (PRODUCT.md): an imported owner is an assignment.
        if (chunk.hasOwners) {
          await insertJsonRows(tx, dialect, {
            table: 'ClaimHistory',
            storeByCode: true,
            columns: [col('toOwnerId', 'int')],
            json: chunk.owners,
            same: [
              { column: col('action', 'text'), value: 'assign' },
              { column: col('actorId', 'int'), value: actor.id },
              { column: col('reason', 'text'), value: 'import' },
              { column: col('protectedUntil', 'date'), value: protectedUntil },
              { column: col('at', 'date'), value: now },
            ],
          });
        }
      };
      let position = 0;
      let created = 0;
      let contactCount = 0;
      await scanRows(input.bytes, input.mapping, async (row, read) => {
        if (p.fate[position++] !== CREATE) return;
        const s = read.plan(row, ctx, () => undefined);
        if (s === null || s === 'out_of_scope') throw new Error(`line ${row.line} changed between the two readings`);
        const c = code(created++);
        const owned = s.ownerId !== null;
        stores.push([c, s.name, s.nameKey, s.phone, s.phoneKey, s.address, s.lng, s.lat, s.regionId, s.status, s.stage, s.ownerId, owned ? at : null, owned ? until : null, s.source]);
        if (s.contactName) {
          contacts.push([c, s.contactName, s.contactPhone]);
          contactCount++;
        }
        if (owned) owners.push([c, s.ownerId]);
        if (stores.length === BULK_CHUNK) await write();
      });
      if (stores.length) await write();
      if (created !== p.toCreate) throw new Error(`planned ${p.toCreate} stores, wrote ${created}`);
      const result: StoreImportResult = { created, owned: p.toOwn, contacts: contactCount, skippedDuplicates: p.duplicates.count };
      // One audit row for the whole file: 100,000 rows of audit would drown the log.
      await audit(tx, {
        actorId: actor.id,
        action: 'store.import',
        entity: 'store',
        entityId: 'import',
        after: { file: input.filename ?? null, encoding: p.encoding, rows: p.rows, ...result, firstCode: code(0), lastCode: code(created - 1) },
        at: now,
      });
      return result;
    },
    { timeoutMs: 300_000 },
  );
}
