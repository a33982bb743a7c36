import { Prisma, inTransaction, type Tx } from '../../db/client.ts';
import { auditMany } from '../audit/audit.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeWhere } from '../org/scope.ts';
import { loadSettings } from '../settings/settings.ts';
import { addDays, startOfDay } from '../time/zone.ts';
import { col, dialectOf, inJsonIds, insertRows } from '../imports/bulk-sql.ts';
import { pacer, type Pace } from '../imports/pace.ts';
import { enqueueBulk, type Notice } from '../outbox/outbox.ts';

/**
 * Stores per transaction. The sweep runs in the server beside the Slack endpoint: each batch is a
 * few milliseconds of its thread, and the event loop gets a turn between batches (pace.ts). With 500
 * a batch was ~0.5 s of synchronous SQLite and query building, the whole sweep of the bench's 1,131
 * stores ~4 s without one turn.
 */
const BATCH = 100;
/** Stores read per statement for the warnings (they are written BATCH at a time). */
const WARN_PAGE = 1_000;

export interface SweepResult {
  returned: number;
  warned: number;
}

/**
 * The auto-return sweep as a function of "now": every private store whose protection has ended and
 * that is not a customer goes back to the public pool, with its history, an audit row and a notice to
 * the former owner. Stores whose protection ends within a warning window (3 and 1 days by default)
 * get one warning per window. Safe to run again: already returned stores are no longer private, and
 * notices are keyed by store and protection end.
 */
export async function sweepAutoReturn(deps: Deps, now: Date = deps.clock.now()): Promise<SweepResult> {
  const settings = await loadSettings(deps.db);
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
      await enqueueBulk(tx, rows.map((s) => ({
        dedupeKey: `store.auto_returned:${s.id}:${s.protectedUntil!.toISOString()}`,
        kind: 'store.auto_returned',
        recipientId: s.ownerId!,
        payload: { storeId: s.id, protectedUntil: s.protectedUntil!.toISOString() },
      })), now);
      return rows.length;
    });
    if (due.length < BATCH) break;
  }
  const warned = await warnBeforeReturn(deps, now, settings.returnWarningDays, pace);
  return { returned, warned };
}


/** One warning per store, protection end and window: the narrowest window the store is in. */
async function warnBeforeReturn(deps: Deps, now: Date, windows: number[], pace: Pace): Promise<number> {
  if (windows.length === 0) return 0;
  const widest = Math.max(...windows);
  let written = 0;
  let after = 0;
  for (;;) {
    await pace();
    const soon = await deps.db.store.findMany({
      where: { id: { gt: after }, ownerId: { not: null }, isCustomer: false, protectedUntil: { gt: now, lte: new Date(now.getTime() + widest * DAY_MS) } },
      select: { id: true, ownerId: true, protectedUntil: true },
      orderBy: { id: 'asc' },
      take: WARN_PAGE,
    });
    if (soon.length === 0) break;
    after = soon[soon.length - 1]!.id;
    const notices = soon.map((s): Notice => {
      const left = s.protectedUntil!.getTime() - now.getTime();
      const window = Math.min(...windows.filter((d) => left <= d * DAY_MS));
      return {
        dedupeKey: `store.return_warning:${s.id}:${s.protectedUntil!.toISOString()}:${window}`,
        kind: 'store.return_warning',
        recipientId: s.ownerId!,
        payload: { storeId: s.id, protectedUntil: s.protectedUntil!.toISOString(), days: window },
      };
    });
    for (let i = 0; i < notices.length; i += BATCH) {
      if (i > 0) await pace();
      written += await inTransaction(deps.db, (tx) => enqueueBulk(tx, notices.slice(i, i + BATCH), now));
    }
    if (soon.length < WARN_PAGE) break;
  }
  return written;
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
