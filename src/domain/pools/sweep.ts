import { inTransaction, type Tx } from '../../db/client.ts';
import { auditMany } from '../audit/audit.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeWhere } from '../org/scope.ts';
import { loadSettings } from '../settings/settings.ts';
import { addDays, startOfDay } from '../time/zone.ts';

const BATCH = 500;

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
  let returned = 0;
  for (;;) {
    const due = await deps.db.store.findMany({
      where: { ownerId: { not: null }, isCustomer: false, protectedUntil: { lte: now } },
      select: { id: true, ownerId: true, protectedUntil: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    if (due.length === 0) break;
    returned += await inTransaction(deps.db, async (tx) => {
      // Re-checked in the update: a visit or an order that lands meanwhile keeps the store.
      const ids = due.map((s) => s.id);
      await tx.store.updateMany({
        where: { id: { in: ids }, ownerId: { not: null }, isCustomer: false, protectedUntil: { lte: now } },
        data: { ownerId: null, claimedAt: null, protectedUntil: null },
      });
      const gone = await tx.store.findMany({ where: { id: { in: ids }, ownerId: null }, select: { id: true } });
      const goneIds = new Set(gone.map((g) => g.id));
      const rows = due.filter((s) => goneIds.has(s.id));
      await tx.claimHistory.createMany({
        data: rows.map((s) => ({ storeId: s.id, action: 'auto_return', fromOwnerId: s.ownerId, actorId: null, reason: 'protection_ended', protectedUntil: s.protectedUntil, at: now })),
      });
      await tx.followUp.updateMany({ where: { storeId: { in: [...goneIds] }, status: 'open' }, data: { status: 'cancelled' } });
      await auditMany(tx, rows.map((s) => ({ actorId: null, action: 'store.auto_return', entity: 'store', entityId: s.id, before: { ownerId: s.ownerId, protectedUntil: s.protectedUntil }, after: { ownerId: null }, at: now })));
      await insertNotices(tx, rows.map((s) => ({
        dedupeKey: `store.auto_returned:${s.id}:${s.protectedUntil!.toISOString()}`,
        kind: 'store.auto_returned',
        recipientId: s.ownerId!,
        payload: { storeId: s.id, protectedUntil: s.protectedUntil!.toISOString() },
      })), now);
      return rows.length;
    });
    if (due.length < BATCH) break;
  }
  const warned = await warnBeforeReturn(deps, now, settings.returnWarningDays);
  return { returned, warned };
}

/** One warning per store, protection end and window: the narrowest window the store is in. */
async function warnBeforeReturn(deps: Deps, now: Date, windows: number[]): Promise<number> {
  if (windows.length === 0) return 0;
  const widest = Math.max(...windows);
  const soon = await deps.db.store.findMany({
    where: { ownerId: { not: null }, isCustomer: false, protectedUntil: { gt: now, lte: new Date(now.getTime() + widest * DAY_MS) } },
    select: { id: true, ownerId: true, protectedUntil: true },
  });
  const notices = soon.map((s) => {
    const left = s.protectedUntil!.getTime() - now.getTime();
    const window = Math.min(...windows.filter((d) => left <= d * DAY_MS));
    return {
      dedupeKey: `store.return_warning:${s.id}:${s.protectedUntil!.toISOString()}:${window}`,
      kind: 'store.return_warning',
      recipientId: s.ownerId!,
      payload: { storeId: s.id, protectedUntil: s.protectedUntil!.toISOString(), days: window },
    };
  });
  let written = 0;
  for (let i = 0; i < notices.length; i += BATCH) {
    written += await inTransaction(deps.db, (tx) => insertNotices(tx, notices.slice(i, i + BATCH), now));
  }
  return written;
}

async function insertNotices(
  tx: Tx,
  notices: { dedupeKey: string; kind: string; recipientId: number; payload: Record<string, unknown> }[],
  now: Date,
): Promise<number> {
  if (notices.length === 0) return 0;
  const existing = await tx.outbox.findMany({ where: { dedupeKey: { in: notices.map((n) => n.dedupeKey) } }, select: { dedupeKey: true } });
  const seen = new Set(existing.map((e) => e.dedupeKey));
  const fresh = notices.filter((n) => !seen.has(n.dedupeKey));
  if (fresh.length === 0) return 0;
  await tx.outbox.createMany({
    data: fresh.map((n) => ({ dedupeKey: n.dedupeKey, kind: n.kind, recipientId: n.recipientId, payload: JSON.stringify(n.payload), nextAttemptAt: now, createdAt: now })),
  });
  return fresh.length;
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
