import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../src/domain/errors.ts';
import { importOrg } from '../../../../src/domain/imports/org-import.ts';
import { writeSettings } from '../../../../src/domain/settings/settings.ts';
import { claimStore } from '../../../../src/domain/pools/pools.ts';
import { describeError, describeIssue } from '../../../../src/i18n/index.ts';
import { orgFile, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
type Obj = Record<string, unknown>;

async function problems(file: unknown): Promise<string[]> {
  try {
    await importOrg(w.deps, file);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return describeError(en, e).split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the import to be refused');
}

async function counts() {
  return {
    units: await w.db.orgUnit.count(),
    people: await w.db.person.count(),
    regions: await w.db.region.count(),
    stores: await w.db.store.count(),
    history: await w.db.claimHistory.count(),
    audit: await w.db.auditLog.count(),
  };
}

describe('org import', () => {
  it('built the example company: the tree, leads, regions from points, owners with protection', async () => {
    const west = await w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west' }, include: { parent: true, lead: true } });
    expect(west.parent?.key).toBe('hz');
    expect(west.lead?.name).toBe('Wang Fang');
    const sunny = await w.store('Sunny Cafe');
    const region = await w.db.region.findUniqueOrThrow({ where: { id: sunny.regionId! } });
    expect(region.key).toBe('west');
    expect(sunny.ownerId).toBe(w.people.rep1.id);
    expect(sunny.code).toMatch(/^CRM20261122\d{4}$/);
    expect(JSON.parse(region.polygon)).toMatchObject({ type: 'Polygon' });
  });

  it('sets only the settings the file names, leaving the others as they are', async () => {
    await w.db.$transaction((tx) => writeSettings(tx, { claimScope: 'citywide' }));
    const report = await importOrg(w.deps, orgFile());
    expect(report.settings).toBe(6);
    expect((await w.db.setting.findUniqueOrThrow({ where: { key: 'claimScope' } })).value).toBe('"citywide"');
  });

  it('re-applying the same file changes nothing and keeps claims made meanwhile', async () => {
    const s = await w.store('老王面馆');
    await claimStore(w.deps, w.people.rep2, s.id);
    const before = await counts();
    const report = await importOrg(w.deps, orgFile());
    expect(report.stores).toEqual({ created: 0, updated: 7, relocated: 0 });
    expect(report.people).toEqual({ created: 0, updated: 10 });
    const after = await counts();
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    expect((await w.store('老王面馆')).ownerId).toBe(w.people.rep2.id);
  });

  it('reports every problem with its path and writes nothing', async () => {
    const before = await counts();
    const file = orgFile() as { units: Obj[]; people: Obj[]; regions: Obj[]; stores: Obj[] };
    file.people.push({ slackId: 'U0REP9', name: 'New Rep', role: 'rep', unit: 'hz-wst' });
    file.people.push({ slackId: 'U0REP8', name: 'Bad Zone', role: 'rep', unit: 'hz-west-t1', timezone: 'Mars/Olympus' });
    file.people.push({ slackId: 'U0REP7', name: '', role: 'intern', unit: 'hz-west-t1' });
    file.units.push({ key: 'loop-a', name: 'A', parent: 'loop-b' }, { key: 'loop-b', name: 'B', parent: 'loop-a' });
    file.regions.push({ key: 'tri', name: 'Two points', unit: 'hz', polygon: [[1, 1], [2, 2], [1, 1]] });
    file.regions.push({ key: 'bow', name: 'Bow tie', unit: 'hz', polygon: [[0, 0], [1, 1], [1, 0], [0, 1]] });
    file.regions.push({ key: 'lap', name: 'Overlap', unit: 'hz', polygon: [[120.17, 30.2], [120.2, 30.2], [120.2, 30.3], [120.17, 30.3]] });
    file.stores.push({ name: 'Beijing Duck', phone: '13800000099', lng: 116.4, lat: 39.9 });
    file.stores.push({ name: 'Twin', phone: '13800000001', lng: 120.15, lat: 30.25 });
    const lines = await problems(file);
    expect(lines).toEqual(
      expect.arrayContaining([
        'people[10].unit: no unit "hz-wst"',
        'people[11].timezone: unknown time zone "Mars/Olympus"',
        'units[6].parent: unit "loop-a" would be its own ancestor',
        'regions[2].polygon: needs at least 3 distinct points (has 2)',
        'regions[3].polygon: crosses itself',
        'regions[4].polygon: overlaps region "west"',
        'stores[7]: The location (116.4, 39.9) is outside every sales region.',
        'stores[8].phone: "13800000001" appears twice (first at stores[0])',
        'people[12].name: is required',
        'people[12].role: must be one of: rep, supervisor, manager, admin',
      ]),
    );
    // A file whose outline is wrong is reported as such.
    const shape = await problems({ stores: 'many', colour: 'red' });
    expect(shape.sort()).toEqual([': unknown keys: colour', 'stores: must be a list']);
    expect(await counts()).toEqual(before);
  });

  it('a dry run reports and writes nothing', async () => {
    const before = await counts();
    const file = orgFile() as { stores: Obj[] };
    file.stores.push({ name: 'Dry Run Diner', phone: '13800000042', lng: 120.12, lat: 30.24 });
    const report = await importOrg(w.deps, file, { dryRun: true });
    expect(report.stores.created).toBe(1);
    expect(await counts()).toEqual(before);
  });

  it('reads people’s locale tags as Slack and spreadsheets write them; a tag with no language is a warning, not a refusal', async () => {
    const file = orgFile() as { people: Obj[] };
    const tags = { U0LOC01: 'en-US', U0LOC02: 'en-GB', U0LOC03: 'zh-Hans', U0LOC04: 'zh-Hans-CN', U0LOC05: 'zh-SG', U0LOC06: 'zh_CN', U0LOC07: 'zh-TW', U0LOC08: 'zh-Hant-HK', U0LOC09: 'xx-YY' };
    for (const [slackId, locale] of Object.entries(tags)) file.people.push({ slackId, name: `Person ${slackId}`, role: 'rep', unit: 'hz-west-t1', locale });
    const report = await importOrg(w.deps, file);
    expect(report.people.created).toBe(9);
    const stored = await w.db.person.findMany({ where: { slackId: { in: Object.keys(tags) } }, orderBy: { slackId: 'asc' }, select: { locale: true } });
    expect(stored.map((p) => p.locale)).toEqual(['en', 'en', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', null]);
    const index = file.people.length - 1;
    expect(report.warnings.map((i) => describeIssue(en, i))).toEqual([
      `people[${index}].locale: no language for locale "xx-YY": the person reads the default (their Slack’s language, else English)`,
    ]);
    // Re-applied, the file reads the same and warns again.
    expect((await importOrg(w.deps, file)).warnings).toHaveLength(1);
    // The people the example company already had are as they were.
    expect((await w.db.person.findUniqueOrThrow({ where: { slackId: 'U0REP1' } })).locale).toBe('zh-CN');
  });

  it('moving a region border moves the stores inside it', async () => {
    const file = orgFile() as { regions: { key: string; polygon: unknown }[] };
    // West shrinks to end at 120.14; east grows to start there.
    file.regions[0]!.polygon = [[120.10, 30.22], [120.14, 30.22], [120.14, 30.29], [120.10, 30.29]];
    file.regions[1]!.polygon = [[120.14, 30.22], [120.30, 30.22], [120.30, 30.32], [120.14, 30.32]];
    const report = await importOrg(w.deps, file);
    expect(report.stores.relocated).toBe(3); // 老王面馆 (120.15), Sunny Cafe (120.16), 外婆家 (120.17)
    const east = await w.db.region.findUniqueOrThrow({ where: { key: 'east' } });
    expect((await w.store('Sunny Cafe')).regionId).toBe(east.id);
  });
});
