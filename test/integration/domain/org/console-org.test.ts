import { describe, expect, it } from 'vitest';
import { orgOverview } from '../../../../src/domain/org/overview.ts';
import { createUnit, deleteUnit, moveUnit, renameUnit, setUnitLead, type OrgUnit } from '../../../../src/domain/org/units.ts';
import { deactivateWithHandover } from '../../../../src/domain/people/handover.ts';
import { addPerson, getPerson, importSlackUsers, listPeople, personHistory, updatePerson } from '../../../../src/domain/people/manage.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const unit = (key: string) => w.db.orgUnit.findUniqueOrThrow({ where: { key } });
const unitsOf = <K extends string[]>(...keys: K) => Promise.all(keys.map(unit)) as Promise<{ [I in keyof K]: OrgUnit }>;
/** Audit rows of the console's changes (the example's import wrote its own, without an actor). */
const auditOf = (action: string) => w.db.auditLog.findMany({ where: { action, actorId: { not: null } }, orderBy: { id: 'asc' } });
/** Everything a refused change could have touched. */
const snapshot = async () => ({
  units: await w.db.orgUnit.findMany({ orderBy: { id: 'asc' } }),
  people: await w.db.person.findMany({ orderBy: { id: 'asc' } }),
  changes: await w.db.personChange.count(),
  audit: await w.db.auditLog.count(),
});

