// The claim, release, visit and search paths run raw SQL (for speed): these check that what they
// return and refuse is what the Prisma models and the visibility rules say, on both databases.
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/domain/clock.ts';
import { claimStore, releaseStore } from '../../../src/domain/pools/pools.ts';
import { writeSettings } from '../../../src/domain/settings/settings.ts';
import { RANK, searchStores } from '../../../src/domain/stores/search.ts';
import { logVisit } from '../../../src/domain/visits/visits.ts';
import { rejection, worldPerTest, type World } from '../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const names = async (p: ReturnType<typeof searchStores>) => (await p).hits.map((h) => h.name);

describe('what the raw writes return', () => {
  it('claim, visit and release return the store as it is stored', async () => {
    const s = await w.store('老王面馆');
    const claimed = await claimStore(w.deps, w.people.rep1, s.id);
    expect(claimed.store).toEqual(await w.db.store.findUniqueOrThrow({ where: { id: s.id } }));
    const next = new Date(Date.parse('2026-11-22T02:00:00Z') + 3 * DAY_MS);
    const visited = await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'in_person', summary: 'met', outcome: 'keen', stage: 'interested', nextFollowUpAt: next });
    const stored = await w.db.store.findUniqueOrThrow({ where: { id: s.id } });
    expect(visited.store).toEqual(stored);
    expect(stored.nextFollowUpAt?.toISOString()).toBe(next.toISOString());
    expect(stored.latestProgress).toBe('met — keen');
    expect(stored.stage).toBe('interested');
    const visit = await w.db.visit.findUniqueOrThrow({ where: { id: visited.visit.id } });
    expect(visit).toMatchObject({ storeId: s.id, personId: w.people.rep1.id, method: 'in_person', summary: 'met', outcome: 'keen', cold: false });
    const f = await w.db.followUp.findUniqueOrThrow({ where: { id: visited.followUpId! } });
    expect(f).toMatchObject({ storeId: s.id, personId: w.people.rep1.id, status: 'open', visitId: visit.id, note: 'keen', snoozes: 0 });
    const released = await releaseStore(w.deps, w.people.rep1, s.id, 'closed');
    expect(released).toEqual(await w.db.store.findUniqueOrThrow({ where: { id: s.id } }));
    expect(released).toMatchObject({ ownerId: null, claimedAt: null, protectedUntil: null, isCustomer: false });
    expect((await w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).status).toBe('cancelled');
  });

  it('a claim reads settings changed just before', async () => {
    const s = await w.store('老王面馆');
    await w.db.$transaction((tx) => writeSettings(tx, { protectionDays: 10 }));
    const { store } = await claimStore(w.deps, w.people.rep1, s.id);
    expect(store.protectedUntil?.toISOString()).toBe('2026-12-02T02:00:00.000Z');
  });
});

describe('what the raw paths refuse', () => {
  it('claim: an inactive person, an admin, a missing store', async () => {
    const s = await w.store('老王面馆');
    expect((await rejection(claimStore(w.deps, { ...w.people.rep1, active: false }, s.id))).key).toBe('person.inactive');
    expect((await rejection(claimStore(w.deps, w.people.admin, s.id))).key).toBe('pool.admin_cannot_own');
    expect((await rejection(claimStore(w.deps, w.people.rep1, 999_999))).code).toBe('not_found');
  });

  it('release: not the owner (forbidden when visible, not found otherwise), and nothing changes', async () => {
    const s = await w.store('Sunny Cafe'); // Li Lei's
    const bySupervisor = await rejection(releaseStore(w.deps, w.people.sup1, s.id, 'x'));
    expect([bySupervisor.code, bySupervisor.key]).toEqual(['forbidden', 'pool.release_not_owner']);
    expect((await rejection(releaseStore(w.deps, w.people.rep4, s.id, 'x'))).code).toBe('not_found');
    expect((await rejection(releaseStore(w.deps, w.people.rep1, 999_999, 'x'))).code).toBe('not_found');
    expect((await rejection(releaseStore(w.deps, { ...w.people.rep1, active: false }, s.id, 'x'))).key).toBe('person.inactive');
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).ownerId).toBe(w.people.rep1.id);
  });

  it('visit: a store out of sight, a missing store', async () => {
    const s = await w.store('River Side Grill'); // east
    expect((await rejection(logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'x' }))).code).toBe('not_found');
    expect((await rejection(logVisit(w.deps, w.people.rep1, { storeId: 999_999, method: 'phone', summary: 'x' }))).code).toBe('not_found');
  });
});

describe('search within what each role sees', () => {
  it('a lead finds its team’s stores by prefix and substring, with the owner; others’ not', async () => {
    const hits = (await searchStores(w.deps, w.people.sup2, { text: 'bakery' })).hits; // 刘洋's, team 2
    expect(hits.map((h) => [h.name, h.owner?.name, h.rank])).toEqual([['Green Leaf Bakery', '刘洋', RANK.substring]]);
    expect(await names(searchStores(w.deps, w.people.mgrWest, { text: 'green' }))).toEqual(['Green Leaf Bakery']);
    expect(await names(searchStores(w.deps, w.people.mgrWest, { text: 'leaf' }))).toEqual(['Green Leaf Bakery']);
    expect(await names(searchStores(w.deps, w.people.sup1, { text: 'bakery' }))).toEqual([]);
    expect(await names(searchStores(w.deps, w.people.mgrEast, { text: 'leaf' }))).toEqual([]);
  });

  it('a rep finds its own and the public stores of its regions by substring, not a teammate’s', async () => {
    expect(await names(searchStores(w.deps, w.people.rep2, { text: '湖滨' }))).toEqual(['外婆家（湖滨店）']);
    expect(await names(searchStores(w.deps, w.people.rep1, { text: '湖滨' }))).toEqual([]);
    expect(await names(searchStores(w.deps, w.people.rep1, { text: '小笼' }))).toEqual(['知味小笼']);
    expect(await names(searchStores(w.deps, w.people.rep1, { text: '小笼', claimable: true }))).toEqual(['知味小笼']);
    expect(await names(searchStores(w.deps, w.people.rep4, { text: '小笼', claimable: true }))).toEqual([]);
  });
});
