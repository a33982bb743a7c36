import { Prisma, inTransaction } from '../../db/client.ts';
import { auditMany } from '../audit/audit.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeWhere } from '../org/scope.ts';
import { addDays, startOfDay } from '../time/zone.ts';
import { col, dialectOf, inJsonIds, insertRows, KEY_CHUNK } from '../imports/bulk-sql.ts';
import { pacer, type Pace } from '../imports/pace.ts';
import { enqueueBulk, homeRefresh, type Notice } from '../outbox/outbox.ts';

/**
 * Stores per transaction. The sweep runs in the server beside the Slack endpoint: each batch is a
 * few milliseconds of its thread, and the event loop gets a turn between batches (pace.ts). With 500
 * a batch was ~0.5 s of synchronous SQLite and query building, the whole sweep of the bench's 1,131
 * stores ~4 s without one turn.
 */
const BATCH = 100;
/**
 * Returns are told after the last batch, one DM per former owner and one summary per supervisor. A
 * sweep that died before telling is told by the next one: it looks this far back for returns whose
 * notices are not queued yet (the dedupe keys make the look safe to repeat).
 */
const TELL_LOOKBACK_MS = DAY_MS;
/** Stores named in one returns notice; the rest are counted. */
const LISTED = 50;

export interface SweepResult {
  returned: number;
  /** Notices queued for the former owners and their supervisors. */
  notified: number;
}

/**
 * The auto-return sweep as a function of "now": every private store whose protection has ended and
 * that is not a customer goes back to the public pool, with its history and an audit row. Then the
 * former owner is told (one DM for all its stores returned at once) and so is each supervisor (one
 * summary of the team's returns). Safe to run again: already returned stores are no longer private,
 * and notices are keyed by person and sweep. (The warnings before a return are warnings.ts, their own job.)
 */
