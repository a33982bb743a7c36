import { inTransaction } from '../../db/client.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { pacer } from '../imports/pace.ts';
import { enqueueBulk, type Notice } from '../outbox/outbox.ts';
import { loadSettings } from '../settings/settings.ts';
import { addDays, startOfDay, zonedParts } from '../time/zone.ts';

// Warnings before a private store goes back to the public pool: `returnWarningDays` (3 and 1 days by
// default) before its protection ends, its owner gets one DM per window, with what keeps the store
// (a visit, an extension) and what lets it go (release). Called by the warnings job once a day; a
// second call in the same day, or a catch-up after downtime, sends nothing twice (the dedupe key is
// the store, its protection end and the window).

/** Stores read per statement. */
const PAGE = 1_000;
/** Notices per transaction. */
const BATCH = 100;

/** The dedupe key of a warning: once per store, protection end and window. */
export const warningKey = (storeId: number, protectedUntil: Date, daysBefore: number): string => `warn:${storeId}:${protectedUntil.toISOString()}:${daysBefore}`;

/** Local days from `from`'s day to `to`'s day in tz (0: the same day). */
function daysBetween(from: Date, to: Date, tz: string): number {
  const a = zonedParts(from, tz);
  const b = zonedParts(to, tz);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/**
 * Queues a warning for every private store (not a customer) whose protection ends within
 * `returnWarningDays` days, counted in the company's calendar days: with a daily run, a store ending on
 * the 22nd at 10:00 is warned on the 19th (3 days) and on the 21st (1 day), whatever the hour of the
 * run. The narrowest window a store is in counts, so that after downtime a store ending tomorrow gets
 * the 1-day warning and never a late 3-day one. Returns how many warnings were new.
 */
export async function warnBeforeReturn(deps: Deps, now: Date = deps.clock.now()): Promise<number> {
  const settings = await loadSettings(deps.db);
  const windows = settings.returnWarningDays;
  if (windows.length === 0) return 0;
  const tz = settings.timezone;
  const widest = Math.max(...windows);
  // The end of the widest window's last day.
  const horizon = addDays(startOfDay(now, tz), widest + 1, tz);
  const pace = pacer();
  let written = 0;
  // Onwards by id: each read goes on where the last stopped.
  let after = 0;
  for (;;) {
    await pace();
    const soon = await deps.db.store.findMany({
      where: { id: { gt: after }, ownerId: { not: null }, isCustomer: false, protectedUntil: { gt: now, lt: horizon } },
      select: { id: true, ownerId: true, protectedUntil: true },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    if (soon.length === 0) break;
    after = soon[soon.length - 1]!.id;
    const notices = soon.map((s): Notice => {
      const left = daysBetween(now, s.protectedUntil!, tz);
      const days = Math.min(...windows.filter((d) => left <= d));
      return {
        dedupeKey: warningKey(s.id, s.protectedUntil!, days),
        kind: 'store.return_warning',
        recipientId: s.ownerId!,
        payload: { storeId: s.id, protectedUntil: s.protectedUntil!.toISOString(), days },
      };
    });
    for (let i = 0; i < notices.length; i += BATCH) {
      if (i > 0) await pace();
      written += await inTransaction(deps.db, (tx) => enqueueBulk(tx, notices.slice(i, i + BATCH), now));
    }
    if (soon.length < PAGE) break;
  }
  return written;
}
