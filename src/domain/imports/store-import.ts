import { z } from 'zod';
import { Prisma, inTransaction, type Db, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import { addDaysUtc } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, type Issue, type MessageParams } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { leadsUnit, scopeFor, type Scope } from '../org/scope.ts';
import { parseRing } from '../geo/polygon.ts';
import { loadRegionIndex, RegionIndex, type IndexedRegion } from '../regions/locate.ts';
import type { Settings } from '../settings/settings.ts';
import { reserveStoreCodes } from '../stores/code.ts';
import { addressSchema, latSchema, lngSchema, phoneSchema, storeNameSchema, storeStageSchema } from '../stores/fields.ts';
import { nameKey, phoneKey } from '../stores/normalize.ts';
import { searchKeys } from '../search/keys.ts';
import { dayKey } from '../time/zone.ts';
import { issuesFromZod } from '../validation.ts';
import { BULK_CHUNK, KEY_CHUNK, col, dialectOf, inJson, insertJsonRows, jsonCell, type Column } from './bulk-sql.ts';
import { scanCsv, scanCsvAsync, type CsvEncoding, type CsvRow } from './csv.ts';
import { checkColumns, guessColumns, type ColumnSpec } from './mapping.ts';
import { noPace, pacer, type Pace } from './pace.ts';
import { SqliteWorker, sqliteFileOf, whileTransactionsWait } from './sqlite-worker.ts';

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
 * - The server goes on answering meanwhile (Slack's 3 s, /healthz): the file is read and checked
 *   outside any transaction, a few milliseconds at a time (pace.ts), and on SQLite the stores are
 *   staged in a worker thread's connection and copied in by one short transaction there, re-checked
 *   against what changed since (`applyStaged`). All or nothing still: nothing is visible before that
 *   commit, and a crash or a failed check leaves nothing behind.
 */

export const storeImportFields = ['name', 'phone', 'address', 'lng', 'lat', 'owner', 'status', 'stage', 'source', 'contactName', 'contactPhone'] as const;
export type StoreImportField = (typeof storeImportFields)[number];
export const requiredImportFields = ['name', 'lng', 'lat'] as const satisfies readonly StoreImportField[];

/** Which CSV column (by its header) holds each field; unmapped fields are absent. */
export type ColumnMapping = Partial<Record<StoreImportField, string>>;

export const MAX_IMPORT_ROWS = 100_000;
/** How many errors and duplicates a report lists (all are counted). */
export const REPORT_LIMIT = 500;
const SAMPLE_ROWS = 10;

// Header names people use, as `headerKey` writes them, in order of preference.
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

/** The store import's columns: a store's phone and its contact's may be one column. */
export const storeColumnSpec: ColumnSpec<StoreImportField, (typeof requiredImportFields)[number]> = {
  fields: storeImportFields,
  required: requiredImportFields,
  aliases,
  pathPrefix: 'mapping.',
  messages: {
    missing: 'store_import.missing_columns',
    invalid: 'store_import.bad_mapping',
    required: 'store_import.column_required',
    unknown: 'store_import.no_column',
  },
};

/** The likely column of each field, from the headers' names in English or Chinese; each column used once. */
export const guessMapping = (headers: string[]): ColumnMapping => guessColumns(storeColumnSpec, headers);

/** Checks the mapping against the file's headers: required fields mapped, every column named exists. */
export const checkMapping = (headers: string[], input: unknown): ColumnMapping => checkColumns(storeColumnSpec, headers, input);

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

/** The checks of a batch of rows against the database. */
interface Lookup {
  existing(column: 'nameKey' | 'phoneKey', keys: Iterable<string>): Promise<Map<string, { code: string; name: string }>>;
  held(ownerIds: number[]): Promise<Map<number, number>>;
}

const dbLookup = (db: Db | Tx): Lookup => ({ existing: (column, keys) => existingByKeys(db, column, keys), held: (ids) => heldBy(db, ids) });

/**
 * The same checks on the worker's connection: the statements run off the event loop (on the main
 * thread a batch's lookups are tens of milliseconds of synchronous SQLite), and see the last commit.
 */
const workerLookup = (w: SqliteWorker): Lookup => ({
  async existing(column, keys) {
    const found = new Map<string, { code: string; name: string }>();
    const all = [...keys];
    for (let i = 0; i < all.length; i += KEY_CHUNK) {
      const rows = await w.all<{ code: string; name: string; key: string }>(
        `SELECT s."code", s."name", s."${column}" AS "key" FROM "Store" s
         WHERE s."${column}" IN (SELECT "value" FROM json_each(?)) AND s."status" <> 'deleted' ORDER BY s."id"`,
        [JSON.stringify(all.slice(i, i + KEY_CHUNK))],
      );
      for (const r of rows) if (!found.has(r.key)) found.set(r.key, { code: r.code, name: r.name });
    }
    return found;
  },
  async held(ownerIds) {
    if (!ownerIds.length) return new Map();
    const rows = await w.all<{ ownerId: number; n: number }>(
      `SELECT "ownerId", count(*) AS "n" FROM "Store" WHERE "ownerId" IN (SELECT "value" FROM json_each(?)) AND "isCustomer" = 0 GROUP BY "ownerId"`,
      [JSON.stringify(ownerIds)],
    );
    return new Map(rows.map((r) => [r.ownerId, r.n]));
  },
});

/** What every row is checked against, read once. */
interface Context {
  scope: Scope;
  people: People;
  index: RegionIndex;
}

async function loadContext(db: Db | Tx, scope: Scope, pace: Pace = noPace, worker?: SqliteWorker): Promise<Context> {
  const people = await loadPeople(db);
  await pace();
  const index = worker ? await regionIndexOf(worker, pace) : await loadRegionIndex(db);
  await pace();
  return { scope, people, index };
}

/**
 * loadRegionIndex, read on the worker's connection and parsed a region at a time: on a server's first
 * import, reading and parsing 200 outlines through Prisma was 50 ms of its thread in one go.
 */
async function regionIndexOf(worker: SqliteWorker, pace: Pace): Promise<RegionIndex> {
  const rows = await worker.all<Omit<IndexedRegion, 'ring'> & { polygon: string }>(
    `SELECT "id", "key", "unitId", "polygon", "minLng", "minLat", "maxLng", "maxLat" FROM "Region" ORDER BY "id"`,
  );
  const regions: IndexedRegion[] = [];
  for (const { polygon, ...r } of rows) {
    regions.push({ ...r, ring: parseRing(JSON.parse(polygon)) });
    await pace();
  }
  return new RegionIndex(regions);
}

/**
 * The file's rows with the mapping applied and checked (missing columns refused before any row is
 * read), a slice at a time: the visitor is awaited before the next row is read.
 */
async function scanRows(
  bytes: Buffer,
  mappingInput: unknown,
  visit: (row: CsvRow, read: RowReader) => Promise<void> | void,
  pace?: Pace,
): Promise<{ encoding: CsvEncoding; rows: number; mapping: ColumnMapping }> {
  let reader: RowReader | null = null;
  const file = await scanCsvAsync(bytes, { maxRows: MAX_IMPORT_ROWS }, (row, headers) => visit(row, (reader ??= new RowReader(headers, checkMapping(headers, mappingInput)))), pace);
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
  /** The row itself, kept only while its batch waits when the caller takes the stores as they are decided. */
  store: PlannedStore | null;
}
const CHECK_BATCH = KEY_CHUNK;

interface PlanOptions {
  /** Called every row and every batch: gives the event loop its turns (never inside a SQLite transaction). */
  pace?: Pace;
  /** Each store to create, in file order, as soon as its fate is decided (stores of a file that turns out to have errors included). */
  onCreate?: (store: PlannedStore) => Promise<void> | void;
  /** Where the batches are checked; `db` by default. */
  lookup?: Lookup;
}

/**
 * Reads and checks every row and decides its fate: created, skipped as a duplicate, or refused with
 * its problems. Keeps the decisions and the keys, not the rows: a 100,000-row file must fit in the
 * memory budget (the rows to create go to `onCreate` as they are decided, or are read again).
 */
async function plan(db: Db | Tx, settings: Settings, ctx: Context, bytes: Buffer, mappingInput: unknown, o: PlanOptions = {}): Promise<Plan> {
  const pace = o.pace ?? noPace;
  const onCreate = o.onCreate;
  const lookup = o.lookup ?? dbLookup(db);
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
      lookup.existing('nameKey', batch.map((c) => c.nameKey)),
      lookup.existing('phoneKey', batch.flatMap((c) => (c.phoneKey ? [c.phoneKey] : []))),
    ]);
    const newOwners = [...new Set(batch.flatMap((c) => (c.ownerId !== null && !held.has(c.ownerId) ? [c.ownerId] : [])))];
    for (const [id, n] of await lookup.held(newOwners)) held.set(id, n);
    for (const c of batch) {
      await pace();
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
      if (onCreate) await onCreate(c.store!);
    }
    batch = [];
  };

  const file = await scanRows(bytes, mappingInput, async (row, read) => {
    await pace();
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
    batch.push({ at, line: s.line, name: s.name, nameKey: s.nameKey, phoneKey: s.phoneKey, ownerId: s.ownerId, store: onCreate ? s : null });
    if (batch.length === CHECK_BATCH) await check();
  }, o.pace);
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

