import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../src/domain/clock.ts';
import { canClaimHere, listClaimable, poolOpensAt } from '../../../../src/domain/pools/claimable.ts';
import { claimStore, releaseStore } from '../../../../src/domain/pools/pools.ts';
import { transferTargets } from '../../../../src/domain/people/team.ts';
import { writeSettings } from '../../../../src/domain/settings/settings.ts';
import { storeHistory } from '../../../../src/domain/stores/history.ts';
import { createStore } from '../../../../src/domain/stores/stores.ts';
import { worldPerTest, rejection, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

async function publicStores(n: number, prefix = 'Pool store'): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await createStore(w.deps, w.people.sup1, { name: `${prefix} ${String(i).padStart(2, '0')}`, phone: `1390000${String(i).padStart(4, '0')}`, lng: 120.12 + i * 0.0005, lat: 30.24, ownerId: null });
    if (!('created' in r)) throw new Error('unexpected duplicate');
    ids.push(r.created.id);
  }
  return ids;
}

describe('listClaimable', () => {
  it('lists the public, active stores of my regions with my pool usage', async () => {
    const page = await listClaimable(w.deps, w.people.rep1, {});
    expect(page.stores.map((s) => s.name).sort()).toEqual(['老王面馆', '知味小笼'].sort());
    expect(page).toMatchObject({ total: 2, more: false, page: 0, usage: { held: 1, cap: 100 } });
    // East's rep sees east's store only; a disabled store is not claimable.
    expect((await listClaimable(w.deps, w.people.rep4, {})).stores.map((s) => s.name)).toEqual(['钱塘茶馆']);
    const s = await w.store('知味小笼');
    await w.db.store.update({ where: { id: s.id }, data: { status: 'disabled' } });
    expect((await listClaimable(w.deps, w.people.rep1, {})).stores.map((x) => x.name)).toEqual(['老王面馆']);
  });

  it('pages 10 at a time, and shows the last page when the list shrank', async () => {
    await publicStores(23);
    const first = await listClaimable(w.deps, w.people.rep1, {});
    expect(first.stores).toHaveLength(10);
    expect(first).toMatchObject({ total: 25, more: true, page: 0 });
    const third = await listClaimable(w.deps, w.people.rep1, { page: 2 });
    expect(third.stores).toHaveLength(5);
    expect(third.more).toBe(false);
    const all = [...first.stores, ...(await listClaimable(w.deps, w.people.rep1, { page: 1 })).stores, ...third.stores].map((s) => s.id);
    expect(new Set(all).size).toBe(25);
    const beyond = await listClaimable(w.deps, w.people.rep1, { page: 7 });
    expect(beyond.page).toBe(2);
  });

  it('matches a text, paging with `more`', async () => {
    await publicStores(12, 'Noodle');
    const p0 = await listClaimable(w.deps, w.people.rep1, { text: 'noodle' });
    expect(p0.stores).toHaveLength(10);
    expect(p0.more).toBe(true);
    expect(p0.total).toBeNull();
    const p1 = await listClaimable(w.deps, w.people.rep1, { text: 'noodle', page: 1 });
    expect(p1.stores).toHaveLength(2);
    expect(p1.more).toBe(false);
    // After the last two are claimed, page 2 of the text search falls back to the page before.
    for (const s of p1.stores) await claimStore(w.deps, w.people.rep2, s.id);
    const back = await listClaimable(w.deps, w.people.rep1, { text: 'noodle', page: 1 });
    expect(back.page).toBe(0);
    expect(back.stores).toHaveLength(10);
    expect((await listClaimable(w.deps, w.people.rep1, { text: 'nothing like it' })).stores).toEqual([]);
  });

  it('marks stores in my re-claim cool-down with its end', async () => {
    const s = await w.store('Sunny Cafe');
    await releaseStore(w.deps, w.people.rep1, s.id, 'not interested');
    const mine = (await listClaimable(w.deps, w.people.rep1, {})).stores.find((x) => x.id === s.id);
    expect(mine?.cooldownUntil?.toISOString()).toBe('2026-11-29T02:00:00.000Z');
    const theirs = (await listClaimable(w.deps, w.people.rep2, {})).stores.find((x) => x.id === s.id);
    expect(theirs?.cooldownUntil).toBeNull();
    w.clock.advance(8 * DAY_MS);
    expect((await listClaimable(w.deps, w.people.rep1, {})).stores.find((x) => x.id === s.id)?.cooldownUntil).toBeNull();
  });

  it('refuses admins and over-long text', async () => {
    expect((await rejection(listClaimable(w.deps, w.people.admin, {}))).key).toBe('pool.admin_cannot_own');
    expect((await rejection(listClaimable(w.deps, w.people.rep1, { text: 'x'.repeat(101) }))).code).toBe('invalid');
  });

  it('knows when the card may offer Claim, and when a full pool opens', async () => {
    const pub = await w.store('老王面馆');
    const east = await w.store('钱塘茶馆');
    const mine = await w.store('Sunny Cafe');
    expect(await canClaimHere(w.deps, w.people.rep1, pub)).toBe(true);
    expect(await canClaimHere(w.deps, w.people.rep1, east)).toBe(false);
    expect(await canClaimHere(w.deps, w.people.rep1, mine)).toBe(false);
    expect(await canClaimHere(w.deps, w.people.admin, pub)).toBe(false);
    expect((await poolOpensAt(w.deps, w.people.rep1))?.toISOString()).toBe('2026-12-22T02:00:00.000Z');
    expect(await poolOpensAt(w.deps, w.people.sup1)).toBeNull();
  });
});

