import { z } from 'zod';
import type { Db, Prisma } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeWhere, type Scope } from '../org/scope.ts';
import { parse } from '../validation.ts';
import { grades, idSchema, storeStatuses } from './fields.ts';
import { phoneKey, searchKey } from './normalize.ts';
import { storeIdsMatching } from './search.ts';

/** A searched list ranks at most this many stores: enough pages for anyone to look through. */
const CONSOLE_MATCHES = 1_000;

// The console's list of stores: everything the actor may see (PRODUCT.md "Roles and what they see"),
// filtered and paged, with the total. The CSV export (export.ts) takes the same filters.

/** Query-string values: blank means "any". */
const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const optionalId = z.preprocess((v) => (blank(v) === undefined ? undefined : Number(v)), idSchema.optional());

export const storeFilterSchema = z.object({
  /** Part of the name, the code, or the start of the phone number. */
  text: z.preprocess(blank, z.string().trim().max(100).optional()),
  regionId: optionalId,
  ownerId: optionalId,
  /** Without a status, every store but the deleted ones. */
  status: z.preprocess(blank, z.enum(storeStatuses).optional()),
  grade: z.preprocess(blank, z.enum(grades).optional()),
  pool: z.preprocess(blank, z.enum(['public', 'private']).optional()),
});
export type StoreFilter = z.output<typeof storeFilterSchema>;

const listSchema = storeFilterSchema.extend({
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

export interface ConsoleStoreRow {
  id: number;
  code: string;
  name: string;
  phone: string | null;
  address: string | null;
  status: string;
  stage: string;
  grade: string;
  region: string | null;
  owner: string | null;
  ownerId: number | null;
  protectedUntil: Date | null;
  isCustomer: boolean;
  lastVisitAt: Date | null;
  /** When the list is searched: what was typed → what it matched, if the name does not show it. */
  why?: string | null;
}

/** The filter as a Prisma condition, within what the scope sees. */
export function storeFilterWhere(scope: Scope, f: StoreFilter): Prisma.StoreWhereInput {
  const and: Prisma.StoreWhereInput[] = [storeWhere(scope)];
  and.push(f.status ? { status: f.status } : { status: { not: 'deleted' } });
  if (f.regionId) and.push({ regionId: f.regionId });
  if (f.ownerId) and.push({ ownerId: f.ownerId });
  if (f.grade) and.push({ grade: f.grade });
  if (f.pool) and.push({ ownerId: f.pool === 'public' ? null : { not: null } });
  if (f.text) {
    // The name through its normalised key (case, width and punctuation ignored on both databases).
    const or: Prisma.StoreWhereInput[] = [{ code: f.text.toUpperCase() }];
    const key = searchKey(f.text);
    if (key) or.push({ nameKey: { contains: key } });
    const digits = phoneKey(f.text);
    if (digits) or.push({ phoneKey: { startsWith: digits } });
    and.push({ OR: or });
  }
  return { AND: and };
}

export const consoleStoreSelect = {
  id: true,
  code: true,
  name: true,
  phone: true,
  address: true,
  status: true,
  stage: true,
  grade: true,
  ownerId: true,
  protectedUntil: true,
  isCustomer: true,
  lastVisitAt: true,
  region: { select: { name: true } },
  owner: { select: { name: true } },
} as const;

type SelectedStore = Prisma.StoreGetPayload<{ select: typeof consoleStoreSelect }>;

export const consoleStoreRow = (s: SelectedStore): ConsoleStoreRow => ({
  id: s.id,
  code: s.code,
  name: s.name,
  phone: s.phone,
  address: s.address,
  status: s.status,
  stage: s.stage,
  grade: s.grade,
  region: s.region?.name ?? null,
  owner: s.owner?.name ?? null,
  ownerId: s.ownerId,
  protectedUntil: s.protectedUntil,
  isCustomer: s.isCustomer,
  lastVisitAt: s.lastVisitAt,
});

/**
 * A filter with a text, searched as the bot searches (pinyin, initials; at most CONSOLE_MATCHES, best
 * first): the matching ids and the filter on them. Null without a text, or for deleted stores, which
 * the search never finds (`storeFilterWhere` matches their names instead).
 */
export async function searchedFilter(
  deps: Deps,
  actor: Actor,
  scope: Scope,
  f: StoreFilter,
): Promise<{ ids: { id: number; why: string | null }[]; where: Prisma.StoreWhereInput } | null> {
  if (!f.text || f.status === 'deleted') return null;
  const ids = await storeIdsMatching(deps, actor, f.text, CONSOLE_MATCHES);
  return { ids, where: { AND: [storeFilterWhere(scope, { ...f, text: undefined }), { id: { in: ids.map((h) => h.id) } }] } };
}

export async function listConsoleStores(
  deps: Deps,
  actor: Actor,
  input: z.input<typeof listSchema>,
): Promise<{ rows: ConsoleStoreRow[]; total: number; page: number; pageSize: number }> {
  const f = parse(listSchema, input);
  const { scope } = await scopeFor(deps.db, actor);
  const found = await searchedFilter(deps, actor, scope, f);
  if (found) {
    const order = new Map(found.ids.map((h, i) => [h.id, i]));
    const rows = await deps.db.store.findMany({ where: found.where, select: consoleStoreSelect });
    rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const shown = rows.slice((f.page - 1) * f.pageSize, f.page * f.pageSize);
    return { rows: shown.map((r) => ({ ...consoleStoreRow(r), why: found.ids[order.get(r.id)!]!.why })), total: rows.length, page: f.page, pageSize: f.pageSize };
  }
  const where = storeFilterWhere(scope, f);
  const [total, rows] = await Promise.all([
    deps.db.store.count({ where }),
    deps.db.store.findMany({ where, select: consoleStoreSelect, orderBy: { id: 'desc' }, skip: (f.page - 1) * f.pageSize, take: f.pageSize }),
  ]);
  return { rows: rows.map(consoleStoreRow), total, page: f.page, pageSize: f.pageSize };
}

export interface StoreFilterOptions {
  regions: { id: number; name: string }[];
  /** People who own stores the actor sees, or may be given some: the owner filter and transfer targets. */
  people: { id: number; name: string; role: string; active: boolean }[];
}

/** The choices of the filter form and of the batch transfer, within the actor's scope. */
export async function storeFilterOptions(deps: Deps, actor: Actor): Promise<StoreFilterOptions> {
  const { scope } = await scopeFor(deps.db, actor);
  return { regions: await regionsOf(deps.db, scope), people: await peopleOf(deps.db, scope) };
}

async function regionsOf(db: Db, scope: Scope) {
  const ids = [...new Set([...scope.poolRegionIds, ...scope.ownedRegionIds])];
  return db.region.findMany({ where: scope.all ? {} : { id: { in: ids } }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
}

async function peopleOf(db: Db, scope: Scope) {
  return db.person.findMany({
    where: { role: { not: 'admin' }, ...(scope.all ? {} : { id: { in: scope.memberIds } }) },
    select: { id: true, name: true, role: true, active: true },
    orderBy: [{ active: 'desc' }, { name: 'asc' }],
  });
}
