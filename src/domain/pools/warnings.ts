import { inTransaction } from '../../db/client.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { pacer } from '../imports/pace.ts';
import { enqueueBulk, type Notice } from '../outbox/outbox.ts';
import { loadSettings } from '../settings/settings.ts';

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

/**
 * Queues a warning for every private store (not a customer) whose protection ends within a window of
 * `returnWarningDays` after `now`: the narrowest window it is in, so that a store 20 hours from its end
 * gets the 1-day warning and never a late 3-day one. Returns how many warnings were new.
 */
export async function warnBeforeReturn(deps: Deps, now: Date = deps.clock.now()): Promise<number> {
  const windows = (await loadSettings(deps.db)).returnWarningDays;
  if (windows.length === 0) return 0;
  const widest = Math.max(...windows);
  const pace = pacer();
  let written = 0;
  // Onwards by id: each read goes on where the last stopped.
  let after = 0;
  for (;;) {
    await pace();
    const soon = await deps.db.store.findMany({
      where: { id: { gt: after }, ownerId: { not: null }, isCustomer: false, protectedUntil: { gt: now, lte: new Date(now.getTime() + widest * DAY_MS) } },
      select: { id: true, ownerId: true, protectedUntil: true },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    if (soon.length === 0) break;
    after = soon[soon.length - 1]!.id;
    const notices = soon.map((s): Notice => {
      const left = s.protectedUntil!.getTime() - now.getTime();
      const days = Math.min(...windows.filter((d) => left <= d * DAY_MS));
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
