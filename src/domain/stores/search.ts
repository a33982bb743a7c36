import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeWhere } from '../org/scope.ts';
import { parse } from '../validation.ts';
import { nameKey, phoneKey } from './normalize.ts';
import { substringMatches } from './substring.ts';

export const searchSchema = z.object({
  text: z.string().trim().min(1).max(100),
  limit: z.number().int().min(1).max(100).default(20),
  /** Only public, active stores the actor may claim (the /claim list). */
  claimable: z.boolean().default(false),
  /** Skip this many results (paging). */
  offset: z.number().int().min(0).max(10_000).default(0),
});
export type SearchInput = z.input<typeof searchSchema>;

const hitSelect = {
  id: true,
  code: true,
  name: true,
  nameKey: true,
  phone: true,
  address: true,
  status: true,
  stage: true,
  grade: true,
  ownerId: true,
  protectedUntil: true,
  lastVisitAt: true,
  regionId: true,
  owner: { select: { id: true, name: true } },
} as const;

export type StoreHit = Prisma.StoreGetPayload<{ select: typeof hitSelect }> & { rank: number };

/** Everything after the prefix: `abc` → [abc, abc\uffff) is an index range on both databases. */
const prefixRange = (p: string) => ({ gte: p, lt: `${p}\uffff` });

/**
 * Finds stores by code, phone or name, within what the actor may see. Ranked: exact code, exact
 * phone, phone prefix, exact name, name prefix, then name substring; ties by name length.
 */
export async function searchStores(deps: Deps, actor: Actor, input: SearchInput): Promise<{ hits: StoreHit[]; more: boolean }> {
  const v = parse(searchSchema, input);
  const { settings, scope } = await scopeFor(deps.db, actor);
  const visible = v.claimable
    ? { ownerId: null, status: 'active', regionId: { in: scope.poolRegionIds } }
    : { AND: [storeWhere(scope), { status: { not: 'deleted' } }] };
  const key = nameKey(v.text);
  const code = v.text.trim().toUpperCase();
  const digits = phoneKey(v.text);
  const want = v.offset + v.limit + 1;
  const found = new Map<number, StoreHit>();
  const add = (rows: Omit<StoreHit, 'rank'>[], rank: (r: Omit<StoreHit, 'rank'>) => number) => {
    for (const r of rows) if (!found.has(r.id)) found.set(r.id, { ...r, rank: rank(r) });
  };
  const find = (where: Prisma.StoreWhereInput, take = want) =>
    deps.db.store.findMany({ where: { AND: [visible, where] }, select: hitSelect, take, orderBy: { id: 'asc' } });

  if (/^CRM\d{3,}/.test(code)) add(await find({ code: prefixRange(code) }), (r) => (r.code === code ? 0 : 1));
  if (digits && /^[\d\s()+-]+$/.test(v.text)) add(await find({ phoneKey: prefixRange(digits) }), (r) => (r.phone && phoneKey(r.phone) === digits ? 2 : 3));
  if (key) {
    add(await find({ nameKey: prefixRange(key) }), (r) => (r.nameKey === key ? 4 : 5));
    if (found.size < want) {
      const ids = await substringMatches(deps.db, scope, key, { claimable: v.claimable, take: want });
      if (ids.length) add(await find({ id: { in: ids } }), () => 6);
    }
  }
  // Within a rank: phone matches in number order, name matches shortest (closest) first.
  const within = (a: StoreHit, b: StoreHit) =>
    a.rank <= 3 ? (a.phone ?? '').localeCompare(b.phone ?? '') : a.name.length - b.name.length;
  const hits = [...found.values()].sort((a, b) => a.rank - b.rank || within(a, b) || a.id - b.id);
  return { hits: hits.slice(v.offset, v.offset + v.limit), more: hits.length > v.offset + v.limit };
}
