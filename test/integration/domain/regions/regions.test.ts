import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/domain/errors.ts';
import { bbox, type LngLat } from '../../../../src/domain/geo/polygon.ts';
import { RegionGrid } from '../../../../src/domain/regions/grid.ts';
import { RegionIndex } from '../../../../src/domain/regions/locate.ts';
import { relocateStores } from '../../../../src/domain/regions/relocate.ts';
import { deleteRegion, exportRegions, getRegion, importRegions, listRegions, saveRegion, storePoints } from '../../../../src/domain/regions/regions.ts';
import { nameKey } from '../../../../src/domain/stores/normalize.ts';
import { describeError } from '../../../../src/i18n/index.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const rect = (lng1: number, lat1: number, lng2: number, lat2: number): LngLat[] => [
  [lng1, lat1],
  [lng2, lat1],
  [lng2, lat2],
  [lng1, lat2],
];
const unitId = async (key: string) => (await w.db.orgUnit.findUniqueOrThrow({ where: { key } })).id;
const region = (key: string) => w.db.region.findUniqueOrThrow({ where: { key } });
const regionOf = async (store: string) => {
  const s = await w.store(store);
  return s.regionId === null ? null : (await w.db.region.findUniqueOrThrow({ where: { id: s.regionId } })).key;
};
const feature = (key: string, name: string, unit: string, geometry: unknown) => ({ type: 'Feature', properties: { key, name, unit }, geometry });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const polygon = (ring: LngLat[]) => ({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
const snapshot = async () => ({
  regions: await w.db.region.findMany({ orderBy: { id: 'asc' } }),
  stores: (await w.db.store.findMany({ orderBy: { id: 'asc' } })).map((s) => [s.id, s.regionId]),
  audit: await w.db.auditLog.count(),
});

/** A store placed directly (the point decides nothing here: the test sets the region it starts in). */
async function addStore(name: string, lng: number, lat: number, regionKey: string | null) {
  return w.db.store.create({
    data: { code: `T${name}`, name, nameKey: nameKey(name), lng, lat, regionId: regionKey ? (await region(regionKey)).id : null },
  });
}

describe('listing regions', () => {
  it('shows an admin every region with its unit and store count, a manager those of its subtree', async () => {
    const all = await listRegions(w.deps, w.people.admin);
    expect(all.map((r) => [r.key, r.name, r.unitKey, r.storeCount])).toEqual([
      ['east', 'Qiantang', 'hz-east', 2],
      ['west', 'West Lake', 'hz-west', 5],
    ]);
    expect(all[1]!.ring).toEqual(rect(120.1, 30.22, 120.18, 30.29));
    const mine = await listRegions(w.deps, w.people.mgrWest);
    expect(mine.map((r) => r.key)).toEqual(['west']);
    // Another subtree's region reads as "no such region", without its name: ids cannot be probed.
    const theirs = await rejection(getRegion(w.deps, w.people.mgrWest, (await region('east')).id));
    expect([theirs.code, theirs.key, theirs.params.name]).toEqual(['not_found', 'region.not_found', undefined]);
  });

  it('refuses supervisors and reps', async () => {
    expect((await rejection(listRegions(w.deps, w.people.sup1))).key).toBe('region.needs_manager');
    expect((await rejection(saveRegion(w.deps, w.people.rep1, { key: 'x', name: 'x', unitId: await unitId('hz-west-t1'), polygon: rect(121, 31, 121.1, 31.1) }))).code).toBe('forbidden');
  });

  it('gives the map the stores the actor may see', async () => {
    expect(await storePoints(w.deps, w.people.admin)).toHaveLength(7);
    // West's manager: the stores of its regions; east's public tea house is not among them.
    const west = await storePoints(w.deps, w.people.mgrWest);
    expect(west).toContainEqual([120.15, 30.25]);
    expect(west).not.toContainEqual([120.25, 30.3]);
  });
});

describe('saving a region', () => {
  it('shrinking a region lets its stores go; a new region over them takes them in', async () => {
    const west = await region('west');
    const shrunk = await saveRegion(w.deps, w.people.admin, { id: west.id, key: 'west', name: 'West Lake', unitId: west.unitId, polygon: rect(120.1, 30.22, 120.14, 30.29) });
    expect(shrunk.moved).toBe(3);
    expect(shrunk.region.storeCount).toBe(2);
    expect(await regionOf('老王面馆')).toBeNull();
    expect(await regionOf('知味小笼')).toBe('west');
    expect(await w.db.region.findUniqueOrThrow({ where: { id: west.id } })).toMatchObject({ minLng: 120.1, maxLng: 120.14, minLat: 30.22, maxLat: 30.29 });

    // Shares its borders with both neighbours: allowed.
    const mid = await saveRegion(w.deps, w.people.admin, { key: 'mid', name: 'Lakeside', unitId: await unitId('hz-west-t1'), polygon: polygon(rect(120.14, 30.22, 120.18, 30.29)) });
    expect(mid).toMatchObject({ created: true, moved: 3, region: { key: 'mid', unitKey: 'hz-west-t1', storeCount: 3 } });
    expect(await regionOf('外婆家（湖滨店）')).toBe('mid');
    const audit = await w.db.auditLog.findMany({ where: { entity: 'region' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['region.create', 'region.create', 'region.update', 'region.create']);
    expect(JSON.parse(audit[3]!.after!)).toMatchObject({ key: 'mid', unit: 'hz-west-t1', moved: 3 });
  });

  it('takes a polygon as JSON text from a form, and a rename without a new outline moves nothing', async () => {
    const west = await region('west');
    const text = JSON.stringify(rect(120.1, 30.22, 120.18, 30.29));
    const r = await saveRegion(w.deps, w.people.admin, { id: west.id, key: 'west-lake', name: 'West Lake <b>', unitId: await unitId('hz-west-t2'), polygon: text });
    expect(r).toMatchObject({ created: false, moved: 0, region: { key: 'west-lake', name: 'West Lake <b>', unitKey: 'hz-west-t2', storeCount: 5 } });
  });

  it('moving an edge hands the stores between the two regions', async () => {
    const [west, east] = [await region('west'), await region('east')];
    await saveRegion(w.deps, w.people.admin, { id: east.id, key: 'east', name: 'Qiantang', unitId: east.unitId, polygon: rect(120.18, 30.29, 120.3, 30.32) });
    const grown = await saveRegion(w.deps, w.people.admin, { id: west.id, key: 'west', name: 'West Lake', unitId: west.unitId, polygon: rect(120.1, 30.22, 120.3, 30.29) });
    expect(grown.moved).toBe(1); // the grill at 30.27; the tea house (30.30) stays east
    expect(await regionOf('River Side Grill')).toBe('west');
    expect(await regionOf('钱塘茶馆')).toBe('east');
  });

  it('refuses an overlap, naming the other region, and writes nothing', async () => {
    const before = await snapshot();
    const e = await rejection(saveRegion(w.deps, w.people.admin, { key: 'north', name: 'North', unitId: await unitId('hz'), polygon: rect(120.25, 30.3, 120.4, 30.4) }));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.key).toBe('region.overlaps_region');
    expect(describeError(en, e)).toContain('overlaps region "Qiantang (east)"');
    expect(e.issues).toEqual([{ path: 'polygon', key: 'region.overlaps', params: { other: 'Qiantang (east)' } }]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a shape that crosses itself, or that is not a polygon', async () => {
    const hz = await unitId('hz');
    const bowtie: LngLat[] = [[121, 31], [121.1, 31.1], [121.1, 31], [121, 31.1]];
    const crossed = await rejection(saveRegion(w.deps, w.people.admin, { key: 'bow', name: 'Bow', unitId: hz, polygon: bowtie }));
    expect(crossed.key).toBe('region.outline_crosses_itself');
    expect(crossed.issues[0]).toMatchObject({ path: 'polygon', key: 'region.polygon_self_intersecting' });
    for (const bad of [{ type: 'Point', coordinates: [121, 31] }, { type: 'LineString', coordinates: bowtie }, 'not json', [[121, 31], [121.1, 31.1]]]) {
      const e = await rejection(saveRegion(w.deps, w.people.admin, { key: 'bad', name: 'Bad', unitId: hz, polygon: bad }));
      expect(e.key).toBe('region.outline_invalid');
      expect(e.issues[0]!.path).toBe('polygon');
    }
    expect(await w.db.region.count()).toBe(2);
  });

  it('refuses a key already in use and an unknown unit, by field', async () => {
    const taken = await rejection(saveRegion(w.deps, w.people.admin, { key: 'west', name: 'Again', unitId: await unitId('hz'), polygon: rect(121, 31, 121.1, 31.1) }));
    expect(taken.issues).toEqual([{ path: 'key', key: 'region.key_taken', params: { name: 'West Lake' } }]);
    const noUnit = await rejection(saveRegion(w.deps, w.people.admin, { key: 'x', name: 'X', unitId: 9999, polygon: rect(121, 31, 121.1, 31.1) }));
    expect(noUnit.issues[0]!.path).toBe('unitId');
    // Every problem at once, the outline's with the fields'.
    const badKey = await rejection(saveRegion(w.deps, w.people.admin, { key: 'no spaces', name: '', unitId: null, polygon: [] }));
    expect(badKey.issues.map((i) => i.path).sort()).toEqual(['key', 'name', 'polygon', 'unitId']);
  });

  it('lets a manager draw only for units of its subtree', async () => {
    const before = await snapshot();
    const east = await region('east');
    const mgr = w.people.mgrWest;
    expect((await rejection(saveRegion(w.deps, mgr, { id: east.id, key: 'east', name: 'Mine now', unitId: await unitId('hz-west'), polygon: rect(120.18, 30.22, 120.3, 30.32) }))).key).toBe('region.not_found');
    expect((await rejection(saveRegion(w.deps, mgr, { key: 'far', name: 'Far', unitId: await unitId('hz-east-t1'), polygon: rect(121, 31, 121.1, 31.1) }))).key).toBe('region.unit_outside_subtree');
    const west = await region('west');
    expect((await rejection(saveRegion(w.deps, mgr, { id: west.id, key: 'west', name: 'West Lake', unitId: await unitId('hz'), polygon: rect(120.1, 30.22, 120.18, 30.29) }))).code).toBe('forbidden');
    expect(await snapshot()).toEqual(before);
    const ok = await saveRegion(w.deps, mgr, { key: 't1', name: 'Team 1 north', unitId: await unitId('hz-west-t1'), polygon: rect(120.1, 30.29, 120.18, 30.32) });
    expect(ok.created).toBe(true);
  });
});

describe('deleting a region', () => {
  it('its stores lose their region, except one on a shared border, which the neighbour takes', async () => {
    await addStore('On the border', 120.18, 30.25, 'west');
    const west = await region('west');
    const r = await deleteRegion(w.deps, w.people.admin, west.id);
    expect(r).toEqual({ key: 'west', name: 'West Lake', moved: 6 });
    expect(await regionOf('Sunny Cafe')).toBeNull();
    expect(await regionOf('On the border')).toBe('east');
    expect(await w.db.region.count()).toBe(1);
    const audit = await w.db.auditLog.findFirstOrThrow({ where: { action: 'region.delete' } });
    expect(JSON.parse(audit.before!)).toMatchObject({ key: 'west', unit: 'hz-west' });
  });

  it('clears stores placed in it without a location, and is refused outside a manager subtree', async () => {
    await addStore('No location', 0, 0, 'east').then((s) => w.db.store.update({ where: { id: s.id }, data: { lng: null, lat: null } }));
    const east = await region('east');
    expect((await rejection(deleteRegion(w.deps, w.people.mgrWest, east.id))).code).toBe('not_found');
    expect(await w.db.region.count()).toBe(2);
    expect((await deleteRegion(w.deps, w.people.mgrEast, east.id)).moved).toBe(3);
    expect(await regionOf('No location')).toBeNull();
    expect((await rejection(deleteRegion(w.deps, w.people.admin, east.id))).code).toBe('not_found');
  });
});

describe('GeoJSON', () => {
  it('export and import round-trip: nothing changes, nothing moves', async () => {
    const before = await snapshot();
    const file = await exportRegions(w.deps, w.people.admin);
    expect(file.features.map((f) => f.properties)).toEqual([
      { key: 'east', name: 'Qiantang', unit: 'hz-east' },
      { key: 'west', name: 'West Lake', unit: 'hz-west' },
    ]);
    expect(file.features[1]!.geometry.coordinates[0]).toHaveLength(5);
    const report = await importRegions(w.deps, w.people.admin, JSON.stringify(file));
    expect(report).toEqual({ created: 0, updated: 2, moved: 0 });
    const after = await snapshot();
    expect(after.regions.map((r) => r.polygon)).toEqual(before.regions.map((r) => r.polygon));
    expect(after.stores).toEqual(before.stores);
  });

  it('an exported file brings deleted regions back, and their stores with them', async () => {
    const file = await exportRegions(w.deps, w.people.admin);
    for (const key of ['west', 'east']) await deleteRegion(w.deps, w.people.admin, (await region(key)).id);
    expect(await regionOf('Sunny Cafe')).toBeNull();
    const report = await importRegions(w.deps, w.people.admin, Buffer.from(`\uFEFF${JSON.stringify(file)}`));
    expect(report).toEqual({ created: 2, updated: 0, moved: 7 });
    expect(await regionOf('Sunny Cafe')).toBe('west');
    expect(await regionOf('钱塘茶馆')).toBe('east');
  });

  it('replaces and adds regions with one relocation at the end', async () => {
    const file = collection(
      feature('west', 'West Lake', 'hz-west', polygon(rect(120.1, 30.22, 120.14, 30.29))),
      feature('mid', 'Lakeside', 'hz-west-t1', polygon(rect(120.14, 30.22, 120.18, 30.29))),
    );
    expect(await importRegions(w.deps, w.people.admin, file)).toEqual({ created: 1, updated: 1, moved: 3 });
    expect(await regionOf('Sunny Cafe')).toBe('mid');
    const actions = (await w.db.auditLog.findMany({ where: { entity: 'region' }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions.slice(-2)).toEqual(['region.update', 'region.create']);
  });

  it('refuses the whole file when one feature is bad, listing every problem by feature', async () => {
    const before = await snapshot();
    const file = collection(
      feature('north', 'North', 'hz', polygon(rect(120.1, 30.29, 120.18, 30.32))),
      feature('pt', 'A point', 'hz', { type: 'Point', coordinates: [120.2, 30.4] }),
      feature('multi', 'Many', 'hz', { type: 'MultiPolygon', coordinates: [[rect(121, 31, 121.1, 31.1)]] }),
      feature('line', 'A line', 'hz', { type: 'LineString', coordinates: rect(121, 31, 121.1, 31.1) }),
      feature('over', 'Over east', 'hz', polygon(rect(120.25, 30.3, 120.4, 30.4))),
      feature('over2', 'Over north', 'hz', polygon(rect(120.12, 30.3, 120.14, 30.31))),
      feature('north', 'Twice', 'nowhere', polygon(rect(121, 31, 121.1, 31.1))),
      { type: 'Feature', properties: { key: 'bow', name: 'Bow', unit: 'hz' }, geometry: { type: 'Polygon', coordinates: [[[122, 31], [122.1, 31.1], [122.1, 31], [122, 31.1], [122, 31]]] } },
      { type: 'Feature', properties: {}, geometry: null },
    );
    const e = await rejection(importRegions(w.deps, w.people.admin, file));
    expect(e.key).toBe('import.invalid');
    const lines = describeError(en, e).split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        'features[1].geometry: is a Point, not a Polygon: only polygons can be regions',
        'features[2].geometry: is a MultiPolygon, not a Polygon: only polygons can be regions',
        'features[3].geometry: is a LineString, not a Polygon: only polygons can be regions',
        'features[4].geometry: overlaps region "Qiantang (east)"',
        'features[5].geometry: overlaps region "north (features[0])"',
        'features[6].properties.unit: no unit "nowhere"',
        'features[6].properties.key: "north" appears twice (first at features[0])',
        'features[7].geometry: crosses itself',
        'features[8].properties.key: is required',
        'features[8].geometry: has no geometry: a region needs a Polygon',
      ]),
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses what is not a FeatureCollection', async () => {
    expect((await rejection(importRegions(w.deps, w.people.admin, '{oops'))).key).toBe('region.import_not_json');
    const single = await rejection(importRegions(w.deps, w.people.admin, feature('x', 'X', 'hz', polygon(rect(121, 31, 121.1, 31.1)))));
    expect(describeError(en, single)).toBe('The file is not a GeoJSON FeatureCollection (its type is "Feature").');
    expect((await rejection(importRegions(w.deps, w.people.admin, collection()))).key).toBe('region.import_empty');
  });

  it('keeps a manager to its subtree: export shows its regions, an import outside it writes nothing', async () => {
    const mine = await exportRegions(w.deps, w.people.mgrWest);
    expect(mine.features.map((f) => f.properties.key)).toEqual(['west']);
    const before = await snapshot();
    const file = collection(
      feature('t1', 'Team 1 north', 'hz-west-t1', polygon(rect(120.1, 30.29, 120.18, 30.32))),
      feature('east', 'Taken over', 'hz-west', polygon(rect(120.18, 30.22, 120.3, 30.32))),
    );
    const e = await rejection(importRegions(w.deps, w.people.mgrWest, file));
    expect(e.code).toBe('forbidden');
    expect(describeError(en, e)).toContain('Region "east" (features[1]) is for unit "hz-east"');
    expect(await snapshot()).toEqual(before);
    expect(await importRegions(w.deps, w.people.mgrWest, collection(file.features[0]))).toEqual({ created: 1, updated: 0, moved: 0 });
  });
});

describe('relocating every store (org import)', () => {
  it('puts each store back in the region its point lies in', async () => {
    await w.db.store.updateMany({ data: { regionId: null } });
    const east = await region('east');
    await w.db.store.updateMany({ where: { name: 'Sunny Cafe' }, data: { regionId: east.id } });
    const moved = await w.db.$transaction((tx) => relocateStores(tx));
    expect(moved).toEqual({ moved: 7 });
    expect(await regionOf('Sunny Cafe')).toBe('west');
    expect(await regionOf('River Side Grill')).toBe('east');
  });
});

describe('the grid used to locate many stores', () => {
  it('answers as the plain region index does, on a tiling with shared borders and points on them', () => {
    // A 7 × 5 tiling of jittered quadrilaterals (like the bench's), with one gap.
    const v = (i: number, j: number): LngLat => [120 + i * 0.03 + ((i * 7 + j * 3) % 5) * 0.002 * (i % 7 ? 1 : 0), 30 + j * 0.025 + ((i * 3 + j) % 4) * 0.002 * (j % 5 ? 1 : 0)];
    const regions = [];
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 5; j++) {
        if (i === 3 && j === 2) continue;
        const ring: LngLat[] = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)];
        regions.push({ id: regions.length + 1, key: `r${regions.length + 1}`, unitId: 1, ring, ...bbox(ring) });
      }
    }
    const grid = new RegionGrid(regions);
    const plain = new RegionIndex(regions);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const points: LngLat[] = [...regions.flatMap((r) => r.ring), [119.9, 30], [120.5, 30.5]];
    for (let k = 0; k < 5000; k++) points.push([119.99 + random() * 0.24, 29.99 + random() * 0.15]);
    for (const [lng, lat] of points) expect(grid.locate(lng, lat)?.id ?? null, `${lng}, ${lat}`).toBe(plain.locate(lng, lat)?.id ?? null);
  });
});