describe('org units', () => {
  it('an admin creates a unit anywhere, audited; the key must be new and well formed', async () => {
    const west = await unit('hz-west');
    const t3 = await createUnit(w.deps, w.people.admin, { key: 'hz-west-t3', name: 'Team 3b', parentId: west.id });
    expect(t3.parentId).toBe(west.id);
    const root = await createUnit(w.deps, w.people.admin, { key: 'sh', name: 'Shanghai', parentId: null });
    expect(root.parentId).toBeNull();
    const [created] = await auditOf('unit.create');
    expect(JSON.parse(created!.after!)).toEqual({ key: 'hz-west-t3', name: 'Team 3b', parentId: west.id });
    expect(created!.actorId).toBe(w.people.admin.id);

    const taken = await rejection(createUnit(w.deps, w.people.admin, { key: 'hz-west', name: 'Again', parentId: null }));
    expect(taken.issues).toEqual([{ path: 'key', key: 'org.key_taken', params: { name: 'West Lake area' } }]);
    const bad = await rejection(createUnit(w.deps, w.people.admin, { key: '-a b', name: '', parentId: west.id }));
    expect(bad.issues.map((i) => [i.path, i.key])).toEqual([
      ['key', 'org.key_format'],
      ['name', 'validation.required'],
    ]);
  });

  it('a manager creates only inside its subtree and never a root; a refusal writes nothing', async () => {
    const t1 = await unit('hz-west-t1');
    const made = await createUnit(w.deps, w.people.mgrWest, { key: 'hz-west-t1-a', name: 'Squad A', parentId: t1.id });
    expect(made.parentId).toBe(t1.id);
    const before = await snapshot();
    const east = await rejection(createUnit(w.deps, w.people.mgrWest, { key: 'x1', name: 'X', parentId: (await unit('hz-east')).id }));
    // Outside the subtree reads as "no such unit", without its name: ids cannot be probed.
    expect([east.code, east.key, east.params.name]).toEqual(['not_found', 'org.unit_not_found', undefined]);
    const root = await rejection(createUnit(w.deps, w.people.mgrWest, { key: 'x2', name: 'X', parentId: null }));
    expect([root.code, root.key]).toEqual(['forbidden', 'org.root_needs_admin']);
    expect((await rejection(createUnit(w.deps, w.people.sup1, { key: 'x3', name: 'X', parentId: t1.id }))).key).toBe('org.needs_manager');
    expect(await snapshot()).toEqual(before);
  });

  it('renames; a manager may rename its own unit', async () => {
    const west = await unit('hz-west');
    const renamed = await renameUnit(w.deps, w.people.mgrWest, { unitId: west.id, name: 'West <Lake>' });
    expect(renamed.name).toBe('West <Lake>');
    const [a] = await auditOf('unit.rename');
    expect([JSON.parse(a!.before!), JSON.parse(a!.after!)]).toEqual([{ name: 'West Lake area' }, { name: 'West <Lake>' }]);
    const e = await rejection(renameUnit(w.deps, w.people.mgrWest, { unitId: (await unit('hz-east')).id, name: 'Mine' }));
    expect(e.code).toBe('not_found');
    expect((await unit('hz-east')).name).toBe('Qiantang area');
  });

  it('moves a unit under another, refusing a move under itself or its own descendant', async () => {
    const [west, east, t1, t2] = await unitsOf('hz-west', 'hz-east', 'hz-west-t1', 'hz-west-t2');
    const moved = await moveUnit(w.deps, w.people.admin, { unitId: t2.id, parentId: east.id });
    expect(moved.parentId).toBe(east.id);
    const [a] = await auditOf('unit.move');
    expect([JSON.parse(a!.before!), JSON.parse(a!.after!)]).toEqual([{ parentId: west.id }, { parentId: east.id }]);

    const under = await rejection(moveUnit(w.deps, w.people.admin, { unitId: west.id, parentId: t1.id }));
    expect([under.code, under.key, under.params]).toEqual(['conflict', 'org.move_cycle', { name: 'West Lake area', parent: 'Team 1' }]);
    const self = await rejection(moveUnit(w.deps, w.people.admin, { unitId: west.id, parentId: west.id }));
    expect(self.key).toBe('org.move_cycle');
    expect((await unit('hz-west')).parentId).toBe((await unit('hz')).id);
    // to the top level and back
    expect((await moveUnit(w.deps, w.people.admin, { unitId: east.id, parentId: null })).parentId).toBeNull();
  });

  it('a manager moves units only within its subtree and never its own unit', async () => {
    const [west, east, t1, t2] = await unitsOf('hz-west', 'hz-east', 'hz-west-t1', 'hz-west-t2');
    expect((await moveUnit(w.deps, w.people.mgrWest, { unitId: t2.id, parentId: t1.id })).parentId).toBe(t1.id);
    const before = await snapshot();
    const own = await rejection(moveUnit(w.deps, w.people.mgrWest, { unitId: west.id, parentId: east.id }));
    expect([own.code, own.key]).toEqual(['forbidden', 'org.own_unit']);
    const out = await rejection(moveUnit(w.deps, w.people.mgrWest, { unitId: t1.id, parentId: east.id }));
    expect([out.code, out.key]).toEqual(['not_found', 'org.unit_not_found']);
    const theirs = await rejection(moveUnit(w.deps, w.people.mgrWest, { unitId: (await unit('hz-east-t1')).id, parentId: west.id }));
    expect(theirs.code).toBe('not_found');
    const root = await rejection(moveUnit(w.deps, w.people.mgrWest, { unitId: t1.id, parentId: null }));
    expect(root.key).toBe('org.root_needs_admin');
    expect(await snapshot()).toEqual(before);
  });

  it('deletes only an empty unit, naming what is in the way', async () => {
    const [west, t1] = await unitsOf('hz-west', 'hz-west-t1');
    const full = await rejection(deleteUnit(w.deps, w.people.admin, west.id));
    expect([full.code, full.key, full.params]).toEqual(['conflict', 'org.unit_not_empty', { name: 'West Lake area', people: 1, regions: 1, units: 2 }]);
    const team = await rejection(deleteUnit(w.deps, w.people.admin, t1.id));
    expect(team.params).toMatchObject({ people: 3, regions: 0, units: 0 });
    const extra = await createUnit(w.deps, w.people.mgrWest, { key: 'tmp', name: 'Temporary', parentId: t1.id });
    await deleteUnit(w.deps, w.people.mgrWest, extra.id);
    expect(await w.db.orgUnit.findUnique({ where: { id: extra.id } })).toBeNull();
    const [a] = await auditOf('unit.delete');
    expect(JSON.parse(a!.before!)).toMatchObject({ key: 'tmp', name: 'Temporary', parentId: t1.id });
    expect((await rejection(deleteUnit(w.deps, w.people.mgrWest, west.id))).key).toBe('org.own_unit');
    expect((await rejection(deleteUnit(w.deps, w.people.mgrWest, (await unit('hz-east-t1')).id))).code).toBe('not_found');
  });

  it('sets a lead: an active supervisor, manager or admin of the unit or above', async () => {
    const t1 = await unit('hz-west-t1');
    const squad = await createUnit(w.deps, w.people.admin, { key: 'squad', name: 'Squad', parentId: t1.id });
    const set = await setUnitLead(w.deps, w.people.mgrWest, { unitId: squad.id, leadId: w.people.sup1.id });
    expect(set.leadId).toBe(w.people.sup1.id);
    const [a] = await auditOf('unit.lead');
    expect([JSON.parse(a!.before!), JSON.parse(a!.after!)]).toEqual([{ leadId: null }, { leadId: w.people.sup1.id }]);
    expect((await setUnitLead(w.deps, w.people.admin, { unitId: squad.id, leadId: w.people.admin.id })).leadId).toBe(w.people.admin.id);
    expect((await setUnitLead(w.deps, w.people.admin, { unitId: squad.id, leadId: null })).leadId).toBeNull();

    const rep = await rejection(setUnitLead(w.deps, w.people.admin, { unitId: squad.id, leadId: w.people.rep1.id }));
    expect(rep.issues).toEqual([{ path: 'leadId', key: 'org.lead_role', params: { name: 'Li Lei', role: 'rep' } }]);
    const elsewhere = await rejection(setUnitLead(w.deps, w.people.admin, { unitId: squad.id, leadId: w.people.sup2.id }));
    expect(elsewhere.issues[0]!.key).toBe('org.lead_not_in_unit');
    await deactivateWithHandover(w.deps, w.people.admin, { personId: w.people.sup1.id, toPersonId: null });
    const gone = await rejection(setUnitLead(w.deps, w.people.admin, { unitId: squad.id, leadId: w.people.sup1.id }));
    expect(gone.issues[0]!.key).toBe('org.lead_inactive');

    const own = await rejection(setUnitLead(w.deps, w.people.mgrWest, { unitId: (await unit('hz-west')).id, leadId: null }));
    expect(own.key).toBe('org.own_unit');
    const east = await rejection(setUnitLead(w.deps, w.people.mgrWest, { unitId: squad.id, leadId: w.people.mgrEast.id }));
    expect([east.code, east.key, east.params.name]).toEqual(['not_found', 'person.not_found', undefined]);
    expect((await unit('squad')).leadId).toBeNull();
  });

  it('shows a manager its subtree only, with counts and the choices its forms accept', async () => {
    const o = await orgOverview(w.deps, w.people.mgrWest);
    expect(o.units.map((u) => [u.key, u.depth])).toEqual([
      ['hz-west', 0],
      ['hz-west-t1', 1],
      ['hz-west-t2', 1],
    ]);
    const [west, t1] = o.units;
    expect(west).toMatchObject({ lead: { name: 'Wang Fang' }, people: 1, regions: 1, canPlace: false, parentChoices: [], leadChoices: [] });
    expect(t1!.parentChoices.map((c) => c.label)).toEqual(['Hangzhou › West Lake area', 'Hangzhou › West Lake area › Team 2']);
    expect(t1!.leadChoices.map((c) => c.label)).toEqual(['Han Meimei (supervisor)', 'Wang Fang (manager)']);
    expect(o.mayCreateRoot).toBe(false);
    const all = await orgOverview(w.deps, w.people.admin);
    expect(all.units.map((u) => u.key)).toEqual(['hz', 'hz-east', 'hz-east-t1', 'hz-west', 'hz-west-t1', 'hz-west-t2']);
    expect(all.units.find((u) => u.key === 'hz-west')!.parentChoices.map((c) => c.label)).toEqual(['Hangzhou', 'Hangzhou › Qiantang area', 'Hangzhou › Qiantang area › Team 3']);
  });
});

