import { describe, expect, it } from 'vitest';
import { claimStore } from '../../../../src/domain/pools/pools.ts';
import { writeSettings } from '../../../../src/domain/settings/settings.ts';
import { addContact } from '../../../../src/domain/stores/contacts.ts';
import { mergeStores } from '../../../../src/domain/stores/merge.ts';
import { searchStores } from '../../../../src/domain/stores/search.ts';
import { createStore, getStore, setStoreStatus, updateStore } from '../../../../src/domain/stores/stores.ts';
import { logVisit } from '../../../../src/domain/visits/visits.ts';
import { worldPerTest, rejection, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

describe('create', () => {
  it('gives a rep’s new store a CRM code and puts it in the rep’s pool', async () => {
    const r = await createStore(w.deps, w.people.rep1, { name: '杭帮菜馆', phone: '13900000001', lng: 120.12, lat: 30.23 });
    if (!('created' in r)) throw new Error('expected a store');
    // The import made 7 stores today; codes count on per local day.
    expect(r.created.code).toBe('CRM202611220008');
    expect(r.created.ownerId).toBe(w.people.rep1.id);
    expect(r.created.regionId).not.toBeNull();
    expect(r.created.protectedUntil?.toISOString()).toBe('2026-12-22T02:00:00.000Z');
    w.clock.set('2026-11-22T16:30:00Z'); // 00:30 on the 23rd in Hangzhou
    const next = await createStore(w.deps, w.people.rep1, { name: 'Late Noodles', lng: 120.12, lat: 30.23 });
    expect('created' in next && next.created.code).toBe('CRM202611230001');
  });

  it('returns duplicate candidates (same phone, or same name once normalised) unless confirmed', async () => {
    const byPhone = await createStore(w.deps, w.people.rep2, { name: 'Another name', phone: '138-0000-0001', lng: 120.12, lat: 30.23 });
    expect('duplicates' in byPhone && byPhone.duplicates.map((d) => [d.name, d.matchedOn])).toEqual([['老王面馆', 'phone']]);
    const byName = await createStore(w.deps, w.people.rep2, { name: ' SUNNY　CAFE Co., Ltd. ', lng: 120.12, lat: 30.23 });
    expect('duplicates' in byName && byName.duplicates[0]).toMatchObject({ name: 'Sunny Cafe', matchedOn: 'name', ownerName: null, visible: false });
    const forSupervisor = await createStore(w.deps, w.people.sup1, { name: 'sunny cafe', lng: 120.12, lat: 30.23 });
    expect('duplicates' in forSupervisor && forSupervisor.duplicates[0]?.ownerName).toBe('Li Lei');
    expect(await w.db.store.count()).toBe(7);
    const anyway = await createStore(w.deps, w.people.rep2, { name: 'Sunny Cafe', lng: 120.12, lat: 30.23, confirmDuplicate: true });
    expect('created' in anyway).toBe(true);
  });

  it('rejects bad input with the field, and a point outside every region, writing nothing', async () => {
    const e1 = await rejection(createStore(w.deps, w.people.rep1, { name: '', phone: 'call me' }));
    expect(e1.code).toBe('invalid');
    expect(e1.issues.map((i) => i.path).sort()).toEqual(['name', 'phone']);
    const e2 = await rejection(createStore(w.deps, w.people.rep1, { name: 'x'.repeat(101) }));
    expect(e2.issues[0]).toMatchObject({ path: 'name', key: 'validation.too_long', params: { max: 100 } });
    const e3 = await rejection(createStore(w.deps, w.people.rep1, { name: 'Far away', lng: 116.4, lat: 39.9 }));
    expect(e3.key).toBe('store.outside_regions');
    const e4 = await rejection(createStore(w.deps, w.people.rep1, { name: 'Half', lng: 120.1 }));
    expect(e4.issues[0]).toMatchObject({ path: 'lat', key: 'store.lng_lat_pair' });
    expect(await w.db.store.count()).toBe(7);
    expect(await w.db.storeCodeSeq.findMany()).toEqual([{ day: '20261122', last: 7 }]);
  });

  it('gives 12 stores created at once 12 distinct codes', async () => {
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createStore(w.deps, w.people.sup1, { name: `Rush ${i}`, lng: 120.12, lat: 30.23, ownerId: null })),
    );
    const codes = made.map((r) => ('created' in r ? r.created.code : '')).sort();
    expect(new Set(codes).size).toBe(12);
    expect(codes[11]).toBe('CRM202611220019');
  });

  it('refuses a rep over the cap', async () => {
    await w.db.$transaction((tx) => writeSettings(tx, { poolCap: 1 }));
    const e = await rejection(createStore(w.deps, w.people.rep1, { name: 'One more', lng: 120.12, lat: 30.23 }));
    expect(e.code).toBe('limit_reached');
  });
});

