import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let admin: ConsoleClient;
let mgrWest: ConsoleClient;
beforeAll(async () => {
  cw = await consoleWorld();
  admin = await cw.as('admin');
  mgrWest = await cw.as('mgrWest');
});
afterAll(async () => cw?.stop());

const XSS = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const unitId = async (key: string) => String((await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key } })).id);
const region = (key: string) => cw.w.db.region.findUniqueOrThrow({ where: { key } });
const regions = () => cw.w.db.region.findMany({ orderBy: { id: 'asc' } });
const rect = (lng1: number, lat1: number, lng2: number, lat2: number) => JSON.stringify([[lng1, lat1], [lng2, lat1], [lng2, lat2], [lng1, lat2]]);
const geojson = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const feature = (key: string, name: string, unit: string, geometry: unknown) => ({ type: 'Feature', properties: { key, name, unit }, geometry });
const polygon = (json: string) => {
  const ring = JSON.parse(json) as number[][];
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
};

/** The page a redirect leads to (where the flash message is shown). */
async function follow(c: ConsoleClient, res: { status: number; headers: Headers }) {
  expect(res.status).toBe(303);
  return c.get(res.headers.get('location')!);
}

describe('GET /console/regions', () => {
  it('sends a signed-out visitor to sign in', async () => {
    const res = await cw.client().get('/console/regions');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fregions');
  });

  it('shows an admin the map, every region in a table with its store count, the forms and the export', async () => {
    const res = await admin.get('/console/regions');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<tr data-key="west">\s*<td>West Lake<\/td>[\s\S]*?West Lake area[\s\S]*?<td class="num">5<\/td>/);
    expect(res.text).toMatch(/<tr data-key="east">[\s\S]*?<td class="num">2<\/td>/);
    expect(res.text).toContain('<div id="region-map"');
    expect(res.text).toContain('src="/console/regions/leaflet/leaflet.js"');
    expect(res.text).toContain('src="/console/assets/regions-map.js"');
    expect(res.text).toContain('<script type="application/json" id="regions-config">');
    expect(res.text).toContain('action="/console/regions"');
    expect(res.text).toContain('enctype="multipart/form-data"');
    expect(res.text).toContain('href="/console/regions.geojson"');
    // No tile URL set: the map gets none (a plain background).
    expect(res.text).toContain('"tileUrl":""');
  });

  it('shows a manager only the regions of its subtree and only its units to assign', async () => {
    const res = await mgrWest.get('/console/regions');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-key="west"');
    expect(res.text).not.toContain('data-key="east"');
    expect(res.text).not.toContain('Qiantang');
    expect(res.text).toContain('Team 1 (hz-west-t1)');
  });
});

