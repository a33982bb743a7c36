import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { demoStores } from '../../../src/demo/company.ts';
import { DEMO_ADMIN, DEMO_MANAGER, seedDemoIfEmpty, type SeedResult } from '../../../src/demo/seed.ts';
import { DAY_MS, fixedClock } from '../../../src/domain/clock.ts';
import { signIn } from '../../../src/domain/console/accounts.ts';
import type { Deps } from '../../../src/domain/deps.ts';
import { parseRing, pointInRing, ringsOverlap } from '../../../src/domain/geo/polygon.ts';
import { opportunityStages } from '../../../src/domain/opportunities/opportunities.ts';
import { roleSchema } from '../../../src/domain/org/roles.ts';
import { scopeFor } from '../../../src/domain/org/scope.ts';
import { addDays, startOfDay } from '../../../src/domain/time/zone.ts';
import { freshDatabase } from '../../support/db.ts';

// 10:00 in Hangzhou on a Monday: the history's last days are working days.
const NOW = new Date('2026-11-23T02:00:00Z');
const TZ = 'Asia/Shanghai';
const hasChinese = (s: string) => /\p{Script=Han}/u.test(s);

let database: Database & { drop(): Promise<void> };
let deps: Deps;
let first: SeedResult;

const counts = async () => {
  const db = database.db;
  const [people, stores, visits, followUps, opportunities, approvals, outbox, history] = await Promise.all([
    db.person.count(), db.store.count(), db.visit.count(), db.followUp.count(), db.opportunity.count(), db.approvalRequest.count(), db.outbox.count(), db.claimHistory.count(),
  ]);
  return { people, stores, visits, followUps, opportunities, approvals, outbox, history };
};

beforeAll(async () => {
  database = await freshDatabase();
  deps = { db: database.db, clock: fixedClock(NOW) };
  first = await seedDemoIfEmpty(deps);
}, 180_000);

afterAll(async () => {
  await database.drop();
});