describe('search', () => {
  it('finds by code, phone and name prefix/substring, ranked, within what I may see', async () => {
    const sunny = await w.store('Sunny Cafe');
    expect((await searchStores(w.deps, w.people.rep1, { text: sunny.code })).hits.map((h) => h.name)).toEqual(['Sunny Cafe']);
    expect((await searchStores(w.deps, w.people.rep1, { text: '1380000000' })).hits.map((h) => h.name)).toEqual(['老王面馆', 'Sunny Cafe', '知味小笼']);
    expect((await searchStores(w.deps, w.people.rep1, { text: 'sun' })).hits.map((h) => h.name)).toEqual(['Sunny Cafe']);
    // Rep 2 (same team) does not see Li Lei's private store; public ones of its regions it does.
    expect((await searchStores(w.deps, w.people.rep2, { text: 'sunny' })).hits).toEqual([]);
    expect((await searchStores(w.deps, w.people.rep2, { text: '面馆' })).hits.map((h) => h.name)).toEqual(['老王面馆']);
    // East-side stores are outside team 1's regions; the manager of the west sees neither east store.
    expect((await searchStores(w.deps, w.people.rep1, { text: '钱塘' })).hits).toEqual([]);
    expect((await searchStores(w.deps, w.people.mgrWest, { text: 'grill' })).hits).toEqual([]);
    expect((await searchStores(w.deps, w.people.admin, { text: 'grill' })).hits.map((h) => h.name)).toEqual(['River Side Grill']);
  });

  it('ranks an exact name before a prefix before a substring', async () => {
    for (const name of ['Noodle King', 'Noodle', 'Best Noodle']) {
      await createStore(w.deps, w.people.rep1, { name, lng: 120.12, lat: 30.23 });
    }
    const hits = (await searchStores(w.deps, w.people.rep1, { text: 'noodle' })).hits.map((h) => h.name);
    expect(hits).toEqual(['Noodle', 'Noodle King', 'Best Noodle']);
    const claimable = await searchStores(w.deps, w.people.rep1, { text: 'noodle', claimable: true });
    expect(claimable.hits).toEqual([]); // all three are Li Lei's own
  });

  it('pages', async () => {
    for (let i = 0; i < 5; i++) await createStore(w.deps, w.people.sup1, { name: `Tea House ${i}`, lng: 120.12, lat: 30.23, ownerId: null });
    const p1 = await searchStores(w.deps, w.people.rep1, { text: 'tea', limit: 2, claimable: true });
    const p3 = await searchStores(w.deps, w.people.rep1, { text: 'tea', limit: 2, offset: 4, claimable: true });
    expect(p1.hits).toHaveLength(2);
    expect(p1.more).toBe(true);
    expect(p3.hits).toHaveLength(1);
    expect(p3.more).toBe(false);
  });
});

