import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { InvalidInputError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, type Scope } from '../org/scope.ts';
import { searchStores } from '../stores/search.ts';
import { parse } from '../validation.ts';
import { poolUsage, type PoolUsage } from './cap.ts';
import { addDaysUtc } from '../clock.ts';

// The /claim list: the public, active stores of the actor's regions (optionally matching a text),
// a page at a time, with the actor's pool usage and, per store, the end of the actor's re-claim
// cool-down when one applies. Read-only: claiming is pools.ts's claimStore.

export const claimableSchema = z.object({
  text: z.string().trim().max(100).default(''),
  page: z.number().int().min(0).max(1000).default(0),
  pageSize: z.number().int().min(1).max(50).default(10),
});
export type ClaimableInput = z.input<typeof claimableSchema>;

export interface ClaimableStore {
  id: number;
  code: string;
  name: string;
  address: string | null;
  grade: string;
  lastVisitAt: Date | null;
  /** The actor released this store (or lost it to auto-return) recently: claimable again from then. */
  cooldownUntil: Date | null;
}

export interface ClaimablePage {
  text: string;
  /** The page shown (0-based); clamped to the last page when the list shrank. */
  page: number;
  pageSize: number;
  stores: ClaimableStore[];
  more: boolean;
  /** How many match in all; null for a text search (ranked, not counted). */
  total: number | null;
  usage: PoolUsage;
}

const listSelect = { id: true, code: true, name: true, address: true, grade: true, lastVisitAt: true } as const;

function claimableWhere(scope: Scope) {
  return { ownerId: null, status: 'active', regionId: { in: scope.poolRegionIds } };
}

/** A page of the stores the actor may claim. Admins own no stores and are refused. */
export async function listClaimable(deps: Deps, actor: Actor, input: ClaimableInput = {}): Promise<ClaimablePage> {
  const v = parse(claimableSchema, input);
  if (actor.role === 'admin') throw new InvalidInputError('pool.admin_cannot_own');
  const { settings, scope } = await scopeFor(deps.db, actor);
  const usage = await poolUsage(deps.db, actor.id, settings.poolCap);
  let page = v.page;
  let rows: Omit<ClaimableStore, 'cooldownUntil'>[];
  let more: boolean;
  let total: number | null = null;
  if (!v.text) {
    const where = claimableWhere(scope);
    total = scope.poolRegionIds.length ? await deps.db.store.count({ where }) : 0;
    const last = Math.max(0, Math.ceil(total / v.pageSize) - 1);
    page = Math.min(page, last);
    rows = total
      ? await deps.db.store.findMany({ where, select: listSelect, orderBy: [{ name: 'asc' }, { id: 'asc' }], skip: page * v.pageSize, take: v.pageSize })
      : [];
    more = (page + 1) * v.pageSize < total;
  } else {
    const search = (p: number) => searchStores(deps, actor, { text: v.text, claimable: true, offset: p * v.pageSize, limit: v.pageSize });
    let found = await search(page);
    // The list shrinks as stores are claimed: an empty page after the first shows the one before, or the first.
    if (!found.hits.length && page > 0) {
      page -= 1;
      found = await search(page);
      if (!found.hits.length && page > 0) {
        page = 0;
        found = await search(page);
      }
    }
    rows = found.hits.map((h) => ({ id: h.id, code: h.code, name: h.name, address: h.address, grade: h.grade, lastVisitAt: h.lastVisitAt }));
    more = found.more;
  }
  const cooldowns = await cooldownsOf(deps, actor, settings.reclaimCooldownDays, rows.map((r) => r.id));
  return {
    text: v.text,
    page,
    pageSize: v.pageSize,
    stores: rows.map((r) => ({ ...r, cooldownUntil: cooldowns.get(r.id) ?? null })),
    more,
    total,
    usage,
  };
}

/** Per store, when the actor's re-claim cool-down ends (only stores still in it). */
async function cooldownsOf(deps: Deps, actor: Actor, days: number, storeIds: number[]): Promise<Map<number, Date>> {
  const out = new Map<number, Date>();
  if (days <= 0 || !storeIds.length) return out;
  const now = deps.clock.now();
  const rows = await deps.db.claimHistory.findMany({
    where: { storeId: { in: storeIds }, fromOwnerId: actor.id, action: { in: ['release', 'auto_return'] }, at: { gt: addDaysUtc(now, -days) } },
    select: { storeId: true, at: true },
  });
  for (const r of rows) {
    const until = addDaysUtc(r.at, days);
    const seen = out.get(r.storeId);
    if (!seen || until > seen) out.set(r.storeId, until);
  }
  return out;
}

/** May the actor claim this store now, as far as pool and region go (the card shows Claim then)? */
export async function canClaimHere(deps: Deps, actor: Actor, store: { ownerId: number | null; status: string; regionId: number | null }): Promise<boolean> {
  if (actor.role === 'admin' || store.ownerId !== null || store.status !== 'active' || store.regionId === null) return false;
  const { scope } = await scopeFor(deps.db, actor);
  return scope.poolRegionIds.includes(store.regionId);
}

/**
 * When a person at the cap gets room without releasing anything: the earliest end of protection
 * among its stores that count toward the cap (null when none would end).
 */
export async function poolOpensAt(deps: Deps, actor: Actor): Promise<Date | null> {
  const next = await deps.db.store.findFirst({
    where: { ownerId: actor.id, isCustomer: false, protectedUntil: { not: null } },
    orderBy: { protectedUntil: 'asc' },
    select: { protectedUntil: true },
  });
  return next?.protectedUntil ?? null;
}
