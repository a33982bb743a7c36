// Search the way Chinese reps type (issue 18): a fixed set of names and, for each query, the store a
// person typing it means. Written by hand: the expectations are what a rep expects, not what the
// code computes. Runs on PostgreSQL too (npm test).
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerOf, sqlitePath } from '../../../../src/db/client.ts';
import { addPerson, listPeople } from '../../../../src/domain/people/manage.ts';
import { requestTransferTargets } from '../../../../src/domain/people/team.ts';
import { listConsoleStores } from '../../../../src/domain/stores/console-list.ts';
import { exportColumns, exportStores } from '../../../../src/domain/stores/export.ts';
import { mergeStores } from '../../../../src/domain/stores/merge.ts';
import { RANK, searchStores } from '../../../../src/domain/stores/search.ts';
import { createStore, setStoreStatus, updateStore } from '../../../../src/domain/stores/stores.ts';
import { world, type World } from '../../../support/world.ts';

const WEST = { lng: 120.12, lat: 30.23 }; // a region of team 1: public stores there are in Li Lei's pool

// The example company already has 老王面馆 (public), 知味小笼 (public) and Sunny Cafe (Li Lei's).
const publicNames = [
  '重庆小面', '银行街便利店', '长沙臭豆腐', "老钱面馆 Qian's Noodles", '張記麵館', '西安小吃', '先锋超市', '乐乐超市',
  'ＫＦＣ肯德基', '绿茶餐厅', '欧阳·烧烤', '7-Eleven便利店', '王府井百货', '黄记煌', '曾记茶餐厅', '湘菜馆 Hunan Kitchen',
  '东北饺子王', '味千拉面', '海底捞火锅（滨江店）', '星巴克 Starbucks',
];

const table: [query: string, first: string][] = [
  // The characters of the name
  ['老王面馆', '老王面馆'],
  ['老王', '老王面馆'],
  ['重庆', '重庆小面'],
  ['KFC肯德基', 'ＫＦＣ肯德基'],
  ['欧阳烧烤', '欧阳·烧烤'],
  ['欧阳 · 烧烤', '欧阳·烧烤'],
  ['noodles', "老钱面馆 Qian's Noodles"],
  ['eleven', '7-Eleven便利店'],
  ['kitchen', '湘菜馆 Hunan Kitchen'],
  ['sunny', 'Sunny Cafe'],
  ['SUNNY CAFE', 'Sunny Cafe'],
  ['cafe', 'Sunny Cafe'],
  ['ｋｆｃ', 'ＫＦＣ肯德基'],
  // Traditional characters, either side
  ['张记面馆', '張記麵館'],
  ['張記', '張記麵館'],
  ['記麵', '張記麵館'],
  ['老王麵館', '老王面馆'],
  // Full pinyin, from the start or from any character
  ['laowang', '老王面馆'],
  ['LAOWANG', '老王面馆'],
  ['ｌａｏｗａｎｇ', '老王面馆'],
  ['lao wang', '老王面馆'],
  ['laowangmianguan', '老王面馆'],
  ['chongqing', '重庆小面'],
  ['yinhang', '银行街便利店'],
  ['changsha', '长沙臭豆腐'],
  ['choudoufu', '长沙臭豆腐'],
  ['laoqian', "老钱面馆 Qian's Noodles"],
  ['zhangji', '張記麵館'],
  ['xianfeng', '先锋超市'],
  ['lele', '乐乐超市'],
  ['kendeji', 'ＫＦＣ肯德基'],
  ['lvcha', '绿茶餐厅'],
  ['ouyang', '欧阳·烧烤'],
  ['7eleven', '7-Eleven便利店'],
  ['wangfujing', '王府井百货'],
  ['wang', '王府井百货'], // from the start beats 老王面馆's and 饺子王's later 王
  ['huang', '黄记煌'],
  ['cengji', '曾记茶餐厅'],
  ['xiangcaiguan', '湘菜馆 Hunan Kitchen'],
  ['dongbei', '东北饺子王'],
  ['jiaoziwang', '东北饺子王'],
  ['weiqian', '味千拉面'],
  ['lamian', '味千拉面'],
  ['bianlidian', '银行街便利店'], // both convenience stores: the shorter name first
  ['xingbake', '星巴克 Starbucks'],
  ['zhiwei', '知味小笼'],
  // The flat reading of a polyphone finds it too
  ['zhongqing', '重庆小面'],
  ['yinxing', '银行街便利店'],
  // Initials, from the start or from any character
  ['lwmg', '老王面馆'],
  ['LWMG', '老王面馆'],
  ['wmg', '老王面馆'],
  ['cqxm', '重庆小面'],
  ['yhj', '银行街便利店'],
  ['csc', '长沙臭豆腐'],
  ['zjmg', '張記麵館'],
  ['xaxc', '西安小吃'],
  ['lcct', '绿茶餐厅'],
  ['oysk', '欧阳·烧烤'],
  ['xbk', '星巴克 Starbucks'],
  // Pinyin and characters mixed
  ['laow面', '老王面馆'],
  ['lao王', '老王面馆'],
  ['重qing', '重庆小面'],
  ['chang沙', '长沙臭豆腐'],
  // Words of several languages
  ['qian noodle', "老钱面馆 Qian's Noodles"],
  ['hunan kitchen', '湘菜馆 Hunan Kitchen'],
  ['星巴克 starbucks', '星巴克 Starbucks'],
  // One typo in 5 letters or more
  ['laowagn', '老王面馆'],
  ['laownag', '老王面馆'],
  ['chongqnig', '重庆小面'],
  ['zengji', '曾记茶餐厅'],
  ['sunyn', 'Sunny Cafe'],
  ['starbukcs', '星巴克 Starbucks'],
  // Phone
  ['13800000001', '老王面馆'],
];

