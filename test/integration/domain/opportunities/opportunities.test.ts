import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../src/domain/errors.ts';
import {
  changeStage,
  createOpportunity,
  getOpportunity,
  listMyOpportunities,
  MAX_AMOUNT_MINOR,
} from '../../../../src/domain/opportunities/opportunities.ts';
import { worldPerTest, rejection, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const counts = async () => ({
  opportunities: await w.db.opportunity.count(),
  stages: await w.db.opportunityStageChange.count(),
  audits: await w.db.auditLog.count({ where: { entity: 'opportunity' } }),
});

// T0 is 2026-11-22 10:00 in Hangzhou (02:00 UTC).
describe('create an opportunity', () => {
  it('writes the opportunity, its first stage row and an audit row', async () => {
    const s = await w.store('Sunny Cafe');
    const o = await createOpportunity(w.deps, w.people.rep1, {
      storeId: s.id,
      name: '  Coffee machines  ',
      amount: 1_234_567,
      expectedCloseAt: '2026-12-31',
      stage: 'proposal',
      competitors: 'Acme',
      notes: '',
    });
    expect(o).toMatchObject({ name: 'Coffee machines', amount: 1_234_567, stage: 'proposal', competitors: 'Acme', notes: null, ownerId: w.people.rep1.id });
    expect(o.store).toMatchObject({ id: s.id, name: 'Sunny Cafe' });
    // The start of 2026-12-31 in Hangzhou.
    expect(o.expectedCloseAt.toISOString()).toBe('2026-12-30T16:00:00.000Z');
    const rows = await w.db.opportunityStageChange.findMany({ where: { opportunityId: o.id } });
    expect(rows).toEqual([expect.objectContaining({ fromStage: null, toStage: 'proposal', byId: w.people.rep1.id, at: new Date('2026-11-22T02:00:00Z') })]);
    expect(await w.db.auditLog.count({ where: { entity: 'opportunity', entityId: String(o.id), action: 'opportunity.create' } })).toBe(1);
  });

  it('starts at initial contact, accepts today in the actor’s time zone and a public store of its regions', async () => {
    const s = await w.store('老王面馆'); // public, West Lake
    // 01:00 on 11-23 in Hangzhou is still 11-22 in UTC: "today" is the actor's.
    w.clock.set('2026-11-22T17:00:00Z');
    const o = await createOpportunity(w.deps, w.people.rep2, { storeId: s.id, name: 'Noodle deal', amount: 0, expectedCloseAt: '2026-11-23' });
    expect(o.stage).toBe('initial_contact');
    const past = await rejection(createOpportunity(w.deps, w.people.rep2, { storeId: s.id, name: 'x', amount: 0, expectedCloseAt: '2026-11-22' }));
    expect(past.issues).toEqual([{ path: 'expectedCloseAt', key: 'opportunity.close_in_past', params: { today: '2026-11-23' } }]);
  });

  it('reports every bad field at once, by field name, and writes nothing', async () => {
    const s = await w.store('River Side Grill'); // rep4's, in the east: rep1 cannot see it
    const e = await rejection(
      createOpportunity(w.deps, w.people.rep1, {
        storeId: s.id,
        name: '',
        amount: -100,
        expectedCloseAt: '2026-11-21',
        stage: 'won' as never,
        competitors: 'x'.repeat(501),
        notes: 'y'.repeat(2001),
      }),
    );
    expect(e.code).toBe('invalid');
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.key]));
    expect(byPath).toEqual({
      storeId: 'store.not_found',
      name: 'validation.required',
      amount: 'opportunity.amount_negative',
      expectedCloseAt: 'opportunity.close_in_past',
      stage: 'validation.one_of',
      competitors: 'validation.too_long',
      notes: 'validation.too_long',
    });
    expect(await counts()).toEqual({ opportunities: 0, stages: 0, audits: 0 });
  });

  it('refuses an absurd amount, a fraction of a cent, an impossible or far date, an unknown or inactive store', async () => {
    const s = await w.store('Sunny Cafe');
    const base = { storeId: s.id, name: 'n', amount: 100, expectedCloseAt: '2026-12-01' };
    const key = async (patch: Record<string, unknown>) => (await rejection(createOpportunity(w.deps, w.people.rep1, { ...base, ...patch } as never))).issues.map((i) => `${i.path}:${i.key}`);
    expect(await key({ amount: MAX_AMOUNT_MINOR + 1 })).toEqual(['amount:opportunity.amount_too_big']);
    expect(await key({ amount: 12.5 })).toEqual(['amount:validation.expected_number']);
    expect(await key({ amount: Number.NaN })).toEqual(['amount:validation.expected_number']);
    expect(await key({ expectedCloseAt: '2027-02-30' })).toEqual(['expectedCloseAt:validation.expected_date']);
    expect(await key({ expectedCloseAt: '2032-01-01' })).toEqual(['expectedCloseAt:opportunity.close_too_far']);
    expect(await key({ expectedCloseAt: 'tomorrow' })).toEqual(['expectedCloseAt:validation.invalid']);
    expect(await key({ storeId: 999_999 })).toEqual(['storeId:store.not_found']);
    expect(await key({ name: 'n'.repeat(101) })).toEqual(['name:validation.too_long']);
    await w.db.store.update({ where: { id: s.id }, data: { status: 'disabled' } });
    expect(await key({})).toEqual(['storeId:opportunity.store_not_active']);
    expect(await createOpportunity(w.deps, w.people.rep1, { ...base, storeId: (await w.store('知味小笼')).id, amount: MAX_AMOUNT_MINOR })).toMatchObject({ amount: MAX_AMOUNT_MINOR });
    expect((await rejection(createOpportunity(w.deps, w.people.admin, base))).code).toBe('forbidden');
    expect((await counts()).opportunities).toBe(1);
  });

  it('lets a supervisor register one on a store of its team', async () => {
    const s = await w.store('Sunny Cafe'); // rep1's, team 1
    const o = await createOpportunity(w.deps, w.people.sup1, { storeId: s.id, name: 'Team deal', amount: 5000, expectedCloseAt: new Date('2027-01-10T08:00:00Z') });
    expect(o.ownerId).toBe(w.people.sup1.id);
    expect(o.expectedCloseAt.toISOString()).toBe('2027-01-09T16:00:00.000Z');
  });
});

