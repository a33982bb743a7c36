import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgUnit } from '../../../../src/domain/org/units.ts';
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

const unit = (key: string) => cw.w.db.orgUnit.findUniqueOrThrow({ where: { key } });

const unitsOf = <K extends string[]>(...keys: K) => Promise.all(keys.map(unit)) as Promise<{ [I in keyof K]: OrgUnit }>;
const units = () => cw.w.db.orgUnit.findMany({ orderBy: { id: 'asc' } });
const XSS = '<script>alert(1)</script>';

describe('GET /console/org', () => {
  it('sends a signed-out visitor to sign in', async () => {
    const res = await cw.client().get('/console/org');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Forg');
  });

  it('shows an admin the whole tree as nested lists, with leads and counts', async () => {
    const res = await admin.get('/console/org');
    expect(res.status).toBe(200);
    const west = await unit('hz-west');
    const item = new RegExp(`<li id="unit-${west.id}" data-key="hz-west">[\\s\\S]*?West Lake area[\\s\\S]*?lead: Wang Fang[\\s\\S]*?people: 1[\\s\\S]*?regions: 1`);
    expect(res.text).toMatch(item);
    // Team 1 is a list item inside West Lake's list.
    const t1 = await unit('hz-west-t1');
    const westBlock = res.text.slice(res.text.indexOf(`id="unit-${west.id}"`));
    expect(westBlock.indexOf(`id="unit-${t1.id}"`)).toBeGreaterThan(0);
    expect(res.text).toContain('— top level —');
    expect(res.text).toContain('action="/console/org/units"');
  });

  it('shows a manager only its subtree, its own unit without move, lead or delete forms', async () => {
    const res = await mgrWest.get('/console/org');
    expect(res.status).toBe(200);
    expect(res.text).toContain('West Lake area');
    expect(res.text).not.toContain('Qiantang area');
    expect(res.text).not.toContain('— top level —');
    const west = await unit('hz-west');
    expect(res.text).not.toContain(`/console/org/units/${west.id}/move`);
    expect(res.text).toContain(`/console/org/units/${west.id}/rename`);
    const t1 = await unit('hz-west-t1');
    expect(res.text).toContain(`/console/org/units/${t1.id}/move`);
  });
});