describe('the demo company', () => {
  it('loads into an empty database once; a second start finds people and changes nothing', async () => {
    expect(first.seeded).toBe(true);
    const before = await counts();
    const again = await seedDemoIfEmpty(deps);
    expect(again.seeded).toBe(false);
    expect(await counts()).toEqual(before);
  });

  it('is a city with two areas of two teams, each team led by its supervisor', async () => {
    const units = await database.db.orgUnit.findMany({ include: { lead: { select: { role: true, unitId: true } } } });
    const root = units.filter((u) => u.parentId === null);
    expect(root).toHaveLength(1);
    const areas = units.filter((u) => u.parentId === root[0]!.id);
    expect(areas).toHaveLength(2);
    const teams = units.filter((u) => areas.some((a) => a.id === u.parentId));
    expect(teams).toHaveLength(4);
    expect(units).toHaveLength(7);
    for (const t of teams) expect(t.lead).toMatchObject({ role: 'supervisor', unitId: t.id });
    expect(root[0]!.lead?.role).toBe('manager');
  });

  it('has an admin, a manager, four supervisors and twelve reps, with Chinese and English names and both languages', async () => {
    const people = await database.db.person.findMany();
    const byRole = (r: string) => people.filter((p) => p.role === r);
    expect(byRole('admin')).toHaveLength(1);
    expect(byRole('manager')).toHaveLength(1);
    expect(byRole('supervisor')).toHaveLength(4);
    const reps = byRole('rep');
    expect(reps).toHaveLength(12);
    expect(reps.some((p) => hasChinese(p.name) && p.locale === 'zh-CN')).toBe(true);
    expect(reps.some((p) => !hasChinese(p.name) && p.locale === 'en')).toBe(true);
    for (const p of people) expect(p.slackId).toMatch(/^U0DEMO/);
    // Three reps in each team.
    const perTeam = new Map<number, number>();
    for (const r of reps) perTeam.set(r.unitId!, (perTeam.get(r.unitId!) ?? 0) + 1);
    expect([...perTeam.values()]).toEqual([3, 3, 3, 3]);
  });

  it('has six regions over Hangzhou that do not overlap, and about 500 stores, each inside one of them', async () => {
    const regions = await database.db.region.findMany();
    expect(regions).toHaveLength(6);
    const rings = new Map(regions.map((r) => [r.id, parseRing(JSON.parse(r.polygon))]));
    for (const a of regions) {
      expect(a.minLng).toBeGreaterThanOrEqual(120.05);
      expect(a.maxLng).toBeLessThanOrEqual(120.4);
      expect(a.minLat).toBeGreaterThanOrEqual(30.15);
      expect(a.maxLat).toBeLessThanOrEqual(30.4);
      for (const b of regions) if (a.id < b.id) expect(ringsOverlap(rings.get(a.id)!, rings.get(b.id)!)).toBe(false);
    }
    const stores = await database.db.store.findMany({ select: { name: true, lng: true, lat: true, regionId: true, phone: true, address: true } });
    expect(stores.length).toBeGreaterThanOrEqual(450);
    expect(stores.length).toBeLessThanOrEqual(550);
    expect(stores.map((s) => s.name).sort()).toEqual(demoStores().map((s) => s.name).sort());
    for (const s of stores) {
      expect(s.regionId).not.toBeNull();
      expect(pointInRing(s.lng!, s.lat!, rings.get(s.regionId!)!)).toBe(true);
      expect(s.phone).toBeTruthy();
      expect(s.address).toBeTruthy();
    }
    expect(stores.some((s) => hasChinese(s.name))).toBe(true);
    expect(stores.some((s) => !hasChinese(s.name))).toBe(true);
  });

  it('has some private stores and mostly public ones, each private store owned by a rep whose team works its region', async () => {
    const stores = await database.db.store.findMany({ where: { ownerId: { not: null } }, include: { owner: true } });
    const total = await database.db.store.count();
    expect(stores.length).toBeGreaterThan(40);
    expect(stores.length).toBeLessThan(total / 2);
    const regionsOf = new Map<number, number[]>();
    for (const s of stores) {
      const owner = s.owner!;
      expect(owner.role).toBe('rep');
      expect(owner.active).toBe(true);
      if (!regionsOf.has(owner.id)) {
        const { scope } = await scopeFor(database.db, { ...owner, role: roleSchema.parse(owner.role) });
        regionsOf.set(owner.id, scope.poolRegionIds);
      }
      expect(regionsOf.get(owner.id)).toContain(s.regionId);
      expect(s.claimedAt!.getTime()).toBeLessThanOrEqual(NOW.getTime());
      // Whatever ran out before last night's sweep went back to the public pool.
      if (!s.isCustomer) expect(s.protectedUntil!.getTime()).toBeGreaterThan(startOfDay(NOW, TZ).getTime() + 2 * 3_600_000);
    }
    // Two teams share their area's region: both have private stores there.
    const shared = await database.db.region.findMany({ where: { unit: { parentId: { not: null }, children: { some: {} } } }, select: { id: true } });
    expect(shared).toHaveLength(2);
    for (const r of shared) {
      const teams = new Set(stores.filter((s) => s.regionId === r.id).map((s) => s.owner!.unitId));
      expect(teams.size).toBe(2);
    }
  });

  it('spreads visits (in English and Chinese), claims and orders over the last 60 days', async () => {
    const visits = await database.db.visit.findMany({ select: { at: true, summary: true } });
    expect(visits.length).toBeGreaterThan(200);
    const from = NOW.getTime() - 61 * DAY_MS;
    for (const v of visits) {
      expect(v.at.getTime()).toBeGreaterThan(from);
      expect(v.at.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    expect(visits.some((v) => hasChinese(v.summary))).toBe(true);
    expect(visits.some((v) => !hasChinese(v.summary))).toBe(true);
    const early = visits.filter((v) => v.at.getTime() < NOW.getTime() - 45 * DAY_MS).length;
    const late = visits.filter((v) => v.at.getTime() > NOW.getTime() - 15 * DAY_MS).length;
    expect(early).toBeGreaterThan(20);
    expect(late).toBeGreaterThan(20);
    const actions = new Set((await database.db.claimHistory.findMany({ select: { action: true } })).map((h) => h.action));
    expect([...actions]).toEqual(expect.arrayContaining(['claim', 'release', 'auto_return', 'assign', 'extend']));
    expect(await database.db.order.count()).toBeGreaterThan(10);
    expect(await database.db.store.count({ where: { isCustomer: true } })).toBeGreaterThan(5);
  });

  it('leaves follow-ups overdue, due today and upcoming', async () => {
    const today = startOfDay(NOW, TZ);
    const tomorrow = addDays(today, 1, TZ);
    const open = await database.db.followUp.findMany({ where: { status: 'open' }, select: { dueAt: true } });
    expect(open.filter((f) => f.dueAt < today).length).toBeGreaterThan(0);
    expect(open.filter((f) => f.dueAt >= today && f.dueAt < tomorrow).length).toBeGreaterThan(0);
    expect(open.filter((f) => f.dueAt >= tomorrow).length).toBeGreaterThan(0);
    expect(await database.db.followUp.count({ where: { status: 'done' } })).toBeGreaterThan(0);
  });

  it('has opportunities at every stage', async () => {
    const stages = new Set((await database.db.opportunity.findMany({ select: { stage: true } })).map((o) => o.stage));
    expect([...stages].sort()).toEqual([...opportunityStages].sort());
  });

  it('has approvals decided and waiting: each waiting one at an approver other than its requester, with its card in the outbox', async () => {
    const statuses = new Set((await database.db.approvalRequest.findMany({ select: { status: true } })).map((r) => r.status));
    expect([...statuses]).toEqual(expect.arrayContaining(['pending', 'returned', 'approved', 'rejected']));
    const pending = await database.db.approvalRequest.findMany({ where: { status: 'pending' } });
    expect(pending.length).toBeGreaterThanOrEqual(6);
    const steps = new Map(
      (await database.db.approvalStep.findMany({ where: { id: { in: pending.map((r) => r.currentStepId!) } }, include: { approvers: { include: { person: true } } } })).map((s) => [s.id, s]),
    );
    let atManager = 0;
    for (const r of pending) {
      const step = steps.get(r.currentStepId!)!;
      expect(step.status).toBe('pending');
      const approvers = step.approvers.filter((a) => a.active);
      expect(approvers.length).toBeGreaterThan(0);
      for (const a of approvers) {
        expect(a.personId).not.toBe(r.requesterId);
        expect(['supervisor', 'manager']).toContain(a.person.role);
        const card = await database.db.outbox.findUnique({ where: { dedupeKey: `approval.card:${step.id}:${a.personId}` } });
        expect(card).toMatchObject({ kind: 'approval.card', status: 'pending', recipientId: a.personId });
      }
      if (step.level === 2) {
        atManager++;
        expect(approvers.map((a) => a.person.role)).toEqual(['manager']);
      }
    }
    expect(atManager).toBeGreaterThanOrEqual(2);
    const reports = pending.filter((r) => r.flow === 'report' && steps.get(r.currentStepId!)!.level === 1);
    expect(reports.length).toBeGreaterThanOrEqual(4);
  });

  it('does not replay two months of notices: only those of open requests wait to be sent', async () => {
    const waiting = await database.db.outbox.findMany({ where: { status: 'pending' }, select: { kind: true, payload: true } });
    expect(waiting.length).toBeGreaterThan(0);
    const open = new Set((await database.db.approvalRequest.findMany({ where: { status: { in: ['pending', 'returned'] } }, select: { id: true } })).map((r) => r.id));
    for (const row of waiting) {
      expect(row.kind).toMatch(/^approval\./);
      expect(open.has((JSON.parse(row.payload) as { requestId: number }).requestId)).toBe(true);
    }
    expect(await database.db.outbox.count({ where: { kind: 'visit.logged', status: 'skipped' } })).toBeGreaterThan(0);
  });

  it('lets the demo admin and the demo manager sign in to the console with the documented password', async () => {
    for (const account of [DEMO_ADMIN, DEMO_MANAGER]) {
      const { accountId } = await signIn(deps, account);
      const row = await database.db.consoleAccount.findUniqueOrThrow({ where: { id: accountId }, include: { person: true } });
      expect(row.mustChangePassword).toBe(false);
      expect(row.person.role).toBe(account === DEMO_ADMIN ? 'admin' : 'manager');
    }
  });
});