describe('list and move opportunities', () => {
  async function three() {
    const s = await w.store('Sunny Cafe');
    const mk = (name: string, expectedCloseAt: string) => createOpportunity(w.deps, w.people.rep1, { storeId: s.id, name, amount: 100, expectedCloseAt });
    return [await mk('B', '2027-01-01'), await mk('A', '2026-12-01'), await mk('C', '2027-03-01')];
  }

  it('lists mine, the nearest close first, open only on request', async () => {
    const [b, a, c] = await three();
    await w.db.opportunity.update({ where: { id: c!.id }, data: { stage: 'won' } });
    const all = await listMyOpportunities(w.deps, w.people.rep1);
    expect(all.items.map((o) => o.name)).toEqual(['A', 'B', 'C']);
    expect(all.total).toBe(3);
    const open = await listMyOpportunities(w.deps, w.people.rep1, { open: true, take: 1 });
    expect(open).toMatchObject({ total: 2, items: [{ id: a!.id }] });
    expect((await listMyOpportunities(w.deps, w.people.rep2)).total).toBe(0);
    expect(b).toBeDefined();
  });

  it('changes the stage with a note and keeps the history', async () => {
    const [o] = await three();
    w.clock.advance(60_000);
    const r = await changeStage(w.deps, w.people.rep1, o!.id, { stage: 'needs_analysis', note: 'They have a budget' });
    expect(r.opportunity.stage).toBe('needs_analysis');
    w.clock.advance(60_000);
    await changeStage(w.deps, w.people.sup1, o!.id, { stage: 'proposal', note: 'Sent the offer' });
    const full = await getOpportunity(w.deps, w.people.rep1, o!.id);
    expect(full.history.map((h) => [h.fromStage, h.toStage, h.note])).toEqual([
      [null, 'initial_contact', null],
      ['initial_contact', 'needs_analysis', 'They have a budget'],
      ['needs_analysis', 'proposal', 'Sent the offer'],
    ]);
    expect(await w.db.auditLog.count({ where: { action: 'opportunity.stage', entityId: String(o!.id) } })).toBe(2);
  });

  it('refuses won/lost (approvals decide), the same stage, a closed one, no note, and someone else’s', async () => {
    const [o] = await three();
    const won = await rejection(changeStage(w.deps, w.people.rep1, o!.id, { stage: 'won', note: 'yes' }));
    expect(won.issues).toEqual([{ path: 'stage', key: 'opportunity.close_needs_approval' }]);
    expect((await rejection(changeStage(w.deps, w.people.rep1, o!.id, { stage: 'initial_contact', note: 'x' }))).key).toBe('opportunity.same_stage');
    expect((await rejection(changeStage(w.deps, w.people.rep1, o!.id, { stage: 'proposal', note: ' ' }))).issues[0]).toMatchObject({ path: 'note', key: 'validation.required' });
    expect((await rejection(changeStage(w.deps, w.people.rep2, o!.id, { stage: 'proposal', note: 'x' }))).key).toBe('opportunity.not_found');
    expect((await rejection(changeStage(w.deps, w.people.sup2, o!.id, { stage: 'proposal', note: 'x' }))).key).toBe('opportunity.not_found');
    expect((await rejection(getOpportunity(w.deps, w.people.rep2, o!.id))).code).toBe('not_found');
    await w.db.opportunity.update({ where: { id: o!.id }, data: { stage: 'lost' } });
    expect((await rejection(changeStage(w.deps, w.people.rep1, o!.id, { stage: 'proposal', note: 'x' }))).key).toBe('opportunity.closed');
    expect(await w.db.opportunityStageChange.count({ where: { opportunityId: o!.id } })).toBe(1);
  });

  it('of two simultaneous identical moves, one takes effect', async () => {
    const [o] = await three();
    const results = await Promise.allSettled([
      changeStage(w.deps, w.people.rep1, o!.id, { stage: 'proposal', note: 'one' }),
      changeStage(w.deps, w.people.sup1, o!.id, { stage: 'proposal', note: 'two' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(['opportunity.changed_meanwhile', 'opportunity.same_stage']).toContain((rejected.reason as DomainError).key);
    expect(await w.db.opportunityStageChange.count({ where: { opportunityId: o!.id } })).toBe(2);
  });
});