export async function sweepAutoReturn(deps: Deps, now: Date = deps.clock.now()): Promise<SweepResult> {
  const pace = pacer();
  let returned = 0;
  // Onwards by id: each read goes on where the last stopped instead of scanning from the start again.
  let after = 0;
  for (;;) {
    await pace();
    const due = await deps.db.store.findMany({
      where: { id: { gt: after }, ownerId: { not: null }, isCustomer: false, protectedUntil: { lte: now } },
      select: { id: true, ownerId: true, protectedUntil: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    if (due.length === 0) break;
    after = due[due.length - 1]!.id;
    returned += await inTransaction(deps.db, async (tx) => {
      // Re-checked in the update: a visit or an order that lands meanwhile keeps the store. Raw
      // statements with the ids as one JSON value: Prisma's `in` lists cost far more than the writes.
      const dialect = dialectOf(tx);
      const ids = due.map((s) => s.id);
      // Prisma sets @updatedAt from the wall clock; the raw updates do the same.
      const gone = await tx.$queryRaw<{ id: number | bigint }[]>`
        UPDATE "Store" SET "ownerId" = NULL, "claimedAt" = NULL, "protectedUntil" = NULL, "updatedAt" = ${new Date()}
        WHERE ${inJsonIds(dialect, Prisma.raw('"id"'), ids)} AND "ownerId" IS NOT NULL AND "isCustomer" = false AND "protectedUntil" <= ${now}
        RETURNING "id"`;
      const goneIds = new Set(gone.map((g) => Number(g.id)));
      const rows = due.filter((s) => goneIds.has(s.id));
      await insertRows(tx, dialect, {
        table: 'ClaimHistory',
        columns: [col('storeId', 'int'), col('fromOwnerId', 'int'), col('protectedUntil', 'date')],
        rows: rows.map((s) => [s.id, s.ownerId, s.protectedUntil]),
        same: [
          { column: col('action', 'text'), value: 'auto_return' },
          { column: col('actorId', 'int'), value: null },
          { column: col('reason', 'text'), value: 'protection_ended' },
          { column: col('at', 'date'), value: now },
        ],
      });
      if (goneIds.size) {
        await tx.$executeRaw`UPDATE "FollowUp" SET "status" = 'cancelled', "updatedAt" = ${new Date()}
          WHERE ${inJsonIds(dialect, Prisma.raw('"storeId"'), [...goneIds])} AND "status" = 'open'`;
      }
      await auditMany(tx, rows.map((s) => ({ actorId: null, action: 'store.auto_return', entity: 'store', entityId: s.id, before: { ownerId: s.ownerId, protectedUntil: s.protectedUntil }, after: { ownerId: null }, at: now })));
      return rows.length;
    });
    if (due.length < BATCH) break;
  }
  await pace();
  const notified = await tellReturns(deps, now, pace);
  return { returned, notified };
}

interface ReturnedStore {
  id: number;
  name: string;
  code: string;
  ownerId: number;
  protectedUntil: string | null;
}

/**
 * The notices of the returns of the last day (this sweep's, and any a crashed sweep did not tell): per
 * sweep instant, one to each former owner listing its stores, and one to the supervisor of each
 * owner's unit (the lead of the unit above when the owner leads it) summing up the team's returns.
 * Already queued ones are left as they are.
 */
async function tellReturns(deps: Deps, now: Date, pace: Pace): Promise<number> {
  let rows = await deps.db.claimHistory.findMany({
    where: { action: 'auto_return', at: { gt: new Date(now.getTime() - TELL_LOOKBACK_MS), lte: now }, fromOwnerId: { not: null } },
    select: { at: true, fromOwnerId: true, protectedUntil: true, store: { select: { id: true, name: true, code: true } } },
    orderBy: [{ at: 'asc' }, { storeId: 'asc' }],
  });
  // Returns told one by one before the sweep told them at once (an upgrade's first sweep looks back
  // over them) are not told again.
  const legacyKey = (r: (typeof rows)[number]) => `store.auto_returned:${r.store.id}:${r.protectedUntil?.toISOString()}`;
  const told = new Set<string>();
  for (let i = 0; i < rows.length; i += KEY_CHUNK) {
    const keys = rows.slice(i, i + KEY_CHUNK).map(legacyKey);
    for (const o of await deps.db.outbox.findMany({ where: { dedupeKey: { in: keys } }, select: { dedupeKey: true } })) told.add(o.dedupeKey);
  }
  rows = rows.filter((r) => !told.has(legacyKey(r)));
  if (rows.length === 0) return 0;
  const leadOf = await supervisors(deps, [...new Set(rows.map((r) => r.fromOwnerId!))]);
  const byOwner = new Map<string, { at: Date; ownerId: number; stores: ReturnedStore[] }>();
  const byLead = new Map<string, { at: Date; leadId: number; stores: ReturnedStore[] }>();
  for (const r of rows) {
    const ownerId = r.fromOwnerId!;
    const store: ReturnedStore = { id: r.store.id, name: r.store.name, code: r.store.code, ownerId, protectedUntil: r.protectedUntil?.toISOString() ?? null };
    const ok = `${ownerId}:${r.at.toISOString()}`;
    if (!byOwner.has(ok)) byOwner.set(ok, { at: r.at, ownerId, stores: [] });
    byOwner.get(ok)!.stores.push(store);
    const leadId = leadOf.get(ownerId);
    if (leadId === undefined) continue;
    const lk = `${leadId}:${r.at.toISOString()}`;
    if (!byLead.has(lk)) byLead.set(lk, { at: r.at, leadId, stores: [] });
    byLead.get(lk)!.stores.push(store);
  }
  const notices: Notice[] = [
    ...[...byOwner.values()].map((g): Notice => ({
      dedupeKey: `returned:${g.ownerId}:${g.at.toISOString()}`,
      kind: 'store.auto_returned',
      recipientId: g.ownerId,
      payload: { at: g.at.toISOString(), total: g.stores.length, stores: g.stores.slice(0, LISTED) },
    })),
    ...[...byLead.values()].map((g): Notice => {
      const counts = new Map<number, number>();
      for (const s of g.stores) counts.set(s.ownerId, (counts.get(s.ownerId) ?? 0) + 1);
      return {
        dedupeKey: `returned-team:${g.leadId}:${g.at.toISOString()}`,
        kind: 'store.auto_returned_team',
        recipientId: g.leadId,
        payload: { at: g.at.toISOString(), total: g.stores.length, owners: [...counts].map(([id, count]) => ({ id, count })), stores: g.stores.slice(0, LISTED) },
      };
    }),
  ];
  // Each one told has its Home drawn again after the DM (its pool; a lead's stores returning tonight).
  const homeOf = (n: Notice) => homeRefresh(n.recipientId!, `returned:${String(n.payload.at)}`);
  let written = 0;
  for (let i = 0; i < notices.length; i += BATCH) {
    if (i > 0) await pace();
    const batch = notices.slice(i, i + BATCH);
    written += await inTransaction(deps.db, async (tx) => {
      const told = await enqueueBulk(tx, batch, now);
      await enqueueBulk(tx, batch.map(homeOf), now);
      return told;
    });
  }
  return written;
}

/** Each person's supervisor: the lead of its unit, or of the nearest unit above led by someone else. */
async function supervisors(deps: Deps, personIds: number[]): Promise<Map<number, number>> {
  const [people, units] = await Promise.all([
    deps.db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, unitId: true } }),
    deps.db.orgUnit.findMany({ select: { id: true, parentId: true, leadId: true } }),
  ]);
  const unit = new Map(units.map((u) => [u.id, u]));
  const out = new Map<number, number>();
  for (const p of people) {
    let u = p.unitId === null ? undefined : unit.get(p.unitId);
    // A unit tree is a tree; the bound only guards against a bad row.
    for (let hops = 0; u && hops < 50; hops++) {
      if (u.leadId !== null && u.leadId !== p.id) {
        out.set(p.id, u.leadId);
        break;
      }
      u = u.parentId === null ? undefined : unit.get(u.parentId);
    }
  }
  return out;
}

/**
 * What would return on a given local day if nothing happens before: "37 stores return tomorrow".
 * Scoped to what the actor sees; for leads and admins.
 */
export async function previewAutoReturn(deps: Deps, actor: Actor, day: Date) {
  if (actor.role === 'rep') throw new ForbiddenError('pool.needs_lead');
  const { settings, scope } = await scopeFor(deps.db, actor);
  const tz = actor.timezone ?? settings.timezone;
  const from = startOfDay(day, tz);
  const to = addDays(from, 1, tz);
  const where = { AND: [storeWhere(scope), { ownerId: { not: null }, isCustomer: false, protectedUntil: { gte: from, lt: to } }] };
  const [count, stores] = await Promise.all([
    deps.db.store.count({ where }),
    deps.db.store.findMany({
      where,
      orderBy: { protectedUntil: 'asc' },
      take: 100,
      select: { id: true, code: true, name: true, protectedUntil: true, owner: { select: { id: true, name: true } } },
    }),
  ]);
  return { from, to, count, stores };
}