describe('edit, status, contacts, merge', () => {
  it('an owner edits; another rep cannot; moving the point moves the region', async () => {
    const s = await w.store('Sunny Cafe');
    expect((await rejection(updateStore(w.deps, w.people.rep2, s.id, { name: 'Mine now' }))).code).toBe('not_found');
    const after = await updateStore(w.deps, w.people.rep1, s.id, { name: 'Sunny Café', lng: 120.2, lat: 30.25 });
    const east = await w.db.region.findUniqueOrThrow({ where: { key: 'east' } });
    expect(after).toMatchObject({ name: 'Sunny Café', regionId: east.id });
    expect(await w.db.auditLog.count({ where: { action: 'store.update', entityId: String(s.id) } })).toBe(1);
  });

  it('a lead disables a private store: it leaves the pool, with history', async () => {
    const s = await w.store('Sunny Cafe');
    expect((await rejection(setStoreStatus(w.deps, w.people.rep1, s.id, 'disabled', 'closed'))).code).toBe('forbidden');
    const after = await setStoreStatus(w.deps, w.people.sup1, s.id, 'disabled', 'closed for renovation');
    expect(after).toMatchObject({ status: 'disabled', ownerId: null });
    const h = await w.db.claimHistory.findFirstOrThrow({ where: { storeId: s.id, action: 'status' } });
    expect(h.fromOwnerId).toBe(w.people.rep1.id);
    expect((await rejection(setStoreStatus(w.deps, w.people.sup1, s.id, 'gone', 'x'))).code).toBe('invalid');
  });

  it('shows on the card only the visits the reader may see', async () => {
    const s = await w.store('老王面馆'); // public: both reps of team 1 see it
    await logVisit(w.deps, w.people.rep2, { storeId: s.id, method: 'in_person', summary: 'cold call by Sam' });
    await logVisit(w.deps, w.people.sup1, { storeId: s.id, method: 'phone', summary: 'call by the supervisor' });
    expect((await getStore(w.deps, w.people.rep1, s.id)).latestVisits.map((v) => v.summary)).toEqual(['call by the supervisor']);
    expect((await getStore(w.deps, w.people.rep2, s.id)).latestVisits.map((v) => v.summary).sort()).toEqual(['call by the supervisor', 'cold call by Sam']);
    expect((await getStore(w.deps, w.people.sup1, s.id)).latestVisits).toHaveLength(2);
  });

  it('keeps one primary contact', async () => {
    const s = await w.store('Sunny Cafe');
    const a = await addContact(w.deps, w.people.rep1, { storeId: s.id, name: 'Ann', phone: '13911112222' });
    expect(a.isPrimary).toBe(true);
    await addContact(w.deps, w.people.rep1, { storeId: s.id, name: 'Bob', isPrimary: true });
    const card = await getStore(w.deps, w.people.rep1, s.id);
    expect(card.contacts.map((c) => [c.name, c.isPrimary])).toEqual([['Bob', true], ['Ann', false]]);
    expect((await rejection(addContact(w.deps, w.people.rep1, { storeId: s.id, name: 'Eve', email: 'not-an-email' }))).issues[0]?.path).toBe('email');
  });

  it('an admin merges a duplicate: visits and contacts move, the duplicate is deleted', async () => {
    const survivor = await w.store('老王面馆');
    const r = await createStore(w.deps, w.people.rep2, { name: '老王面馆（分店）', phone: '13900000009', lng: 120.15, lat: 30.25, confirmDuplicate: true });
    if (!('created' in r)) throw new Error('expected a store');
    await logVisit(w.deps, w.people.rep2, { storeId: r.created.id, method: 'phone', summary: 'called' });
    await addContact(w.deps, w.people.rep2, { storeId: r.created.id, name: 'Wang' });
    expect((await rejection(mergeStores(w.deps, w.people.sup1, survivor.id, r.created.id))).code).toBe('forbidden');
    const after = await mergeStores(w.deps, w.people.admin, survivor.id, r.created.id);
    expect(after.ownerId).toBe(w.people.rep2.id); // the survivor was public and takes the owner
    expect(await w.db.visit.count({ where: { storeId: survivor.id } })).toBe(1);
    expect(await w.db.contact.count({ where: { storeId: survivor.id } })).toBe(1);
    expect(await w.db.store.findUniqueOrThrow({ where: { id: r.created.id } })).toMatchObject({ status: 'deleted', mergedIntoId: survivor.id });
    await claimStore(w.deps, w.people.rep1, (await w.store('知味小笼')).id);
  });
});