describe('transferTargets', () => {
  it('lists the active people of the lead’s subtree, not admins, by name', async () => {
    const sup = await transferTargets(w.deps, w.people.sup1, {});
    expect(sup.people.map((p) => p.name)).toEqual(['Han Meimei', 'Li Lei', 'Sam Carter']);
    const mgr = await transferTargets(w.deps, w.people.mgrWest, { excludeId: w.people.rep1.id });
    expect(mgr.people.map((p) => p.name).sort()).toEqual(['Han Meimei', 'Olivia Brown', 'Sam Carter', 'Wang Fang', '刘洋'].sort());
    expect((await transferTargets(w.deps, w.people.mgrWest, { text: 'sam' })).people.map((p) => p.name)).toEqual(['Sam Carter']);
    expect((await transferTargets(w.deps, w.people.mgrWest, { limit: 2 })).more).toBe(true);
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { active: false } });
    expect((await transferTargets(w.deps, w.people.sup1, {})).people.map((p) => p.name)).toEqual(['Han Meimei', 'Li Lei']);
    expect((await rejection(transferTargets(w.deps, w.people.rep1, {}))).key).toBe('pool.needs_lead');
    expect((await transferTargets(w.deps, w.people.admin, {})).people).toHaveLength(8); // ten people, less the admin and the deactivated rep
  });
});

describe('storeHistory', () => {
  it('shows the pool history and visits a person may see, hiding other reps', async () => {
    const s = await w.store('老王面馆');
    await claimStore(w.deps, w.people.rep1, s.id);
    await w.db.visit.create({ data: { storeId: s.id, personId: w.people.rep1.id, at: new Date('2026-11-22T03:00:00Z'), method: 'in_person', summary: 'met the owner' } });
    w.clock.advance(DAY_MS);
    await releaseStore(w.deps, w.people.rep1, s.id, 'closed for renovation');
    w.clock.advance(8 * DAY_MS);
    await claimStore(w.deps, w.people.rep2, s.id);
    await w.db.visit.create({ data: { storeId: s.id, personId: w.people.rep2.id, at: new Date('2026-12-01T03:00:00Z'), method: 'phone', summary: 'called' } });

    const rep2 = await storeHistory(w.deps, w.people.rep2, { storeId: s.id });
    expect(rep2.entries.map((e) => e.action)).toEqual(['claim', 'release', 'claim']);
    expect(rep2.entries[0]).toMatchObject({ to: 'Sam Carter', by: 'Sam Carter' });
    expect(rep2.entries[1]).toMatchObject({ from: null, fromHidden: true, reason: 'closed for renovation' });
    expect(rep2.visits.map((v) => v.summary)).toEqual(['called']);

    const sup = await storeHistory(w.deps, w.people.sup1, { storeId: s.id });
    expect(sup.entries[1]).toMatchObject({ from: 'Li Lei', fromHidden: false });
    expect(sup.visits.map((v) => v.summary)).toEqual(['called', 'met the owner']);

    // Li Lei can no longer see the store (it is Sam's now).
    expect((await rejection(storeHistory(w.deps, w.people.rep1, { storeId: s.id }))).code).toBe('not_found');
    const limited = await storeHistory(w.deps, w.people.sup1, { storeId: s.id, take: 2 });
    expect(limited.entries).toHaveLength(2);
    expect(limited.moreEntries).toBe(true);
  });
});