describe('POST /console/org/units (create)', () => {
  it('is refused signed out and without the CSRF token, writing nothing', async () => {
    const before = await units();
    const west = await unit('hz-west');
    expect((await cw.client().post('/console/org/units', { key: 'a1', name: 'A', parentId: String(west.id) }, { csrf: false })).status).toBe(401);
    expect((await admin.post('/console/org/units', { key: 'a1', name: 'A', parentId: String(west.id) }, { csrf: false })).status).toBe(403);
    expect(await units()).toEqual(before);
  });

  it('creates a unit and shows its name escaped', async () => {
    const west = await unit('hz-west');
    const res = await admin.post('/console/org/units', { key: 'hz-west-x', name: XSS, parentId: String(west.id) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/org');
    const page = await admin.get('/console/org');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain(XSS);
    expect((await unit('hz-west-x')).parentId).toBe(west.id);
  });

  it('re-shows the form with each field’s message (422) on bad input, keeping what was typed', async () => {
    const res = await admin.post('/console/org/units', { key: 'hz-west', name: '', parentId: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Please correct the marked fields.');
    expect(res.text).toContain('is required');
    const bad = await admin.post('/console/org/units', { key: 'bad key!', name: `<b>${XSS}`, parentId: '' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('must start with a letter or digit');
    expect(bad.text).toContain('value="&lt;b&gt;&lt;script&gt;');
    const taken = await admin.post('/console/org/units', { key: 'hz-west', name: 'Again', parentId: '' });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('is already used by unit “West Lake area”');
  });

  it('refuses a manager outside its subtree (404, nameless) or at the top level (403), writing nothing', async () => {
    const before = await units();
    const east = await unit('hz-east');
    const res = await mgrWest.post('/console/org/units', { key: 'm-east', name: 'Mine', parentId: String(east.id) });
    expect(res.status).toBe(404);
    expect(res.text).toContain('No such unit.');
    expect(res.text).not.toContain('Qiantang area');
    expect((await mgrWest.post('/console/org/units', { key: 'm-root', name: 'Root', parentId: '' })).status).toBe(403);
    expect(await units()).toEqual(before);
  });
});

describe('POST /console/org/units/:id/…', () => {
  it('renames, moves, sets the lead and deletes, each refused signed out and without CSRF', async () => {
    const t1 = await unit('hz-west-t1');
    expect((await admin.post('/console/org/units', { key: 'squad-1', name: 'Squad', parentId: String(t1.id) })).status).toBe(303);
    const squad = await unit('squad-1');
    const base = `/console/org/units/${squad.id}`;
    const forms: [string, Record<string, string>][] = [
      ['rename', { name: 'Squad One' }],
      ['move', { parentId: String((await unit('hz-west-t2')).id) }],
      ['lead', { leadId: String(cw.w.people.sup2.id) }],
      ['delete', { confirm: 'yes' }],
    ];
    for (const [what, fields] of forms) {
      expect((await cw.client().post(`${base}/${what}`, fields, { csrf: false })).status, what).toBe(401);
      expect((await admin.post(`${base}/${what}`, fields, { csrf: false })).status, what).toBe(403);
    }
    expect(await unit('squad-1')).toEqual(squad);

    for (const [what, fields] of forms.slice(0, 3)) {
      const res = await admin.post(`${base}/${what}`, fields);
      expect(res.status, what).toBe(303);
      expect(res.headers.get('location')).toBe(`/console/org#unit-${squad.id}`);
    }
    const after = await unit('squad-1');
    expect([after.name, after.parentId, after.leadId]).toEqual(['Squad One', (await unit('hz-west-t2')).id, cw.w.people.sup2.id]);
    const page = await admin.get('/console/org');
    expect(page.text).toContain('The lead of “Squad One” is set.');
    expect(page.text).toMatch(/Squad One[\s\S]*?lead: Olivia Brown/);

    const unconfirmed = await admin.post(`${base}/delete`, {});
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('tick the box to confirm the deletion');
    const gone = await admin.post(`${base}/delete`, { confirm: 'yes' });
    expect(gone.status).toBe(303);
    expect(await cw.w.db.orgUnit.findUnique({ where: { key: 'squad-1' } })).toBeNull();
  });

  it('shows a refused move (a cycle) and a refused delete beside their forms, with what is in the way', async () => {
    const [west, t1] = await Promise.all([unit('hz-west'), unit('hz-west-t1')]);
    const cycle = await admin.post(`/console/org/units/${west.id}/move`, { parentId: String(t1.id) });
    expect(cycle.status).toBe(409);
    expect(cycle.text).toContain('“West Lake area” cannot go under “Team 1”: that is the unit itself or one of its sub-units.');
    expect(cycle.text).toMatch(new RegExp(`<details class="unit-edit" open>\\s*<summary>Change West Lake area`));
    expect((await unit('hz-west')).parentId).toBe((await unit('hz')).id);

    const full = await admin.post(`/console/org/units/${t1.id}/delete`, { confirm: 'yes' });
    expect(full.status).toBe(409);
    expect(full.text).toContain('“Team 1” cannot be deleted: it still holds 3 people, 0 regions and 0 sub-units. Move them first.');
    expect(await unit('hz-west-t1')).toEqual(t1);
  });

  it('re-shows a bad rename or lead with the field’s message (422), escaped', async () => {
    const t2 = await unit('hz-west-t2');
    const blank = await admin.post(`/console/org/units/${t2.id}/rename`, { name: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.text).toContain('is required');
    const rep = await admin.post(`/console/org/units/${t2.id}/lead`, { leadId: String(cw.w.people.rep3.id) });
    expect(rep.status).toBe(422);
    expect(rep.text).toContain('刘洋 is a rep: a lead is a supervisor, manager or admin');
    const nan = await admin.post(`/console/org/units/${t2.id}/move`, { parentId: 'x<y>' });
    expect(nan.status).toBe(422);
    expect(nan.text).not.toContain('x<y>');
    expect(await unit('hz-west-t2')).toEqual(t2);
  });

  it('refuses a manager outside its subtree (404: no such unit) and its own unit’s position (403), writing nothing', async () => {
    const [west, east, eastT1, t1] = await unitsOf('hz-west', 'hz-east', 'hz-east-t1', 'hz-west-t1');
    const before = await units();
    const tries: [string, Record<string, string>, number][] = [
      [`/console/org/units/${eastT1.id}/rename`, { name: 'Mine' }, 404],
      [`/console/org/units/${eastT1.id}/move`, { parentId: String(west.id) }, 404],
      [`/console/org/units/${eastT1.id}/lead`, { leadId: '' }, 404],
      [`/console/org/units/${eastT1.id}/delete`, { confirm: 'yes' }, 404],
      [`/console/org/units/${t1.id}/move`, { parentId: String(east.id) }, 404],
      [`/console/org/units/${west.id}/move`, { parentId: String(east.id) }, 403],
      [`/console/org/units/${west.id}/lead`, { leadId: '' }, 403],
      [`/console/org/units/${west.id}/delete`, { confirm: 'yes' }, 403],
    ];
    for (const [path, fields, status] of tries) expect((await mgrWest.post(path, fields)).status, path).toBe(status);
    expect(await units()).toEqual(before);
    expect((await mgrWest.post(`/console/org/units/${west.id}/rename`, { name: 'West Lake' })).status).toBe(303);
    await mgrWest.post(`/console/org/units/${west.id}/rename`, { name: 'West Lake area' });
  });

  it('answers 404 for a unit that does not exist', async () => {
    expect((await admin.post('/console/org/units/99999/rename', { name: 'X' })).status).toBe(404);
    expect((await admin.post('/console/org/units/abc/move', { parentId: '' })).status).toBe(404);
  });
});
