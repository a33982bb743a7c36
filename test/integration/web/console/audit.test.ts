import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLocale } from '../../../../src/domain/people/people.ts';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let admin: ConsoleClient;
let mgrWest: ConsoleClient;
let mgrEast: ConsoleClient;
const ids = { westStore: 0, eastStore: 0, westTeam: 0, rep1: 0, rep4: 0, admin: 0, mgrWest: 0 };

beforeAll(async () => {
  cw = await consoleWorld();
  admin = await cw.as('admin');
  mgrWest = await cw.as('mgrWest');
  mgrEast = await cw.as('mgrEast');
  const { db, people } = cw.w;
  ids.westStore = (await cw.w.store('Sunny Cafe')).id;
  ids.eastStore = (await cw.w.store('River Side Grill')).id;
  ids.westTeam = (await db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } })).id;
  ids.rep1 = people.rep1.id;
  ids.rep4 = people.rep4.id;
  ids.admin = people.admin.id;
  ids.mgrWest = people.mgrWest.id;
  const at = new Date('2026-11-01T20:00:00Z'); // 2 November, 04:00 in Hangzhou
  await db.auditLog.createMany({
    data: [
      { actorId: null, action: 'store.status', entity: 'store', entityId: String(ids.westStore), before: '{"status":"active"}', after: '{"note":"<script>alert(1)</script>"}', at },
      { actorId: null, action: 'store.status', entity: 'store', entityId: String(ids.eastStore), after: '{"note":"east only"}', at },
      { actorId: ids.rep4, action: 'visit.log', entity: 'visit', entityId: '77', after: '{"summary":"by an east rep"}', at },
      { actorId: ids.rep1, action: 'visit.log', entity: 'visit', entityId: '78', after: '{"summary":"by a west rep"}', at },
      { actorId: null, action: 'approval.reassign', entity: 'approval', entityId: '5', after: '{"secret":"system approval"}', at },
      { actorId: ids.admin, action: 'settings.update', entity: 'settings', entityId: 'all', before: '{"poolCap":100}', after: '{"poolCap":90}', at },
      { actorId: ids.admin, action: 'unit.rename', entity: 'unit', entityId: String(ids.westTeam), after: '{"name":"Team One"}', at },
    ],
  });
});
afterAll(async () => cw?.stop());

describe('GET /console/audit', () => {
  it('sends a signed-out visitor to sign in', async () => {
    const res = await cw.client().get('/console/audit');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/console\/sign-in/);
  });

  it('shows an admin every entry, with names resolved and before/after JSON escaped', async () => {
    const res = await admin.get('/console/audit?action=store.status');
    expect(res.status).toBe(200);
    expect(res.text).toContain('&quot;note&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('east only');
    const settings = await admin.get('/console/audit?entity=settings');
    expect(settings.text).toContain('Zhou Min');
    expect(settings.text).toContain('&quot;poolCap&quot;: 90');
    // The org import was done by the system.
    const system = await admin.get('/console/audit?actor=system&action=unit.create');
    expect(system.text).toMatch(/<span class="muted">system<\/span>/);
    expect(system.text).toContain('unit.create');
  });

  it('filters by actor, action, entity and id, and dates on the reader’s calendar', async () => {
    const byRep = await admin.get(`/console/audit?actor=${ids.rep1}`);
    expect(byRep.text).toContain('by a west rep');
    expect(byRep.text).not.toContain('by an east rep');
    const oneStore = await admin.get(`/console/audit?entity=store&entityId=${ids.eastStore}&action=store.status`);
    expect(oneStore.text).toContain('east only');
    expect(oneStore.text).not.toContain('alert(1)');
    const day = await admin.get('/console/audit?action=visit.log&from=2026-11-02&to=2026-11-02');
    expect(day.text).toContain('by a west rep');
    const dayBefore = await admin.get('/console/audit?action=visit.log&from=2026-11-01&to=2026-11-01');
    expect(dayBefore.text).not.toContain('by a west rep');
    expect(dayBefore.text).toContain('No entries match.');
    const bad = await admin.get('/console/audit?from=yesterday&to=2026-13-40');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('must be a date as YYYY-MM-DD');
  });

  it('shows a manager only what its subtree did or what happened to its subtree', async () => {
    const west = await mgrWest.get('/console/audit');
    expect(west.status).toBe(200);
    expect(west.text).toContain('by a west rep');
    expect(west.text).toContain('&lt;script&gt;'); // its store's entry
    expect(west.text).toContain('Team One'); // its unit's entry, made by the admin
    expect(west.text).not.toContain('by an east rep');
    expect(west.text).not.toContain('east only');
    expect(west.text).not.toContain('system approval');
    expect(west.text).not.toContain('poolCap');
    // Filtering cannot widen the view.
    const sneaky = await mgrWest.get(`/console/audit?entity=store&entityId=${ids.eastStore}`);
    expect(sneaky.text).not.toContain('east only');
    const east = await mgrEast.get('/console/audit');
    expect(east.text).toContain('by an east rep');
    expect(east.text).toContain('east only');
    expect(east.text).not.toContain('by a west rep');
    expect(east.text).not.toContain('Team One');
    // The actor choices of a manager are people of its subtree only.
    expect(west.text).not.toContain(`<option value="${ids.rep4}"`);
    expect(west.text).not.toContain('<option value="system"');
  });

  it('pages through a long log', async () => {
    await cw.w.db.auditLog.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({ actorId: ids.admin, action: 'paging.test', entity: 'thing', entityId: String(i), at: new Date(Date.UTC(2026, 9, 1, 0, i)) })),
    });
    const first = await admin.get('/console/audit?action=paging.test');
    expect(first.text).toContain('Page 1 of 3 · 120 in all');
    expect(first.text).toContain('#119<');
    const third = await admin.get('/console/audit?action=paging.test&page=3');
    expect(third.text).toContain('#0<');
    expect(third.text).not.toContain('#119<');
  });
});

