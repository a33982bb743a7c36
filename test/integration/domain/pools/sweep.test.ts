import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../src/domain/clock.ts';
import { recordOrder } from '../../../../src/domain/orders/orders.ts';
import { deactivateWithHandover } from '../../../../src/domain/people/handover.ts';
import { claimStore } from '../../../../src/domain/pools/pools.ts';
import { previewAutoReturn, sweepAutoReturn } from '../../../../src/domain/pools/sweep.ts';
import { logVisit } from '../../../../src/domain/visits/visits.ts';
import { worldPerTest, rejection, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const at = (iso: string) => new Date(iso);

describe('auto-return', () => {
  it('returns the store when its protection ends, and tells the owner and the supervisor once', async () => {
    // The warnings before it are their own job now (pools/warnings.ts, warnings.test.ts): the sweep only returns.
    const s = await w.store('Sunny Cafe'); // Li Lei's until 2026-12-22T02:00Z
    expect(await sweepAutoReturn(w.deps, at('2026-12-18T02:00:00Z'))).toEqual({ returned: 0, notified: 0 });
    expect(await sweepAutoReturn(w.deps, at('2026-12-21T03:00:00Z'))).toEqual({ returned: 0, notified: 0 });
    expect(await w.db.outbox.count()).toBe(0);

    const r = await sweepAutoReturn(w.deps, at('2026-12-22T02:00:00Z'));
    expect(r.returned).toBe(4);
    // Four former owners, and the supervisors of their three teams.
    expect(r.notified).toBe(7);
    const after = await w.db.store.findUniqueOrThrow({ where: { id: s.id } });
    expect(after.ownerId).toBeNull();
    const h = await w.db.claimHistory.findFirstOrThrow({ where: { storeId: s.id, action: 'auto_return' } });
    expect(h).toMatchObject({ fromOwnerId: w.people.rep1.id, actorId: null });
    expect(await w.db.outbox.count({ where: { kind: 'store.auto_returned', recipientId: w.people.rep1.id } })).toBe(1);
    const team = await w.db.outbox.findFirstOrThrow({ where: { kind: 'store.auto_returned_team', recipientId: w.people.sup1.id } });
    expect(JSON.parse(team.payload)).toMatchObject({ total: 2, owners: expect.arrayContaining([{ id: w.people.rep1.id, count: 1 }, { id: w.people.rep2.id, count: 1 }]) });
    expect(await sweepAutoReturn(w.deps, at('2026-12-22T03:00:00Z'))).toEqual({ returned: 0, notified: 0 });
    // The former owner is in cool-down; the store is in the public pool for others.
    w.clock.set('2026-12-23T00:00:00Z');
    expect((await rejection(claimStore(w.deps, w.people.rep1, s.id))).key).toBe('pool.cooldown');
    await expect(claimStore(w.deps, w.people.rep2, s.id)).resolves.toBeTruthy();
  });

  it('does not tell again a return told one by one before (the first sweep after an upgrade looks back a day)', async () => {
    const cafe = await w.store('Sunny Cafe');
    // Yesterday's sweep of the version before: the store returned, and told under its old key.
    await sweepAutoReturn(w.deps, at('2026-12-22T02:00:00Z'));
    await w.db.outbox.deleteMany({});
    await w.db.outbox.create({ data: { dedupeKey: `store.auto_returned:${cafe.id}:2026-12-22T02:00:00.000Z`, kind: 'store.auto_returned', recipientId: w.people.rep1.id, payload: JSON.stringify({ storeId: cafe.id }), status: 'sent', nextAttemptAt: at('2026-12-22T02:00:00Z'), createdAt: at('2026-12-22T02:00:00Z') } });
    await sweepAutoReturn(w.deps, at('2026-12-23T01:00:00Z'));
    expect(await w.db.outbox.count({ where: { recipientId: w.people.rep1.id } })).toBe(1);
    // The others' returns, never told, are told now.
    expect(await w.db.outbox.count({ where: { kind: 'store.auto_returned', recipientId: w.people.rep2.id } })).toBe(1);
  });

  it('keeps a store whose owner visited in person, and a customer (order inside protection)', async () => {
    const visited = await w.store('Sunny Cafe');
    const ordered = await w.store('外婆家（湖滨店）');
    w.clock.set('2026-12-20T02:00:00Z');
    await logVisit(w.deps, w.people.rep1, { storeId: visited.id, method: 'in_person', summary: 'still interested' });
    const o = await recordOrder(w.deps, { orderNo: 'SO-1', storeCode: ordered.code, amount: 128_00, orderedAt: at('2026-12-01T00:00:00Z') });
    expect(o.becameCustomer).toBe(true);
    const twice = await Promise.all(
      [1, 2, 3].map(() => recordOrder(w.deps, { orderNo: 'SO-1', storeCode: ordered.code, amount: 128_00, orderedAt: at('2026-12-01T00:00:00Z') })),
    );
    expect(twice.map((r) => r.created)).toEqual([false, false, false]);
    const both = await Promise.all(
      [1, 2].map(() => recordOrder(w.deps, { orderNo: 'SO-2', storeCode: ordered.code, amount: 5_00, orderedAt: at('2026-12-02T00:00:00Z') })),
    );
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    expect(await w.db.order.count()).toBe(2);
    await sweepAutoReturn(w.deps, at('2026-12-23T00:00:00Z'));
    expect((await w.db.store.findUniqueOrThrow({ where: { id: visited.id } })).ownerId).toBe(w.people.rep1.id);
    expect((await w.db.store.findUniqueOrThrow({ where: { id: ordered.id } })).ownerId).toBe(w.people.rep2.id);
    await sweepAutoReturn(w.deps, at('2027-06-01T00:00:00Z'));
    expect((await w.db.store.findUniqueOrThrow({ where: { id: visited.id } })).ownerId).toBeNull();
    expect((await w.db.store.findUniqueOrThrow({ where: { id: ordered.id } })).ownerId).toBe(w.people.rep2.id);
  });

  it('previews what returns on a given day, for leads only', async () => {
    const day = at('2026-12-22T05:00:00Z');
    const west = await previewAutoReturn(w.deps, w.people.mgrWest, day);
    expect(west.count).toBe(3); // three of the four private stores are in the west area
    expect((await previewAutoReturn(w.deps, w.people.admin, day)).count).toBe(4);
    expect((await previewAutoReturn(w.deps, w.people.admin, at('2026-12-23T05:00:00Z'))).count).toBe(0);
    expect((await rejection(previewAutoReturn(w.deps, w.people.rep1, day))).code).toBe('forbidden');
  });
});

describe('grades and orders', () => {
  it('grades A–D from orders and visits', async () => {
    const s = await w.store('老王面馆');
    expect(s.grade).toBe('D');
    await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'hello' });
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).grade).toBe('C');
    await recordOrder(w.deps, { orderNo: 'SO-9', storeCode: s.code, amount: 10_00, orderedAt: at('2026-11-01T00:00:00Z') });
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).grade).toBe('B');
    await recordOrder(w.deps, { orderNo: 'SO-10', storeCode: s.code, amount: 10_00, orderedAt: at('2026-11-20T00:00:00Z') });
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).grade).toBe('A');
    // A public store's order makes nobody a customer.
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).isCustomer).toBe(false);
    expect((await rejection(recordOrder(w.deps, { orderNo: 'SO-11', storeCode: 'CRM0', amount: -1, orderedAt: new Date() }))).issues[0]?.path).toBe('amount');
  });
});

