import { describe, expect, it } from 'vitest';
import { backfillSearchKeys } from '../../../../src/domain/search/backfill.ts';
import { searchStores } from '../../../../src/domain/stores/search.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

/** The example company as a database from before migration 0008 would be once migrated: no search keys. */
async function withoutKeys(): Promise<void> {
  await w.db.$executeRawUnsafe(`UPDATE "Store" SET "pinyinKey" = NULL, "initialsKey" = NULL`);
  await w.db.$executeRawUnsafe(`UPDATE "Person" SET "pinyinKey" = NULL, "initialsKey" = NULL`);
}

describe('back-filling search keys', () => {
  it('fills every store and person without keys, once; the search then finds them by pinyin', async () => {
    await withoutKeys();
    expect((await searchStores(w.deps, w.people.admin, { text: 'lwmg' })).hits).toEqual([]);
    const stores = await w.db.store.count();
    const people = await w.db.person.count();
    expect(await backfillSearchKeys(w.deps)).toEqual({ stores, people });
    expect(await w.db.store.findFirstOrThrow({ where: { name: '老王面馆' }, select: { pinyinKey: true, initialsKey: true } })).toEqual({ pinyinKey: 'laowangmianguan', initialsKey: 'lwmg' });
    expect(await w.db.person.findFirstOrThrow({ where: { name: '刘洋' }, select: { pinyinKey: true } })).toEqual({ pinyinKey: 'liuyang' });
    expect((await searchStores(w.deps, w.people.admin, { text: 'lwmg' })).hits.map((h) => h.name)).toEqual(['老王面馆']);
    // Nothing left to do: a second start changes nothing.
    expect(await backfillSearchKeys(w.deps)).toEqual({ stores: 0, people: 0 });
  });

  it('fills only the rows without keys: those a writer has set are left as they are', async () => {
    await withoutKeys();
    const s = await w.store('知味小笼');
    await w.db.store.update({ where: { id: s.id }, data: { pinyinKey: 'zhiweixiaolong', initialsKey: 'zwxl' } });
    const stores = await w.db.store.count();
    expect((await backfillSearchKeys(w.deps)).stores).toBe(stores - 1);
    expect((await searchStores(w.deps, w.people.admin, { text: 'zwxl' })).hits.map((h) => h.name)).toEqual(['知味小笼']);
  });
});
