import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../src/domain/clock.ts';
import { extendProtection } from '../../../../src/domain/pools/pools.ts';
import { warnBeforeReturn } from '../../../../src/domain/pools/warnings.ts';
import { writeSettings } from '../../../../src/domain/settings/settings.ts';
import { inTransaction } from '../../../../src/db/client.ts';
import { dailyAt } from '../../../../src/jobs/slots.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const at = (iso: string) => new Date(iso);
const warnings = async (recipientId?: number) =>
  (await w.db.outbox.findMany({ where: { kind: 'store.return_warning', ...(recipientId ? { recipientId } : {}) }, orderBy: { id: 'asc' } })).map((n) => ({ key: n.dedupeKey, ...JSON.parse(n.payload) }));

describe('warnings before a return', () => {
  it('a day at a time through the last week: 3 days and 1 day before, once each per store', async () => {
    const cafe = await w.store('Sunny Cafe'); // Li Lei's, protected until 2026-12-22T02:00Z (10:00 Shanghai)
    // Every morning at 08:30 Shanghai from 15 to 23 December, each slot run twice (a retry, another process).
    const slots = dailyAt('08:30', 'Asia/Shanghai', at('2026-12-15T00:00:00Z'), at('2026-12-23T00:00:00Z'));
    expect(slots).toHaveLength(8);
    const queued: number[] = [];
    for (const s of slots) {
      w.clock.set(s);
      queued.push(await warnBeforeReturn(w.deps));
      expect(await warnBeforeReturn(w.deps, new Date(s.getTime() + 10 * 60_000))).toBe(0);
    }
    // Counted in calendar days: the 3-day warning on 19 December, the 1-day one on the 21st (not 90 minutes before the end).
    expect(queued).toEqual([0, 0, 0, 0, 4, 0, 4, 0]);
    const li = await warnings(w.people.rep1.id);
    expect(li.map((n) => [n.key, n.days])).toEqual([
      [`warn:${cafe.id}:2026-12-22T02:00:00.000Z:3`, 3],
      [`warn:${cafe.id}:2026-12-22T02:00:00.000Z:1`, 1],
    ]);
    expect(li[0]).toMatchObject({ storeId: cafe.id, protectedUntil: '2026-12-22T02:00:00.000Z' });
    // One per store, owner and window: four private stores, two windows each.
    expect(await w.db.outbox.count({ where: { kind: 'store.return_warning' } })).toBe(8);
  });

  it('after downtime, only the narrowest window: no late 3-day warning the day before', async () => {
    await warnBeforeReturn(w.deps, at('2026-12-21T03:00:00Z'));
    expect((await warnings(w.people.rep1.id)).map((n) => n.days)).toEqual([1]);
  });

  it('a new protection end is a new warning; a customer or a store without owner gets none', async () => {
    const cafe = await w.store('Sunny Cafe');
    await warnBeforeReturn(w.deps, at('2026-12-19T03:00:00Z'));
    w.clock.set('2026-12-20T00:00:00Z');
    await extendProtection(w.deps, w.people.sup1, cafe.id, { days: 10, reason: 'big order coming' });
    await w.db.store.update({ where: { id: (await w.store('外婆家（湖滨店）')).id }, data: { isCustomer: true } });
    await warnBeforeReturn(w.deps, at('2026-12-29T03:00:00Z'));
    const keys = (await warnings()).map((n) => n.key);
    expect(keys.filter((k) => k.startsWith(`warn:${cafe.id}:`))).toEqual([`warn:${cafe.id}:2026-12-22T02:00:00.000Z:3`, `warn:${cafe.id}:2027-01-01T02:00:00.000Z:3`]);
  });

  it('reads its windows from the settings, and none means none', async () => {
    await inTransaction(w.db, (tx) => writeSettings(tx, { returnWarningDays: [7] }));
    expect(await warnBeforeReturn(w.deps, new Date(at('2026-12-22T02:00:00Z').getTime() - 6 * DAY_MS))).toBe(4);
    expect((await warnings()).every((n) => n.days === 7)).toBe(true);
    await inTransaction(w.db, (tx) => writeSettings(tx, { returnWarningDays: [] }));
    expect(await warnBeforeReturn(w.deps, at('2026-12-21T03:00:00Z'))).toBe(0);
  });
});