describe('a leaver’s handover', () => {
  it('moves every store and open follow-up to the named rep and closes the account', async () => {
    const s = await w.store('Sunny Cafe');
    await w.db.followUp.create({ data: { storeId: s.id, personId: w.people.rep1.id, dueAt: at('2026-11-30T00:00:00Z') } });
    expect((await rejection(deactivateWithHandover(w.deps, w.people.sup1, { personId: w.people.rep1.id, toPersonId: w.people.rep2.id }))).code).toBe('forbidden');
    // Outside a manager's subtree a person is not found, so that ids cannot be probed for names.
    expect((await rejection(deactivateWithHandover(w.deps, w.people.mgrEast, { personId: w.people.rep1.id, toPersonId: null }))).code).toBe('not_found');
    w.clock.advance(DAY_MS);
    const r = await deactivateWithHandover(w.deps, w.people.mgrWest, { personId: w.people.rep1.id, toPersonId: w.people.rep2.id });
    expect(r.stores).toBe(1);
    const after = await w.db.store.findUniqueOrThrow({ where: { id: s.id } });
    expect(after).toMatchObject({ ownerId: w.people.rep2.id, protectedUntil: at('2026-12-23T02:00:00Z') });
    expect(await w.db.followUp.count({ where: { personId: w.people.rep2.id, status: 'open' } })).toBe(1);
    expect((await w.actor('rep1')).active).toBe(false);
    // A deactivated person can no longer act.
    expect((await rejection(claimStore(w.deps, await w.actor('rep1'), (await w.store('老王面馆')).id))).key).toBe('person.inactive');
  });

  it('sends a leaver’s stores to the public pool', async () => {
    const r = await deactivateWithHandover(w.deps, w.people.admin, { personId: w.people.rep2.id, toPersonId: null });
    expect(r.stores).toBe(1);
    expect(await w.db.store.count({ where: { ownerId: w.people.rep2.id } })).toBe(0);
    expect(await w.db.claimHistory.count({ where: { action: 'handover', fromOwnerId: w.people.rep2.id, toOwnerId: null } })).toBe(1);
  });
});