/**
 * `readStoreFile` a slice at a time, giving the event loop its turns: the whole file is parsed to count
 * its rows (about a second for 100,000), which the console's upload step should not do in one go.
 */
export async function readStoreFileAsync(bytes: Buffer): Promise<{ encoding: CsvEncoding; headers: string[]; rows: number; guess: ColumnMapping }> {
  const pace = pacer();
  const file = await scanCsvAsync(bytes, { maxRows: MAX_IMPORT_ROWS }, () => pace(), pace);
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
  // Outside any transaction: the dry run of a big file gives the event loop its turns.
  const pace = pacer();
  const ctx = await loadContext(deps.db, scope, pace);
  const p = await plan(deps.db, settings, ctx, input.bytes, input.mapping, { pace });
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

const storeInsertColumns = [
  col('code', 'text'), col('name', 'text'), col('nameKey', 'text'), col('phone', 'text'), col('phoneKey', 'text'), col('address', 'text'),
  col('lng', 'real'), col('lat', 'real'), col('regionId', 'int'), col('status', 'text'), col('stage', 'text'), col('ownerId', 'int'),
  col('claimedAt', 'date'), col('protectedUntil', 'date'), col('source', 'text'), col('pinyinKey', 'text'), col('initialsKey', 'text'),
];

/**
 * Creates every store of the file, or none: refused while any row has an error (ForbiddenError when
 * rows lie outside the manager's subtree). Duplicates are skipped.
 *
 * A 100,000-row file is seconds of work, which must not hold the server's one thread (Slack wants its
 * acks within 3 s, /healthz answers load balancers). On a SQLite file (`applyStaged`): the rows are
 * read and checked outside any transaction, giving the event loop a turn every few milliseconds, and
 * go to a TEMP table of a worker thread's connection; then, in ONE short transaction of that
 * connection, they are checked again against what changed meanwhile and copied into the tables. On
 * PostgreSQL (and an in-memory SQLite, which a second connection cannot see) it is one transaction
 * of this thread, as before (`applyInOneTransaction`); on PostgreSQL paced (its connection is its own).
 */
export async function applyStoreImport(deps: Deps, actor: Actor, input: StoreImportInput, o: ApplyOptions = {}): Promise<StoreImportResult> {
  requireImporter(actor);
  const file = dialectOf(deps.db) === 'sqlite' ? await sqliteFileOf(deps.db) : null;
  if (file === null) return applyInOneTransaction(deps, actor, input);
  const worker = await SqliteWorker.open(file, { cacheKiB: NARROW_CACHE_KIB });
  try {
    for (let attempt = 1; ; attempt++) {
      const r = await applyStaged(deps, actor, input, worker, { ...o, attempt });
      if (r !== CHANGED) return r;
      // Regions, settings, owners or pools changed between the checks and the commit: check again
      // (the next reading reports what is now wrong with the file by line, or applies it).
      if (attempt === MAX_ATTEMPTS) throw new ConflictError('error.generic');
    }
  } finally {
    await worker.close();
  }
}

export interface ApplyOptions {
  /**
   * Tests, on a SQLite file: runs once the file is checked and staged, just before the commit of each
   * attempt — what other requests may do meanwhile.
   */
  beforeCommit?: (attempt: number) => Promise<void> | void;
  /**
   * Benchmarks, on a SQLite file: how long the commit kept this process's other transactions waiting
   * (the worker's write transaction and its checkpoint), and how many attempts it took.
   */
  committed?: (facts: { holdMs: number; attempts: number }) => void;
}

/** Refuses the file unless every row is fine and at least one store is to be created. */
function refuseUnlessClean(p: Plan): void {
  if (p.outOfScope) throw new ForbiddenError('store_import.outside_scope', { count: p.outOfScope });
  if (p.problems.count) {
    const issues = p.problems.list.slice(0, 50).map((e) => ({ path: `line ${e.line}${e.column ? ` · ${e.column}` : ''}`, key: e.key, params: e.params }));
    throw new InvalidInputError('store_import.has_errors', { count: p.problems.count }, issues);
  }
  if (!p.toCreate) throw new InvalidInputError('store_import.nothing_to_create', { duplicates: p.duplicates.count });
}

const CHANGED = Symbol('changed');
const MAX_ATTEMPTS = 3;
/** The worker's page cache (KiB), and for the commit of a big file (KiB, from how many rows). */
const NARROW_CACHE_KIB = 16_384;
const WIDE_CACHE_KIB = 65_536;
const WIDE_CACHE_FROM = 20_000;
/** Rows per message to the worker, and messages on their way at most (memory holds a few chunks, not the file). */
const STAGE_CHUNK = 1_000;
const STAGE_IN_FLIGHT = 4;

// The staged stores: a TEMP table of the worker's connection, gone with it.
const stageColumns = ['n', 'line', 'name', 'nameKey', 'phone', 'phoneKey', 'address', 'lng', 'lat', 'regionId', 'status', 'stage', 'ownerId', 'source', 'contactName', 'contactPhone', 'pinyinKey', 'initialsKey'] as const;
const q = (names: readonly string[]) => names.map((c) => `"${c}"`).join(', ');
const STAGE_TABLE = `DROP TABLE IF EXISTS temp."import_rows";
  CREATE TEMP TABLE "import_rows" ("n" INTEGER PRIMARY KEY, "line" INTEGER NOT NULL, "name" TEXT NOT NULL, "nameKey" TEXT NOT NULL,
    "phone" TEXT, "phoneKey" TEXT, "address" TEXT, "lng" REAL NOT NULL, "lat" REAL NOT NULL, "regionId" INTEGER NOT NULL,
    "status" TEXT NOT NULL, "stage" TEXT NOT NULL, "ownerId" INTEGER, "source" TEXT NOT NULL, "contactName" TEXT, "contactPhone" TEXT,
    "pinyinKey" TEXT NOT NULL, "initialsKey" TEXT NOT NULL)`;
const STAGE_INSERT = `INSERT INTO temp."import_rows" (${q(stageColumns)}) VALUES (${stageColumns.map(() => '?').join(', ')})`;

/**
 * What a plan rests on besides the stores: regions (each row's region), the org tree (a manager's
 * scope) and the settings (pool cap, protection, time zone). Read before the plan and again inside the
 * commit; any difference means planning again.
 */
const FINGERPRINT = `SELECT
  (SELECT group_concat("x", ';') FROM (SELECT "id" || ',' || "unitId" || ',' || "polygon" AS "x" FROM "Region" ORDER BY "id")) AS "regions",
  (SELECT group_concat("x", ';') FROM (SELECT "id" || ',' || ifnull("parentId", '') AS "x" FROM "OrgUnit" ORDER BY "id")) AS "units",
  (SELECT group_concat("x", ';') FROM (SELECT "key" || '=' || "value" AS "x" FROM "Setting" ORDER BY "key")) AS "settings"`;
type Fingerprint = { regions: string | null; units: string | null; settings: string | null } | null;
const sameFingerprint = (a: Fingerprint, b: Fingerprint) => a?.regions === b?.regions && a?.units === b?.units && a?.settings === b?.settings;

/** An owner who may no longer own stores (left, became an admin, moved out of the manager's scope). */
const OWNER_GONE = `WITH "o" AS (SELECT DISTINCT "ownerId" FROM temp."import_rows" WHERE "ownerId" IS NOT NULL)
  SELECT "o"."ownerId" FROM "o" LEFT JOIN "Person" p ON p."id" = "o"."ownerId"
  WHERE p."id" IS NULL OR p."active" = 0 OR p."role" = 'admin'
     OR (@units IS NOT NULL AND (p."unitId" IS NULL OR p."unitId" NOT IN (SELECT "value" FROM json_each(@units))))
  LIMIT 1`;
/** Rows that a store created since the checks now duplicates: skipped, as duplicates are. */
const LATE_DUPLICATES = `DELETE FROM temp."import_rows" WHERE
  EXISTS (SELECT 1 FROM "Store" s WHERE s."nameKey" = "import_rows"."nameKey" AND s."status" <> 'deleted')
  OR ("phoneKey" IS NOT NULL AND EXISTS (SELECT 1 FROM "Store" s WHERE s."phoneKey" = "import_rows"."phoneKey" AND s."status" <> 'deleted'))
  RETURNING "ownerId", "contactName"`;
const STAGED_RANGE = `SELECT min("n") AS "first", max("n") AS "last" FROM temp."import_rows"`;
/** An owner whose pool the file would now take past the cap (claims since the checks). */
const OVER_CAP = `SELECT "o"."ownerId" FROM (SELECT "ownerId", count(*) AS "adding" FROM temp."import_rows" WHERE "ownerId" IS NOT NULL GROUP BY "ownerId") "o"
  WHERE "o"."adding" + (SELECT count(*) FROM "Store" s WHERE s."ownerId" = "o"."ownerId" AND s."isCustomer" = 0) > @cap
  LIMIT 1`;
/**
 * As reserveStoreCodes: the day's counter jumps by the number of staged rows, atomically; the row
 * staged n-th gets the n-th code (a row dropped as a late duplicate leaves its number unused).
 */
const RESERVE_CODES = `INSERT INTO "StoreCodeSeq" ("day", "last") VALUES (@day, @count)
  ON CONFLICT ("day") DO UPDATE SET "last" = "last" + excluded."last" RETURNING "last"`;
/** CRM + day + the counter padded to 4 digits (as `code(i)`), of the row staged n-th. */
const codeOf = (n: string) => `@prefix || printf('%04d', @first + ${n})`;
const INSERT_STORES = `INSERT INTO "Store" (${q([...storeInsertColumns.map((c) => c.name), 'createdById', 'createdAt', 'updatedAt'])})
  SELECT ${codeOf('"n"')}, "name", "nameKey", "phone", "phoneKey", "address", "lng", "lat", "regionId", "status", "stage", "ownerId",
    CASE WHEN "ownerId" IS NULL THEN NULL ELSE @at END, CASE WHEN "ownerId" IS NULL THEN NULL ELSE @until END, "source", "pinyinKey", "initialsKey", @actor, @at, @at
  FROM temp."import_rows" ORDER BY "n"`;
const INSERT_CONTACTS = `INSERT INTO "Contact" ("storeId", "name", "phone", "isPrimary", "createdAt", "updatedAt")
  SELECT s."id", g."contactName", g."contactPhone", 1, @at, @at FROM temp."import_rows" g JOIN "Store" s ON s."code" = ${codeOf('g."n"')}
  WHERE g."contactName" IS NOT NULL ORDER BY g."n"`;
// Every change of owner is a claim-history row (PRODUCT.md): an imported owner is an assignment.
const INSERT_HISTORY = `INSERT INTO "ClaimHistory" ("storeId", "action", "toOwnerId", "actorId", "reason", "protectedUntil", "at")
  SELECT s."id", 'assign', g."ownerId", @actor, 'import', @until, @at FROM temp."import_rows" g JOIN "Store" s ON s."code" = ${codeOf('g."n"')}
  WHERE g."ownerId" IS NOT NULL ORDER BY g."n"`;
const INSERT_AUDIT = `INSERT INTO "AuditLog" ("actorId", "action", "entity", "entityId", "before", "after", "at") VALUES (?, 'store.import', 'store', 'import', NULL, ?, ?)`;

/**
 * One attempt on a SQLite file: plan and stage (no transaction, paced), then commit in the worker.
 * CHANGED when what the plan relied on changed before the commit (nothing written).
 */
async function applyStaged(deps: Deps, actor: Actor, input: StoreImportInput, worker: SqliteWorker, o: ApplyOptions & { attempt?: number }): Promise<StoreImportResult | typeof CHANGED> {
  const now = deps.clock.now();
  const pace = pacer();
  const before = await worker.get<Fingerprint>(FINGERPRINT);
  const { settings, scope } = await scopeFor(deps.db, actor);
  const ctx = await loadContext(deps.db, scope, pace, worker);
  await worker.exec(STAGE_TABLE);

  let rows: unknown[][] = [];
  let staged = 0;
  let stagedOwned = 0;
  let stagedContacts = 0;
  const inFlight: Promise<void>[] = [];
  const send = async (all = false) => {
    if (rows.length) {
      const sending = worker.insertMany(STAGE_INSERT, rows);
      sending.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      inFlight.push(sending);
      rows = [];
    }
    while (inFlight.length > (all ? 0 : STAGE_IN_FLIGHT)) await inFlight.shift();
  };
  const p = await plan(deps.db, settings, ctx, input.bytes, input.mapping, {
    pace,
    lookup: workerLookup(worker),
    onCreate: async (s) => {
      // The search keys where a row is written, not where it is planned: the plan reads every row twice.
      const k = searchKeys(s.name);
      rows.push([staged++, s.line, s.name, s.nameKey, s.phone, s.phoneKey, s.address, s.lng, s.lat, s.regionId, s.status, s.stage, s.ownerId, s.source, s.contactName, s.contactPhone, k.pinyinKey, k.initialsKey]);
      if (s.ownerId !== null) stagedOwned++;
      if (s.contactName) stagedContacts++;
      if (rows.length === STAGE_CHUNK) await send();
    },
  });
  refuseUnlessClean(p);
  await send(true);
  if (staged !== p.toCreate) throw new Error(`planned ${p.toCreate} stores, staged ${staged}`);
  await o.beforeCommit?.(o.attempt ?? 1);

  const day = dayKey(now, settings.timezone);
  const at = jsonCell('sqlite', now);
  const until = jsonCell('sqlite', addDaysUtc(now, settings.protectionDays));
  const prefix = `CRM${day}`;
  let held = 0;
  let holdMs = 0;
  let checkpointed: Promise<unknown> = Promise.resolve();
  const result = await whileTransactionsWait(deps.db, async () => {
    held = performance.now();
    // Inserting 100,000 stores touches most pages of Store's six indexes: with the page cache widened
    // for the commit (and narrowed again after) the commit took half as long.
    if (staged >= WIDE_CACHE_FROM) await worker.exec(`PRAGMA cache_size = -${WIDE_CACHE_KIB}`);
    await worker.exec('BEGIN IMMEDIATE');
    let committed = false;
    try {
      if (!sameFingerprint(before, await worker.get<Fingerprint>(FINGERPRINT))) return CHANGED;
      if (await worker.get(OWNER_GONE, { units: scope.all ? null : JSON.stringify(scope.memberUnitIds) })) return CHANGED;
      const late = await worker.all<{ ownerId: number | null; contactName: string | null }>(LATE_DUPLICATES);
      const created = staged - late.length;
      if (created === 0) return CHANGED;
      if (await worker.get(OVER_CAP, { cap: settings.poolCap })) return CHANGED;

      const { last } = (await worker.get<{ last: number }>(RESERVE_CODES, { day, count: staged }))!;
      const first = last - staged + 1;
      const code = (n: number) => `${prefix}${String(first + n).padStart(4, '0')}`;
      await worker.run(INSERT_STORES, { prefix, first, actor: actor.id, at, until });
      await worker.run(INSERT_CONTACTS, { prefix, first, at });
      await worker.run(INSERT_HISTORY, { prefix, first, actor: actor.id, at, until });
      const result: StoreImportResult = {
        created,
        owned: stagedOwned - late.filter((r) => r.ownerId !== null).length,
        contacts: stagedContacts - late.filter((r) => r.contactName !== null).length,
        skippedDuplicates: p.duplicates.count + late.length,
      };
      const range = (await worker.get<{ first: number; last: number }>(STAGED_RANGE))!;
      // One audit row for the whole file: 100,000 rows of audit would drown the log.
      const after = { file: input.filename ?? null, encoding: p.encoding, rows: p.rows, ...result, firstCode: code(range.first), lastCode: code(range.last) };
      await worker.run(INSERT_AUDIT, [actor.id, JSON.stringify(after), at]);
      await worker.exec('COMMIT');
      committed = true;
      if (staged >= WIDE_CACHE_FROM) await worker.exec(`PRAGMA cache_size = -${NARROW_CACHE_KIB}`);
      // The log now holds the whole import. The worker copies it into the database file, off the event
      // loop; once it has begun, the transactions of this thread may go on (the next commit's own
      // checkpoint finds the worker at it and leaves it be, instead of copying it all on this thread).
      const checkpoint = worker.checkpointInBackground();
      checkpointed = checkpoint.done.catch(() => undefined);
      await checkpoint.started;
      return result;
    } finally {
      if (!committed) await worker.exec('ROLLBACK').catch(() => undefined);
      holdMs = performance.now() - held;
    }
  });
  await checkpointed;
  if (result !== CHANGED) o.committed?.({ holdMs, attempts: o.attempt ?? 1 });
  return result;
}

/**
 * The whole import in one transaction of this thread: PostgreSQL (paced: the transaction has its own
 * connection, other requests run between its statements) and in-memory SQLite (not paced).
 * Writes are bulk INSERTs (bulk-sql.ts): 100,000 stores one by one through the query builder would take minutes.
 */
async function applyInOneTransaction(deps: Deps, actor: Actor, input: StoreImportInput): Promise<StoreImportResult> {
  const now = deps.clock.now();
  const pace = dialectOf(deps.db) === 'postgresql' ? pacer() : noPace;
  // The file is planned again inside the transaction: stores and pools may have changed since the preview.
  // Not inTransaction's 30 s: that is the whole bench budget of a 100,000-row import, and a slower disk
  // or PostgreSQL must not turn a big, valid import into a timeout.
  return inTransaction(
    deps.db,
    async (tx) => {
      const { settings, scope } = await scopeFor(tx, actor);
      const ctx = await loadContext(tx, scope, pace);
      const p = await plan(tx, settings, ctx, input.bytes, input.mapping, { pace });
      refuseUnlessClean(p);

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
          columns: storeInsertColumns,
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
        await pace();
        if (p.fate[position++] !== CREATE) return;
        const s = read.plan(row, ctx, () => undefined);
        if (s === null || s === 'out_of_scope') throw new Error(`line ${row.line} changed between the two readings`);
        const c = code(created++);
        const owned = s.ownerId !== null;
        const k = searchKeys(s.name);
        stores.push([c, s.name, s.nameKey, s.phone, s.phoneKey, s.address, s.lng, s.lat, s.regionId, s.status, s.stage, s.ownerId, owned ? at : null, owned ? until : null, s.source, k.pinyinKey, k.initialsKey]);
        if (s.contactName) {
          contacts.push([c, s.contactName, s.contactPhone]);
          contactCount++;
        }
        if (owned) owners.push([c, s.ownerId]);
        if (stores.length === BULK_CHUNK) await write();
      }, pace);
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