let w: World;
const created = async (r: ReturnType<typeof createStore>) => {
  const x = await r;
  if (!('created' in x)) throw new Error('taken for a duplicate');
  return x.created;
};
beforeAll(async () => {
  w = await world();
  for (const name of publicNames) await createStore(w.deps, w.people.sup1, { name, ...WEST, ownerId: null, confirmDuplicate: true });
  await createStore(w.deps, w.people.rep1, { name: '海底捞火锅', ...WEST, confirmDuplicate: true }); // Li Lei's own
});
afterAll(async () => w.drop());

const first = async (text: string) => (await searchStores(w.deps, w.people.rep1, { text, limit: 5 })).hits[0]?.name;

describe('search as reps type', () => {
  it.each(table)('%s → %s', async (query, expected) => {
    expect(await first(query)).toBe(expected);
  });

  it('by store code', async () => {
    const s = await w.store('重庆小面');
    expect((await searchStores(w.deps, w.people.rep1, { text: s.code.toLowerCase() })).hits.map((h) => [h.name, h.rank])).toEqual([['重庆小面', RANK.code]]);
  });

  it('says why when the name does not show it', async () => {
    const why = async (text: string) => (await searchStores(w.deps, w.people.rep1, { text })).hits[0]?.why;
    expect(await why('lwmg')).toBe('lwmg → 老王面馆');
    expect(await why('wang')).toBe('wang → 王');
    expect(await why('laow面')).toBe('laow面 → 老王面');
    expect(await why('laowagn')).toBe('laowagn → laowang');
    expect(await why('老王')).toBeNull();
  });

  it('ranks mine before the public pool; reads a typo only when nothing is found as typed', async () => {
    const names = async (text: string) => (await searchStores(w.deps, w.people.rep1, { text })).hits.map((h) => h.name);
    expect(await names('海底捞')).toEqual(['海底捞火锅', '海底捞火锅（滨江店）']);
    expect(await names('hdl')).toEqual(['海底捞火锅', '海底捞火锅（滨江店）']);
    expect(await names('haidilao')).toEqual(['海底捞火锅', '海底捞火锅（滨江店）']);
    // A store's exact name lists no store one letter away.
    expect(await names('sunny cafe')).toEqual(['Sunny Cafe']);
  });

  it('keeps to what the person may see', async () => {
    // 外婆家 is Han Meimei's (rep 2): Li Lei finds it neither by characters nor pinyin nor initials.
    for (const text of ['外婆家', 'waipojia', 'wpj', 'waipoija']) expect(await first(text), text).toBeUndefined();
    expect((await searchStores(w.deps, w.people.rep2, { text: 'wpj' })).hits.map((h) => h.name)).toEqual(['外婆家（湖滨店）']);
    // The /claim list: public stores only, not Li Lei's own 海底捞火锅.
    expect((await searchStores(w.deps, w.people.rep1, { text: 'hdl', claimable: true })).hits.map((h) => h.name)).toEqual(['海底捞火锅（滨江店）']);
  });
});