describe('map assets and data', () => {
  it('serves Leaflet from node_modules to a signed-in user, and the page script to anyone', async () => {
    const js = await admin.get('/console/regions/leaflet/leaflet.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await admin.get('/console/regions/leaflet/leaflet.css')).text).toContain('.leaflet-container');
    expect((await admin.get('/console/regions/leaflet/images/layers.png')).status).toBe(200);
    expect((await admin.get('/console/regions/leaflet/nothing.js')).status).toBe(404);
    expect((await cw.client().get('/console/regions/leaflet/leaflet.js')).status).toBe(303);
    expect((await cw.client().get('/console/assets/regions-map.js')).text).toContain('countInside');
  });

  it('sends the store dots in the user’s scope as one flat array', async () => {
    expect((await cw.client().get('/console/regions/stores.json')).status).toBe(303);
    const all = JSON.parse((await admin.get('/console/regions/stores.json')).text) as { points: number[] };
    expect(all.points).toHaveLength(14);
    expect(all.points.slice(0, 2)).toEqual([120.15, 30.25]);
    const west = JSON.parse((await mgrWest.get('/console/regions/stores.json')).text) as { points: number[] };
    expect(west.points.length).toBeLessThan(14);
  });

  it('exports the regions in scope as a GeoJSON download', async () => {
    expect((await cw.client().get('/console/regions.geojson')).status).toBe(303);
    const res = await admin.get('/console/regions.geojson');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="regions.geojson"');
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const file = JSON.parse(res.text) as { type: string; features: { properties: { key: string } }[] };
    expect(file.type).toBe('FeatureCollection');
    expect(file.features.map((f) => f.properties.key)).toEqual(['east', 'west']);
    const mine = JSON.parse((await mgrWest.get('/console/regions.geojson')).text) as typeof file;
    expect(mine.features.map((f) => f.properties.key)).toEqual(['west']);
  });
});

describe('POST /console/regions (new region)', () => {
  it('is refused signed out and without the CSRF token, writing nothing', async () => {
    const before = await regions();
    const fields = { key: 'north', name: 'North', unitId: await unitId('hz'), polygon: rect(120.1, 30.29, 120.18, 30.32) };
    expect((await cw.client().post('/console/regions', fields, { csrf: false })).status).toBe(401);
    expect((await admin.post('/console/regions', fields, { csrf: false })).status).toBe(403);
    expect(await regions()).toEqual(before);
  });

  it('refuses a manager drawing for a unit outside its subtree (403), writing nothing', async () => {
    const before = await regions();
    const res = await mgrWest.post('/console/regions', { key: 'far', name: 'Far', unitId: await unitId('hz-east-t1'), polygon: rect(121, 31, 121.1, 31.1) });
    expect(res.status).toBe(403);
    expect(await regions()).toEqual(before);
  });

  it('re-shows the form (422) with a clear message for a shape that crosses itself, overlaps, or is not a polygon', async () => {
    const hz = await unitId('hz');
    const before = await regions();
    const crossed = await admin.post('/console/regions', { key: 'bow', name: 'Bow', unitId: hz, polygon: JSON.stringify([[121, 31], [121.1, 31.1], [121.1, 31], [121, 31.1]]) });
    expect(crossed.status).toBe(422);
    expect(crossed.text).toContain('Outline: crosses itself');
    expect(crossed.text).toContain('value="bow"'); // what was typed is kept
    const overlap = await admin.post('/console/regions', { key: 'over', name: 'Over', unitId: hz, polygon: rect(120.25, 30.3, 120.4, 30.4) });
    expect(overlap.status).toBe(422);
    expect(overlap.text).toContain('Outline: overlaps region &quot;Qiantang (east)&quot;');
    const point = await admin.post('/console/regions', { key: 'pt', name: 'Point', unitId: hz, polygon: JSON.stringify({ type: 'Point', coordinates: [121, 31] }) });
    expect(point.status).toBe(422);
    expect(point.text).toContain('Outline: is not a polygon');
    const empty = await admin.post('/console/regions', { key: '', name: '', unitId: '', polygon: '' });
    expect(empty.status).toBe(422);
    expect(empty.text.match(/<span class="error"[^>]*>is required<\/span>/g)).toHaveLength(3); // key, name, unit
    expect(empty.text).toContain('Outline: is not a polygon');
    expect(await regions()).toEqual(before);
  });

  it('creates a region, re-assigns the stores inside it, and shows the count and the name escaped', async () => {
    // A store north of both regions, in no region yet.
    await cw.w.db.store.create({ data: { code: 'TNORTH1', name: 'North Noodles', nameKey: 'north noodles', lng: 120.15, lat: 30.3 } });
    const res = await admin.post('/console/regions', { key: 'north', name: `North ${XSS}`, unitId: await unitId('hz-west'), polygon: rect(120.1, 30.29, 120.18, 30.32) });
    const north = await region('north');
    expect(res.headers.get('location')).toBe(`/console/regions/${north.id}`);
    const page = await follow(admin, res);
    expect(page.text).toContain(`Saved region North ${ESCAPED}: 1 store moved.`);
    expect(page.text).not.toContain(XSS);
    expect(north.name).toBe(`North ${XSS}`);
    expect((await cw.w.db.store.findUniqueOrThrow({ where: { code: 'TNORTH1' } })).regionId).toBe(north.id);
  });
});

describe('GET and POST /console/regions/:id (edit)', () => {
  it('shows the edit form filled in, and refuses other subtrees and unknown ids', async () => {
    const west = await region('west');
    expect((await cw.client().get(`/console/regions/${west.id}`)).status).toBe(303);
    const page = await mgrWest.get(`/console/regions/${west.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="/console/regions/${west.id}"`);
    expect(page.text).toContain('value="West Lake"');
    expect(page.text).toContain('[[120.1,30.22],[120.18,30.22],[120.18,30.29],[120.1,30.29]]');
    expect(page.text).toContain(`"editing":${west.id}`);
    const east = await region('east');
    // Another subtree's region is "not found", as an unknown id is: ids cannot be probed.
    expect((await mgrWest.get(`/console/regions/${east.id}`)).status).toBe(404);
    expect((await admin.get('/console/regions/99999')).status).toBe(404);
    expect((await admin.get('/console/regions/abc')).status).toBe(404);
  });

  it('renames and moves an outline, with CSRF, within the manager’s subtree only', async () => {
    const west = await region('west');
    const east = await region('east');
    const fields = { key: 'west', name: 'West Lake', unitId: await unitId('hz-west-t1'), polygon: rect(120.1, 30.22, 120.14, 30.29) };
    expect((await mgrWest.post(`/console/regions/${west.id}`, fields, { csrf: false })).status).toBe(403);
    expect((await cw.client().post(`/console/regions/${west.id}`, fields, { csrf: false })).status).toBe(401);
    const before = await regions();
    const other = await mgrWest.post(`/console/regions/${east.id}`, { key: 'east', name: 'Mine', unitId: await unitId('hz-west'), polygon: rect(120.18, 30.22, 120.3, 30.32) });
    expect(other.status).toBe(404);
    expect(await regions()).toEqual(before);
    const bad = await mgrWest.post(`/console/regions/${west.id}`, { ...fields, key: 'no spaces', name: XSS });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('may hold letters, digits');
    expect(bad.text).toContain(`value="${ESCAPED}"`);
    const page = await follow(mgrWest, await mgrWest.post(`/console/regions/${west.id}`, fields));
    expect(page.text).toContain('Saved region West Lake: 3 stores moved.');
    expect((await region('west')).unitId).toBe(Number(fields.unitId));
    // Back as it was, for the tests after this one.
    await follow(admin, await admin.post(`/console/regions/${west.id}`, { ...fields, unitId: await unitId('hz-west'), polygon: rect(120.1, 30.22, 120.18, 30.29) }));
  });
});

describe('GET and POST /console/regions/:id/delete', () => {
  it('asks first, needs the box ticked, and refuses other subtrees', async () => {
    const east = await region('east');
    expect((await cw.client().get(`/console/regions/${east.id}/delete`)).status).toBe(303);
    const ask = await admin.get(`/console/regions/${east.id}/delete`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('2 stores lie in this region');
    expect((await mgrWest.get(`/console/regions/${east.id}/delete`)).status).toBe(404);
    expect((await mgrWest.post(`/console/regions/${east.id}/delete`, { confirm: 'yes' })).status).toBe(404);
    expect((await admin.post(`/console/regions/${east.id}/delete`, { confirm: 'yes' }, { csrf: false })).status).toBe(403);
    const unticked = await admin.post(`/console/regions/${east.id}/delete`, {});
    expect(unticked.status).toBe(422);
    expect(unticked.text).toContain('tick the box to confirm the deletion');
    expect(await cw.w.db.region.count({ where: { id: east.id } })).toBe(1);
  });
});

describe('POST /console/regions/import', () => {
  it('is refused without the CSRF token and outside a manager’s subtree, writing nothing', async () => {
    const before = await regions();
    const file = { name: 'r.geojson', content: geojson(feature('south', 'South', 'hz-east', polygon(rect(120.1, 30.1, 120.2, 30.2)))) };
    expect((await admin.upload('/console/regions/import', {}, file, { csrf: false })).status).toBe(403);
    expect((await mgrWest.upload('/console/regions/import', {}, file)).status).toBe(403);
    expect(await regions()).toEqual(before);
  });

  it('lists every bad feature (422), a GeoJSON that is not a polygon among them, and writes nothing', async () => {
    const before = await regions();
    const file = geojson(
      feature('south', 'South', 'hz', polygon(rect(120.1, 30.1, 120.2, 30.2))),
      feature('pt', 'Point', 'hz', { type: 'Point', coordinates: [120.5, 30.5] }),
      feature('x', 'X', 'hz', polygon(rect(120.12, 30.3, 120.14, 30.31))), // inside "North <script>…", made above
    );
    const res = await admin.upload('/console/regions/import', {}, { name: 'r.geojson', content: file });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The file has 2 problems; nothing was written.');
    expect(res.text).toContain('features[1].geometry: is a Point, not a Polygon');
    expect(res.text).toContain(`features[2].geometry: overlaps region &quot;North ${ESCAPED} (north)&quot;`);
    expect(res.text).not.toContain(XSS);
    const notJson = await admin.upload('/console/regions/import', {}, { name: 'r.geojson', content: 'not json' });
    expect(notJson.status).toBe(422);
    expect(notJson.text).toContain('The file is not JSON.');
    const noFile = await admin.post('/console/regions/import', {});
    expect(noFile.status).toBe(422);
    expect(noFile.text).toContain('Choose a GeoJSON file to import.');
    expect(await regions()).toEqual(before);
  });

  it('imports a good file and says what it did', async () => {
    const file = geojson(feature('south', 'South', 'hz', polygon(rect(120.1, 30.1, 120.2, 30.22))));
    const page = await follow(admin, await admin.upload('/console/regions/import', {}, { name: 'r.geojson', content: file, type: 'application/geo+json' }));
    expect(page.text).toContain('Imported regions: 1 created, 0 updated; 0 stores moved.');
    expect((await region('south')).name).toBe('South');
  });
});

describe('deleting a region', () => {
  it('deletes and says how many stores moved', async () => {
    const east = await region('east');
    const page = await follow(admin, await admin.post(`/console/regions/${east.id}/delete`, { confirm: 'yes' }));
    expect(page.text).toContain('Deleted region Qiantang: 2 stores moved.');
    expect(await cw.w.db.region.count({ where: { key: 'east' } })).toBe(0);
  });
});
