import { z } from 'zod';
import { Prisma, type Db } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeVisibleSql } from '../org/scope.ts';
import { parse } from '../validation.ts';
import { nameKey, phoneKey } from './normalize.ts';
import { substringMatchIds } from './substring.ts';

export const searchSchema = z.object({
  text: z.string().trim().min(1).max(100),
  limit: z.number().int().min(1).max(100).default(20),
  /** Only public, active stores the actor may claim (the /claim list). */
  claimable: z.boolean().default(false),
  /** Skip this many results (paging). */
  offset: z.number().int().min(0).max(10_000).default(0),
});
export type SearchInput = z.input<typeof searchSchema>;

export interface StoreHit {
  id: number;
  code: string;
  name: string;
  nameKey: string;
  phone: string | null;
  address: string | null;
  status: string;
  stage: string;
  grade: string;
  ownerId: number | null;
  protectedUntil: Date | null;
  lastVisitAt: Date | null;
  regionId: number | null;
  owner: { id: number; name: string } | null;
  rank: number;
}

type HitRow = Omit<StoreHit, 'owner' | 'rank'> & { ownerName: string | null };

/**
 * Visible stores matching `match` (SQL on "Store" s), by id, with the owner's name. Raw: a search
 * runs up to three of these, and as Prisma queries (with the owner as a second query each) they cost
 * more than the SQL; and the visibility rules must not drive the query (see `storeVisibleSql`).
 */
async function findHits(db: Db, visible: Prisma.Sql, match: Prisma.Sql, take: number): Promise<Omit<StoreHit, 'rank'>[]> {
  const rows = await db.$queryRaw<HitRow[]>`
    SELECT s."id", s."code", s."name", s."nameKey", s."phone", s."address", s."status", s."stage", s."grade",
      s."ownerId", s."protectedUntil", s."lastVisitAt", s."regionId", o."name" AS "ownerName"
    FROM "Store" s LEFT JOIN "Person" o ON o."id" = s."ownerId"
    WHERE ${match} AND ${visible} ORDER BY s."id" LIMIT ${take}`;
  return rows.map(({ ownerName, ...r }) => ({ ...r, owner: r.ownerId === null ? null : { id: r.ownerId, name: ownerName ?? '' } }));
}

/** Everything after the prefix: `abc` → [abc, abc\uffff) is an index range on both databases. */
const prefixRange = (column: string, p: string) => Prisma.sql`${Prisma.raw(`s."${column}"`)} >= ${p} AND ${Prisma.raw(`s."${column}"`)} < ${`${p}\uffff`}`;

/**
 * Finds stores by code, phone or name, within what the actor may see. Ranked: exact code, exact
 * phone, phone prefix, exact name, name prefix, then name substring; ties by name length.
 */
export async function searchStores(deps: Deps, actor: Actor, input: SearchInput): Promise<{ hits: StoreHit[]; more: boolean }> {
  const v = parse(searchSchema, input);
  const { scope } = await scopeFor(deps.db, actor);
  const visible = storeVisibleSql(scope, 's', { claimable: v.claimable });
  const key = nameKey(v.text);
  const code = v.text.trim().toUpperCase();
  const digits = phoneKey(v.text);
  const want = v.offset + v.limit + 1;
  const found = new Map<number, StoreHit>();
  const add = (rows: Omit<StoreHit, 'rank'>[], rank: (r: Omit<StoreHit, 'rank'>) => number) => {
    for (const r of rows) if (!found.has(r.id)) found.set(r.id, { ...r, rank: rank(r) });
  };
  const find = (match: Prisma.Sql) => findHits(deps.db, visible, match, want);

  if (/^CRM\d{3,}/.test(code)) add(await find(prefixRange('code', code)), (r) => (r.code === code ? 0 : 1));
  if (digits && /^[\d\s()+-]+$/.test(v.text)) add(await find(prefixRange('phoneKey', digits)), (r) => (r.phone && phoneKey(r.phone) === digits ? 2 : 3));
  if (key) {
    add(await find(prefixRange('nameKey', key)), (r) => (r.nameKey === key ? 4 : 5));
    if (found.size < want) {
      add(await find(Prisma.sql`s."id" IN (${substringMatchIds(scope, key, { claimable: v.claimable, take: want })})`), () => 6);
    }
  }
  // Within a rank: phone matches in number order, name matches shortest (closest) first.
  const within = (a: StoreHit, b: StoreHit) =>
    a.rank <= 3 ? (a.phone ?? '').localeCompare(b.phone ?? '') : a.name.length - b.name.length;
  const hits = [...found.values()].sort((a, b) => a.rank - b.rank || within(a, b) || a.id - b.id);
  return { hits: hits.slice(v.offset, v.offset + v.limit), more: hits.length > v.offset + v.limit };
}