describe('people', () => {
  it('lists, searches any case by name, email or Slack id, filters and pages', async () => {
    const all = await listPeople(w.deps, w.people.admin);
    expect(all.total).toBe(10);
    expect(all.rows[0]).toMatchObject({ name: 'Chen Jie', role: 'manager', unitName: 'Qiantang area', stores: 0 });
    const lei = await listPeople(w.deps, w.people.admin, { text: 'LEI' });
    expect(lei.rows.map((p) => p.name)).toEqual(['Li Lei', 'Zhao Lei']);
    expect(lei.rows[0]!.stores).toBe(1);
    expect((await listPeople(w.deps, w.people.admin, { text: 'u0rep4' })).rows.map((p) => p.name)).toEqual(['孙丽']);
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { email: 'sam@example.com' } });
    expect((await listPeople(w.deps, w.people.admin, { text: 'EXAMPLE.com' })).rows.map((p) => p.name)).toEqual(['Sam Carter']);

    const west = await listPeople(w.deps, w.people.mgrWest);
    expect(west.rows.map((p) => p.name).sort()).toEqual(['Han Meimei', 'Li Lei', 'Olivia Brown', 'Sam Carter', 'Wang Fang', '刘洋']);
    const t1 = await unit('hz-west-t1');
    expect((await listPeople(w.deps, w.people.mgrWest, { unitId: t1.id })).total).toBe(3);
    expect((await listPeople(w.deps, w.people.mgrWest, { role: 'rep' })).total).toBe(3);
    expect((await rejection(listPeople(w.deps, w.people.mgrWest, { unitId: (await unit('hz-east')).id }))).code).toBe('forbidden');

    const page2 = await listPeople(w.deps, w.people.admin, { pageSize: 4, page: 3 });
    expect([page2.total, page2.pages, page2.rows.length]).toEqual([10, 3, 2]);
    const searchPage = await listPeople(w.deps, w.people.admin, { text: 'e', pageSize: 2, page: 2 });
    expect(searchPage.rows.length).toBe(2);
    expect(searchPage.total).toBeGreaterThan(4);

    await deactivateWithHandover(w.deps, w.people.admin, { personId: w.people.rep3.id, toPersonId: null });
    expect((await listPeople(w.deps, w.people.admin, { status: 'inactive' })).rows.map((p) => p.name)).toEqual(['刘洋']);
    expect((await listPeople(w.deps, w.people.admin, { status: 'all' })).total).toBe(10);
    expect((await listPeople(w.deps, w.people.admin)).total).toBe(9);
  });

  it('adds a person, console-only or with Slack, with the first history row and an audit row', async () => {
    const t1 = await unit('hz-west-t1');
    const p = await addPerson(w.deps, w.people.admin, { name: 'Ma Li', role: 'rep', unitId: t1.id, email: 'ma.li@example.com', locale: 'zh-CN', timezone: 'Asia/Shanghai', slackId: '' });
    expect(p).toMatchObject({ slackId: null, role: 'rep', unitId: t1.id, email: 'ma.li@example.com', active: true });
    const history = await personHistory(w.deps, w.people.admin, p.id);
    expect(history).toMatchObject([{ fromRole: null, toRole: 'rep', fromUnit: null, toUnit: { id: t1.id, name: 'Team 1' }, by: { name: 'Zhou Min' } }]);
    expect((await auditOf('person.create')).at(-1)!.entityId).toBe(String(p.id));
    const admin2 = await addPerson(w.deps, w.people.admin, { name: 'Second Admin', role: 'admin', unitId: null, slackId: 'U0ADM2' });
    expect(admin2.unitId).toBeNull();

    const bad = await rejection(addPerson(w.deps, w.people.admin, { name: ' ', role: 'boss' as 'rep', email: 'nope', timezone: 'Mars/Olympus', slackId: 'bob' }));
    expect(bad.issues.map((i) => [i.path, i.key])).toEqual([
      ['name', 'validation.required'],
      ['role', 'validation.one_of'],
      ['email', 'person.email_format'],
      ['timezone', 'person.bad_timezone'],
      ['slackId', 'person.slack_id_format'],
    ]);
    expect((await rejection(addPerson(w.deps, w.people.admin, { name: 'No Unit', role: 'rep', unitId: null }))).issues).toEqual([
      { path: 'unitId', key: 'person.unit_required', params: { role: 'rep' } },
    ]);
    const dup = await rejection(addPerson(w.deps, w.people.admin, { name: 'Copy', role: 'rep', unitId: t1.id, slackId: 'U0REP1' }));
    expect(dup.issues).toEqual([{ path: 'slackId', key: 'person.slack_id_taken', params: { name: 'Li Lei' } }]);
  });

  it('a manager adds people only in its subtree, never admins, and managers only below its unit', async () => {
    const [west, t1, east] = await unitsOf('hz-west', 'hz-west-t1', 'hz-east');
    const rep = await addPerson(w.deps, w.people.mgrWest, { name: 'New Rep', role: 'rep', unitId: t1.id });
    expect(rep.unitId).toBe(t1.id);
    expect((await addPerson(w.deps, w.people.mgrWest, { name: 'Team Mgr', role: 'manager', unitId: t1.id })).role).toBe('manager');
    const before = await snapshot();
    expect((await rejection(addPerson(w.deps, w.people.mgrWest, { name: 'X', role: 'rep', unitId: east.id }))).key).toBe('org.outside_subtree');
    expect((await rejection(addPerson(w.deps, w.people.mgrWest, { name: 'X', role: 'admin', unitId: t1.id }))).key).toBe('person.cannot_grant_admin');
    expect((await rejection(addPerson(w.deps, w.people.mgrWest, { name: 'X', role: 'admin', unitId: null }))).key).toBe('person.cannot_grant_admin');
    expect((await rejection(addPerson(w.deps, w.people.mgrWest, { name: 'X', role: 'manager', unitId: west.id }))).key).toBe('person.manager_below_only');
    expect((await rejection(addPerson(w.deps, w.people.sup1, { name: 'X', role: 'rep', unitId: t1.id }))).key).toBe('person.manage_needs_manager');
    expect(await snapshot()).toEqual(before);
  });

  it('a promotion keeps its history; the change is audited and leads no longer held are cleared', async () => {
    const [t1, t2] = await unitsOf('hz-west-t1', 'hz-west-t2');
    w.clock.advance(60_000);
    await updatePerson(w.deps, w.people.mgrWest, { personId: w.people.rep1.id, role: 'supervisor' });
    w.clock.advance(60_000);
    const moved = await updatePerson(w.deps, w.people.admin, { personId: w.people.rep1.id, unitId: t2.id, email: 'li.lei@example.com' });
    expect(moved).toMatchObject({ role: 'supervisor', unitId: t2.id, email: 'li.lei@example.com' });
    const history = await personHistory(w.deps, w.people.mgrWest, w.people.rep1.id);
    expect(history.map((h) => [h.fromRole, h.toRole, h.fromUnit?.name, h.toUnit?.name, h.by?.name])).toEqual([
      ['supervisor', 'supervisor', 'Team 1', 'Team 2', 'Zhou Min'],
      ['rep', 'supervisor', 'Team 1', 'Team 1', 'Wang Fang'],
    ]);
    const audits = (await auditOf('person.update')).filter((a) => a.entityId === String(w.people.rep1.id));
    expect(audits.map((a) => [JSON.parse(a.before!), JSON.parse(a.after!)])).toEqual([
      [{ role: 'rep' }, { role: 'supervisor' }],
      [{ unitId: t1.id, email: null }, { unitId: t2.id, email: 'li.lei@example.com' }],
    ]);
    // A name change alone is no position change: no history row.
    await updatePerson(w.deps, w.people.admin, { personId: w.people.rep1.id, name: 'Li Lei Jr' });
    expect(await w.db.personChange.count({ where: { personId: w.people.rep1.id } })).toBe(2);

    // Han Meimei leads Team 1; as a rep she leads nothing.
    await updatePerson(w.deps, w.people.admin, { personId: w.people.sup1.id, role: 'rep' });
    expect((await unit('hz-west-t1')).leadId).toBeNull();
    expect((await auditOf('unit.lead')).map((a) => JSON.parse(a.after!))).toEqual([{ leadId: null }]);
  });

  it('refuses edits outside the subtree, of admins, of one’s own position, and an admin who owns stores', async () => {
    const east = await unit('hz-east');
    const before = await snapshot();
    const out = await rejection(updatePerson(w.deps, w.people.mgrWest, { personId: w.people.rep4.id, name: 'Mine now' }));
    expect([out.code, out.key, out.params.name]).toEqual(['not_found', 'person.not_found', undefined]);
    expect((await rejection(updatePerson(w.deps, w.people.mgrWest, { personId: w.people.rep1.id, unitId: east.id }))).key).toBe('org.outside_subtree');
    expect((await rejection(updatePerson(w.deps, w.people.mgrWest, { personId: w.people.admin.id, name: 'X' }))).code).toBe('not_found');
    expect((await rejection(updatePerson(w.deps, w.people.mgrWest, { personId: w.people.rep1.id, role: 'admin' }))).key).toBe('person.cannot_grant_admin');
    expect((await rejection(updatePerson(w.deps, w.people.mgrWest, { personId: w.people.mgrWest.id, role: 'admin' }))).key).toBe('person.own_position');
    expect((await rejection(updatePerson(w.deps, w.people.admin, { personId: w.people.admin.id, role: 'manager' }))).key).toBe('person.own_position');
    const owns = await rejection(updatePerson(w.deps, w.people.admin, { personId: w.people.rep1.id, role: 'admin', unitId: null }));
    expect([owns.code, owns.key, owns.params]).toEqual(['conflict', 'person.admin_owns_stores', { name: 'Li Lei', count: 1 }]);
    expect((await rejection(personHistory(w.deps, w.people.mgrWest, w.people.rep4.id))).code).toBe('not_found');
    expect((await rejection(getPerson(w.deps, w.people.mgrWest, w.people.rep4.id))).code).toBe('not_found');
    expect(await snapshot()).toEqual(before);
    // A manager may rename itself: its position is untouched.
    expect((await updatePerson(w.deps, w.people.mgrWest, { personId: w.people.mgrWest.id, name: 'Wang Fang (W)' })).name).toBe('Wang Fang (W)');
  });

  it('shows a person with the stores they own and the units they lead', async () => {
    const d = await getPerson(w.deps, w.people.mgrWest, w.people.sup1.id);
    expect([d.person.name, d.unitName, d.stores, d.leads.map((u) => u.name)]).toEqual(['Han Meimei', 'Team 1', 0, ['Team 1']]);
    expect((await getPerson(w.deps, w.people.admin, w.people.rep1.id)).stores).toBe(1);
  });
});