describe('the console lists and people', () => {
  it('the store list finds by pinyin and initials, best first, saying why, with its other filters', async () => {
    const list = await listConsoleStores(w.deps, w.people.admin, { text: 'lwmg' });
    expect(list.rows.map((r) => [r.name, r.why])).toEqual([['老王面馆', 'lwmg → 老王面馆']]);
    expect(list.total).toBe(1);
    const noodles = await listConsoleStores(w.deps, w.people.admin, { text: 'mianguan' });
    expect(noodles.rows.map((r) => r.name)).toEqual(['老王面馆', '張記麵館', "老钱面馆 Qian's Noodles"]);
    const pub = await listConsoleStores(w.deps, w.people.admin, { text: 'haidilao', pool: 'public' });
    expect(pub.rows.map((r) => r.name)).toEqual(['海底捞火锅（滨江店）']);
    expect((await listConsoleStores(w.deps, w.people.admin, { text: 'haidilao', pageSize: 1, page: 2 })).rows.map((r) => r.name)).toEqual(['海底捞火锅（滨江店）']);
  });

  it('the store export takes the same search', async () => {
    const parts: string[] = [];
    const labels = Object.fromEntries(exportColumns.map((c) => [c, c])) as Parameters<typeof exportStores>[3]['labels'];
    await exportStores(w.deps, w.people.admin, { text: 'cqxm' }, { labels, timezone: 'Asia/Shanghai', write: (c) => void parts.push(c) });
    const lines = parts.join('').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('重庆小面');
  });

  it('people by pinyin and initials of their names, surnames read as surnames', async () => {
    const t1 = await w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } });
    await addPerson(w.deps, w.people.admin, { name: '张伟', role: 'rep', unitId: t1.id });
    await addPerson(w.deps, w.people.admin, { name: '单丽', role: 'rep', unitId: t1.id });
    const targets = async (text: string) => (await requestTransferTargets(w.deps, w.people.rep1, { text })).people.map((p) => p.name);
    expect(await targets('zw')).toEqual(['张伟']);
    expect(await targets('zhangwei')).toEqual(['张伟']);
    expect(await targets('shanli')).toEqual(['单丽']);
    expect(await targets('sam')).toEqual(['Sam Carter']);
    expect(await targets('zhangwie')).toEqual(['张伟']);
    const listed = async (text: string) => (await listPeople(w.deps, w.people.admin, { text })).rows.map((p) => p.name);
    expect(await listed('zw')).toEqual(['张伟']);
    expect(await listed('liu')).toEqual(['刘洋']);
    // The name's start, then 刘 (liu) from the start, then li anywhere (by name): Olivia, 丽, 丽.
    expect(await listed('li')).toEqual(['Li Lei', '刘洋', 'Olivia Brown', '单丽', '孙丽']);
  });
});

describe('the text index follows every write', () => {
  const names = async (text: string) => (await searchStores(w.deps, w.people.admin, { text, limit: 50 })).hits.map((h) => h.name);

  it('a rename: found by the new name, its pinyin and initials; not by the old', async () => {
    const s = await created(createStore(w.deps, w.people.sup1, { name: '福满楼', ...WEST, ownerId: null }));
    expect(await names('fuman')).toEqual(['福满楼']);
    await updateStore(w.deps, w.people.sup1, s.id, { name: '聚福园' });
    expect(await names('fuman')).toEqual([]);
    expect(await names('福满楼')).toEqual([]);
    expect(await names('jufuyuan')).toEqual(['聚福园']);
    expect(await names('jfy')).toEqual(['聚福园']);
    expect(await names('聚福')).toEqual(['聚福园']);
    await expectIndexInStep(w);
  });

  it('a merge: the duplicate is gone, the survivor found', async () => {
    const a = await created(createStore(w.deps, w.people.sup1, { name: '蜀香阁', ...WEST, ownerId: null }));
    const b = await created(createStore(w.deps, w.people.sup1, { name: '蜀香阁川菜', ...WEST, ownerId: null, confirmDuplicate: true }));
    expect(await names('shuxiangge')).toEqual(['蜀香阁', '蜀香阁川菜']);
    await mergeStores(w.deps, w.people.admin, a.id, b.id);
    expect(await names('shuxiangge')).toEqual(['蜀香阁']);
    expect(await names('sxgcc')).toEqual([]);
    await expectIndexInStep(w);
  });

  it('a delete: found by nobody', async () => {
    const s = await created(createStore(w.deps, w.people.sup1, { name: '鸿运酒家', ...WEST, ownerId: null }));
    expect(await names('hongyun')).toEqual(['鸿运酒家']);
    await setStoreStatus(w.deps, w.people.admin, s.id, 'deleted', 'closed for good');
    expect(await names('hongyun')).toEqual([]);
    expect(await names('hyjj')).toEqual([]);
    await expectIndexInStep(w);
  });
});

/** On SQLite, FTS5's own check: the index holds exactly what "Store" holds. */
async function expectIndexInStep(x: World): Promise<void> {
  if (providerOf(x.database.url) !== 'sqlite') return;
  const db = new BetterSqlite3(sqlitePath(x.database.url));
  try {
    expect(() => db.prepare(`INSERT INTO "StoreSearch" ("StoreSearch", rank) VALUES ('integrity-check', 1)`).run()).not.toThrow();
  } finally {
    db.close();
  }
}