describe('an audit entry reads like a product', () => {
  const at = new Date('2026-11-03T16:30:00Z'); // 4 November, 00:30 in Hangzhou, the company's zone
  const rows = () => cw.w.db.auditLog.createMany({
    data: [
      { actorId: ids.rep1, action: 'visit.log', entity: 'visit', entityId: '901', after: JSON.stringify({ storeId: ids.westStore, at: '2026-11-03T08:05:00.000Z', method: 'in_person', cold: false, protectedUntil: '2026-12-03T08:05:00.000Z' }), at },
      { actorId: ids.rep1, action: 'opportunity.create', entity: 'opportunity', entityId: '902', after: JSON.stringify({ id: 902, title: 'Winter menu', stage: 'needs_analysis', amount: 1280000 }), at },
      { actorId: ids.admin, action: 'store.status', entity: 'store', entityId: String(ids.westStore), before: JSON.stringify({ status: 'active', stage: 'lead' }), after: JSON.stringify({ status: 'disabled', stage: 'lead' }), at },
    ],
  });

  it('labels the action and the fields, writes money in yuan, times in the company’s zone, stages and statuses by name; the JSON is one click away', async () => {
    await rows();
    // A real change through the domain: the admin chooses Chinese in Slack.
    await setLocale(cw.w.deps, cw.w.people.admin, 'zh-CN');
    const c = await cw.as('admin');
    await c.post('/console/language', { locale: 'en', back: '/console/audit' });

    const visit = (await c.get('/console/audit?entityId=901')).text;
    expect(visit).toContain('<td>Logged a visit</td>');
    expect(visit).toContain('<td>2026-11-04 00:30</td>');
    expect(visit).toContain('Times in Asia/Shanghai');
    expect(visit).toMatch(/<dt>When<\/dt><dd>2026-11-03 16:05<\/dd>/);
    expect(visit).toMatch(/<dt>Method<\/dt><dd>In person<\/dd>/);
    expect(visit).toMatch(/<details class="raw"><summary>Raw JSON<\/summary>.*&quot;method&quot;: &quot;in_person&quot;/s);

    const opp = (await c.get('/console/audit?entityId=902')).text;
    expect(opp).toContain('Created an opportunity');
    expect(opp).toMatch(/<dt>Opportunity stage<\/dt><dd>Needs analysis<\/dd>/);
    expect(opp).toMatch(/<dt>Amount<\/dt><dd>¥12,800.00<\/dd>/);
    expect(opp).not.toMatch(/<dd>[^<]*needs_analysis/);

    const status = (await c.get(`/console/audit?entity=store&entityId=${ids.westStore}&action=store.status`)).text;
    expect(status).toMatch(/<dt>Status<\/dt><dd><del>active<\/del> <span aria-hidden="true">→<\/span> <ins>disabled<\/ins><\/dd>/);
    expect(status).not.toContain('<dt>Store stage</dt>'); // unchanged: not listed

    const locale = (await c.get('/console/audit?action=person.locale')).text;
    expect(locale).toMatch(/<dt>Language<\/dt><dd><del>—<\/del> <span aria-hidden="true">→<\/span> <ins>中文<\/ins><\/dd>/);

    await c.post('/console/language', { locale: 'zh-CN', back: '/console/audit' });
    const zh = (await c.get('/console/audit?entityId=901')).text;
    expect(zh).toContain('<td>登记拜访</td>');
    expect(zh).toMatch(/<dt>方式<\/dt><dd>上门拜访<\/dd>/);
    expect(zh).toContain('<summary>原始 JSON</summary>');
    const zhOpp = (await c.get('/console/audit?entityId=902')).text;
    expect(zhOpp).toMatch(/<dt>商机阶段<\/dt><dd>需求分析<\/dd>/);
    expect(zhOpp).toMatch(/<dt>金额<\/dt><dd>¥12,800.00<\/dd>/);
    const zhStatus = (await c.get(`/console/audit?entity=store&entityId=${ids.westStore}&action=store.status`)).text;
    expect(zhStatus).toMatch(/<dt>状态<\/dt><dd><del>正常<\/del> <span aria-hidden="true">→<\/span> <ins>停用<\/ins><\/dd>/);
    // The action filter offers the actions by name too.
    expect(zh).toContain('<option value="visit.log">登记拜访</option>');
  });
});