describe('Slack import', () => {
  const members = [
    { id: 'USLACKBOT', name: 'slackbot', real_name: 'Slackbot', deleted: false, is_bot: false, profile: { real_name: 'Slackbot' } },
    { id: 'B0BOT', name: 'crm', is_bot: true, deleted: false, profile: { real_name: 'CRM bot' } },
    { id: 'U0GONE', name: 'gone', deleted: true, profile: { real_name: 'Gone Person' } },
    { id: 'U0REP1', team_id: 'T0SEABOARD', name: 'lilei', real_name: 'Li Lei', tz: 'Asia/Shanghai', locale: 'zh-CN', profile: { real_name: 'Li Lei (李雷)', email: 'lilei@example.com' } },
    { id: 'U0REP2', name: 'sam', real_name: 'Sam Carter', tz: 'Asia/Shanghai', locale: 'en-US', profile: { real_name: 'Sam Carter' } },
    { id: 'U0NEW1', team_id: 'T0SEABOARD', name: 'xiaoming', real_name: 'Xiao Ming', tz: 'Asia/Shanghai', locale: 'zh-CN', profile: { real_name: 'Xiao Ming', email: 'xm@example.com' } },
    { id: 'U0NEW2', name: 'nina', tz: 'Europe/Berlin', profile: { display_name: 'Nina' } },
    { id: 'U0NEW1', name: 'xiaoming', real_name: 'Xiao Ming' },
    'not a member',
  ];

  it('refreshes known Slack ids, adds the unknown ones as reps of the chosen unit, skips bots, Slackbot and deleted users', async () => {
    const t2 = await unit('hz-west-t2');
    const report = await importSlackUsers(w.deps, w.people.admin, { unitId: t2.id, users: members });
    expect({ ...report, skipped: report.skipped.map((s) => [s.id, s.reason]) }).toEqual({
      created: 2,
      updated: 1,
      unchanged: 1,
      skipped: [
        ['USLACKBOT', 'bot'],
        ['B0BOT', 'bot'],
        ['U0GONE', 'deleted'],
        ['U0NEW1', 'duplicate'],
        ['?', 'invalid'],
      ],
    });
    const li = await w.db.person.findUniqueOrThrow({ where: { slackId: 'U0REP1' } });
    expect([li.name, li.email, li.locale, li.timezone, li.role]).toEqual(['Li Lei (李雷)', 'lilei@example.com', 'zh-CN', 'Asia/Shanghai', 'rep']);
    const xm = await w.db.person.findUniqueOrThrow({ where: { slackId: 'U0NEW1' } });
    expect([xm.name, xm.role, xm.unitId, xm.email, xm.locale, xm.slackTeamId]).toEqual(['Xiao Ming', 'rep', t2.id, 'xm@example.com', 'zh-CN', 'T0SEABOARD']);
    const nina = await w.db.person.findUniqueOrThrow({ where: { slackId: 'U0NEW2' } });
    expect([nina.name, nina.timezone, nina.locale]).toEqual(['Nina', 'Europe/Berlin', null]);
    expect(await w.db.person.findUnique({ where: { slackId: 'U0GONE' } })).toBeNull();
    expect((await personHistory(w.deps, w.people.admin, xm.id)).map((h) => [h.toRole, h.toUnit?.name])).toEqual([['rep', 'Team 2']]);
    expect((await auditOf('person.create')).length).toBe(2);

    const again = await importSlackUsers(w.deps, w.people.admin, { unitId: t2.id, users: members });
    expect([again.created, again.updated, again.unchanged]).toEqual([0, 0, 4]);
  });

  it('is for admins, into a unit that exists; a refusal writes nothing', async () => {
    const before = await snapshot();
    const t1 = await unit('hz-west-t1');
    expect((await rejection(importSlackUsers(w.deps, w.people.mgrWest, { unitId: t1.id, users: members }))).key).toBe('person.import_needs_admin');
    expect((await rejection(importSlackUsers(w.deps, w.people.admin, { unitId: 9999, users: members }))).issues[0]).toMatchObject({ path: 'unitId', key: 'org.unit_not_found' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('locale tags from Slack and the people form', () => {
  it('reads Slack’s and a form’s locale tags as a catalog; a Slack tag with no catalog leaves the person’s language as it was', async () => {
    const t2 = await unit('hz-west-t2');
    const users = [
      { id: 'U0LOC1', name: 'a', real_name: 'Hans Person', locale: 'zh-Hans-CN', profile: { real_name: 'Hans Person' } },
      { id: 'U0LOC2', name: 'b', real_name: 'Taipei Person', locale: 'zh-TW', profile: { real_name: 'Taipei Person' } },
      { id: 'U0LOC3', name: 'c', real_name: 'Paris Person', locale: 'fr-FR', profile: { real_name: 'Paris Person' } },
      { id: 'U0REP2', name: 'sam', real_name: 'Sam Carter', locale: 'en-GB', profile: { real_name: 'Sam Carter' } },
    ];
    await importSlackUsers(w.deps, w.people.admin, { unitId: t2.id, users });
    const locale = async (slackId: string) => (await w.db.person.findUniqueOrThrow({ where: { slackId } })).locale;
    expect([await locale('U0LOC1'), await locale('U0LOC2'), await locale('U0LOC3'), await locale('U0REP2')]).toEqual(['zh-CN', 'zh-CN', null, 'en']);

    const edited = await updatePerson(w.deps, w.people.admin, { personId: w.people.rep2.id, locale: 'zh-Hans' });
    expect(edited.locale).toBe('zh-CN');
    await expect(updatePerson(w.deps, w.people.admin, { personId: w.people.rep2.id, locale: 'xx-YY' })).rejects.toMatchObject({ issues: [{ path: 'locale' }] });
  });
});
