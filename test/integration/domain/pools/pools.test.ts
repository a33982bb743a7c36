import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../src/domain/clock.ts';
import { DomainError } from '../../../../src/domain/errors.ts';
import { assignStore, claimStore, extendProtection, releaseStore, transferStores } from '../../../../src/domain/pools/pools.ts';
import { writeSettings } from '../../../../src/domain/settings/settings.ts';
import { createStore } from '../../../../src/domain/stores/stores.ts';
import { worldPerTest, rejection, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

async function publicStores(n: number, prefix = 'Pool store'): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await createStore(w.deps, w.people.sup1, { name: `${prefix} ${i}`, phone: `1390000${String(i).padStart(4, '0')}`, lng: 120.12 + i * 0.0005, lat: 30.24, ownerId: null });
    if (!('created' in r)) throw new Error('unexpected duplicate');
    ids.push(r.created.id);
  }
  return ids;
}

describe('claim', () => {
  it('moves a public store into my pool with protection from now, history and audit', async () => {
    const s = await w.store('老王面馆');
    const { store, usage } = await claimStore(w.deps, w.people.rep1, s.id);
    expect(store.ownerId).toBe(w.people.rep1.id);
    expect(store.claimedAt?.toISOString()).toBe('2026-11-22T02:00:00.000Z');
    expect(store.protectedUntil?.toISOString()).toBe('2026-12-22T02:00:00.000Z');
    expect(usage).toMatchObject({ held: 2, cap: 100 });
    const history = await w.db.claimHistory.findMany({ where: { storeId: s.id } });
    expect(history.map((h) => [h.action, h.toOwnerId, h.actorId])).toEqual([['claim', w.people.rep1.id, w.people.rep1.id]]);
    expect(await w.db.auditLog.count({ where: { entity: 'store', entityId: String(s.id), action: 'store.claim' } })).toBe(1);
  });

  it('refuses a private store, naming the owner only to those who may see it', async () => {
    const s = await w.store('Sunny Cafe'); // Li Lei's
    const toRep = await rejection(claimStore(w.deps, w.people.rep2, s.id));
    expect(toRep.code).toBe('conflict');
    expect(toRep.key).toBe('pool.owned');
    expect(toRep.params.owner).toBeNull();
    expect(toRep.params.until).toEqual(new Date('2026-12-22T02:00:00Z'));
    const toSup = await rejection(claimStore(w.deps, w.people.sup1, s.id));
    expect(toSup.key).toBe('pool.owned_by');
    expect(toSup.params.owner).toBe('Li Lei');
  });

  it('refuses stores outside my regions and stores that are not active', async () => {
    const east = await w.store('钱塘茶馆');
    expect((await rejection(claimStore(w.deps, w.people.rep1, east.id))).key).toBe('pool.outside_regions');
    const s = await w.store('知味小笼');
    await w.db.store.update({ where: { id: s.id }, data: { status: 'disabled' } });
    expect((await rejection(claimStore(w.deps, w.people.rep1, s.id))).key).toBe('pool.not_active');
  });

  it('allows citywide claims when the setting says so', async () => {
    await w.db.$transaction((tx) => writeSettings(tx, { claimScope: 'citywide' }));
    const east = await w.store('钱塘茶馆');
    const { store } = await claimStore(w.deps, w.people.rep1, east.id);
    expect(store.ownerId).toBe(w.people.rep1.id);
  });

  it('refuses at the cap and says so; customers do not count', async () => {
    await w.db.$transaction((tx) => writeSettings(tx, { poolCap: 1 }));
    const s = await w.store('老王面馆');
    const e = await rejection(claimStore(w.deps, w.people.rep1, s.id));
    expect(e.code).toBe('limit_reached');
    expect(e.params).toMatchObject({ held: 1, cap: 1 });
    await w.db.store.updateMany({ where: { ownerId: w.people.rep1.id }, data: { isCustomer: true } });
    await expect(claimStore(w.deps, w.people.rep1, s.id)).resolves.toBeTruthy();
  });

  it('keeps a rep who released a store out of it for the cool-down, not others', async () => {
    const s = await w.store('Sunny Cafe');
    await releaseStore(w.deps, w.people.rep1, s.id, 'not interested');
    w.clock.advance(6 * DAY_MS);
    const e = await rejection(claimStore(w.deps, w.people.rep1, s.id));
    expect(e.key).toBe('pool.cooldown');
    expect(e.params.until).toEqual(new Date('2026-11-29T02:00:00Z'));
    w.clock.advance(DAY_MS + 1000);
    await expect(claimStore(w.deps, w.people.rep1, s.id)).resolves.toBeTruthy();
  });

  it('gives a store to exactly one of 20 simultaneous claimers', async () => {
    const s = await w.store('老王面馆');
    // Twenty claims from the two reps of team 1 and the supervisor: all eligible.
    const claimers = Array.from({ length: 20 }, (_, i) => [w.people.rep1, w.people.rep2, w.people.sup1][i % 3]!);
    const results = await Promise.allSettled(claimers.map((a) => claimStore(w.deps, a, s.id)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as DomainError);
    expect(losers.every((e) => e.code === 'conflict')).toBe(true);
    const after = await w.db.store.findUniqueOrThrow({ where: { id: s.id } });
    expect(await w.db.claimHistory.count({ where: { storeId: s.id, action: 'claim' } })).toBe(1);
    expect(after.ownerId).toBe((won[0] as PromiseFulfilledResult<{ store: { ownerId: number } }>).value.store.ownerId);
  });

  it('lets a rep one below the cap win exactly one of 10 parallel claims', async () => {
    const ids = await publicStores(10);
    await w.db.$transaction((tx) => writeSettings(tx, { poolCap: 2 })); // Li Lei holds 1
    const results = await Promise.allSettled(ids.map((id) => claimStore(w.deps, w.people.rep1, id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r.reason as DomainError).code === 'limit_reached')).toBe(true);
    expect(await w.db.store.count({ where: { ownerId: w.people.rep1.id } })).toBe(2);
  });
});

describe('release, assign, transfer, extend', () => {
  it('release needs the owner and a reason, and cancels the owner’s follow-ups', async () => {
    const s = await w.store('Sunny Cafe');
    await w.db.followUp.create({ data: { storeId: s.id, personId: w.people.rep1.id, dueAt: new Date('2026-11-25T02:00:00Z') } });
    expect((await rejection(releaseStore(w.deps, w.people.rep2, s.id, 'x'))).code).toBe('not_found');
    expect((await rejection(releaseStore(w.deps, w.people.rep1, s.id, '  '))).code).toBe('invalid');
    const after = await releaseStore(w.deps, w.people.rep1, s.id, 'closed down');
    expect(after.ownerId).toBeNull();
    expect(await w.db.followUp.count({ where: { storeId: s.id, status: 'open' } })).toBe(0);
    const h = await w.db.claimHistory.findFirstOrThrow({ where: { storeId: s.id, action: 'release' } });
    expect(h).toMatchObject({ fromOwnerId: w.people.rep1.id, reason: 'closed down' });
  });

  it('assign: a supervisor gives a public store to a rep of its team, counted toward the cap', async () => {
    const s = await w.store('知味小笼');
    expect((await rejection(assignStore(w.deps, w.people.rep1, s.id, w.people.rep2.id))).code).toBe('forbidden');
    expect((await rejection(assignStore(w.deps, w.people.sup1, s.id, w.people.rep3.id))).code).toBe('forbidden'); // team 2
    const after = await assignStore(w.deps, w.people.sup1, s.id, w.people.rep2.id);
    expect(after.ownerId).toBe(w.people.rep2.id);
    expect(await w.db.outbox.count({ where: { kind: 'store.assigned', recipientId: w.people.rep2.id } })).toBe(1);
    await w.db.$transaction((tx) => writeSettings(tx, { poolCap: 2 })); // rep2 now holds 2
    const other = await w.store('老王面馆');
    expect((await rejection(assignStore(w.deps, w.people.sup1, other.id, w.people.rep2.id))).key).toBe('pool.cap_reached_other');
  });

  it('transfer moves a batch all or nothing and restarts the clock', async () => {
    const a = await w.store('Sunny Cafe'); // rep1
    const b = await w.store('外婆家（湖滨店）'); // rep2
    const c = await w.store('Green Leaf Bakery'); // rep3, team 2
    expect((await rejection(transferStores(w.deps, w.people.sup1, { storeIds: [a.id, c.id], toPersonId: w.people.rep2.id, reason: 'rebalance' }))).code).toBe('not_found');
    expect(await w.db.store.count({ where: { ownerId: w.people.rep2.id } })).toBe(1);
    w.clock.advance(DAY_MS);
    const moved = await transferStores(w.deps, w.people.mgrWest, { storeIds: [a.id, c.id], toPersonId: w.people.rep2.id, reason: 'rebalance' });
    expect(moved.map((s) => s.ownerId)).toEqual([w.people.rep2.id, w.people.rep2.id]);
    expect(moved[0]!.protectedUntil?.toISOString()).toBe('2026-12-23T02:00:00.000Z');
    expect((await rejection(transferStores(w.deps, w.people.sup1, { storeIds: [b.id], toPersonId: w.people.rep2.id, reason: 'x' }))).key).toBe('pool.transfer_same_owner');
  });

  it('extend adds days to the protection, by a lead, with a reason', async () => {
    const s = await w.store('Sunny Cafe');
    expect((await rejection(extendProtection(w.deps, w.people.rep1, s.id, { days: 10, reason: 'x' }))).code).toBe('forbidden');
    expect((await rejection(extendProtection(w.deps, w.people.sup2, s.id, { days: 10, reason: 'x' }))).code).toBe('not_found');
    const after = await extendProtection(w.deps, w.people.sup1, s.id, { days: 10, reason: 'big deal coming' });
    expect(after.protectedUntil?.toISOString()).toBe('2027-01-01T02:00:00.000Z');
    expect((await rejection(extendProtection(w.deps, w.people.sup1, s.id, { days: 0, reason: 'x' }))).code).toBe('invalid');
  });
});
