import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../src/domain/clock.ts';
import { completeFollowUp, createFollowUp, listFollowUps, snoozeFollowUp } from '../../../../src/domain/followups/followups.ts';
import { listVisitsByPerson, listVisitsByStore, logVisit } from '../../../../src/domain/visits/visits.ts';
import { worldPerTest, rejection, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

describe('log a visit', () => {
  it('updates last visit, latest progress, next follow-up and pushes protection for an in-person visit', async () => {
    const s = await w.store('Sunny Cafe'); // claimed at T0, protected 30 days
    w.clock.advance(25 * DAY_MS);
    const next = new Date('2026-12-20T02:00:00Z');
    const r = await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'in_person', summary: 'Met the owner', outcome: 'wants a demo', stage: 'interested', nextFollowUpAt: next });
    expect(r.visit.cold).toBe(false);
    expect(r.store).toMatchObject({ lastVisitAt: new Date('2026-12-17T02:00:00Z'), latestProgress: 'Met the owner — wants a demo', nextFollowUpAt: next, stage: 'interested', grade: 'C' });
    // visit + 14 days = 12-31, later than 12-22
    expect(r.store.protectedUntil?.toISOString()).toBe('2026-12-31T02:00:00.000Z');
    expect(r.followUpId).not.toBeNull();
  });

  it('never extends past claimedAt + 90 days, never shortens, and phone calls do not extend', async () => {
    const s = await w.store('Sunny Cafe');
    await w.db.store.update({ where: { id: s.id }, data: { protectedUntil: new Date('2027-02-15T02:00:00Z') } });
    w.clock.advance(80 * DAY_MS); // 2027-02-10
    const r = await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'in_person', summary: 'again' });
    expect(r.store.protectedUntil?.toISOString()).toBe('2027-02-20T02:00:00.000Z'); // claimedAt + 90
    const phone = await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'call' });
    expect(phone.store.protectedUntil?.toISOString()).toBe('2027-02-20T02:00:00.000Z');
    await w.db.store.update({ where: { id: s.id }, data: { protectedUntil: new Date('2027-03-30T02:00:00Z') } });
    const later = await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'in_person', summary: 'x' });
    expect(later.store.protectedUntil?.toISOString()).toBe('2027-03-30T02:00:00.000Z');
  });

  it('allows a cold visit on a public store and says it can be claimed', async () => {
    const s = await w.store('老王面馆');
    const r = await logVisit(w.deps, w.people.rep2, { storeId: s.id, method: 'in_person', summary: 'walked in' });
    expect(r.visit.cold).toBe(true);
    expect(r.claimable).toBe(true);
    expect(r.store.ownerId).toBeNull();
  });

  it('rejects a follow-up in the past, a visit in the future, an empty summary, another rep’s store', async () => {
    const s = await w.store('Sunny Cafe');
    const past = await rejection(logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'x', nextFollowUpAt: new Date('2026-11-21T00:00:00Z') }));
    expect(past.issues[0]).toMatchObject({ path: 'nextFollowUpAt', key: 'followup.in_past' });
    expect((await rejection(logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'x', at: new Date('2026-11-23T00:00:00Z') }))).key).toBe('visit.in_future');
    expect((await rejection(logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: '   ' }))).issues[0]?.path).toBe('summary');
    expect((await rejection(logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'teleport' as 'phone', summary: 'x' }))).issues[0]?.path).toBe('method');
    expect((await rejection(logVisit(w.deps, w.people.rep2, { storeId: s.id, method: 'phone', summary: 'x' }))).code).toBe('not_found');
    expect(await w.db.visit.count()).toBe(0);
  });

  it('lists visits by store and by person; a lead sees its team’s, a rep not another’s', async () => {
    const s = await w.store('Sunny Cafe');
    await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'one', at: new Date('2026-11-21T02:00:00Z') });
    await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'two' });
    expect((await listVisitsByStore(w.deps, w.people.rep1, s.id)).map((v) => v.summary)).toEqual(['two', 'one']);
    expect((await listVisitsByPerson(w.deps, w.people.sup1, w.people.rep1.id)).map((v) => v.store?.name)).toEqual(['Sunny Cafe', 'Sunny Cafe']);
    expect((await rejection(listVisitsByPerson(w.deps, w.people.rep2, w.people.rep1.id))).code).toBe('forbidden');
    expect((await rejection(listVisitsByPerson(w.deps, w.people.sup2, w.people.rep1.id))).code).toBe('forbidden');
  });
});

describe('follow-ups', () => {
  it('splits overdue / today / upcoming in the person’s time zone', async () => {
    const s = await w.store('Sunny Cafe');
    const mk = (iso: string) => w.db.followUp.create({ data: { storeId: s.id, personId: w.people.rep1.id, dueAt: new Date(iso) } });
    await mk('2026-11-21T15:30:00Z'); // 23:30 on the 21st in Hangzhou: overdue
    await mk('2026-11-21T16:30:00Z'); // 00:30 on the 22nd: today
    await mk('2026-11-22T15:59:00Z'); // 23:59 on the 22nd: today
    await mk('2026-11-22T16:00:00Z'); // 00:00 on the 23rd: upcoming
    await mk('2026-12-30T00:00:00Z'); // beyond two weeks: not listed
    const list = await listFollowUps(w.deps, w.people.rep1);
    expect(list.overdue).toHaveLength(1);
    expect(list.dueToday).toHaveLength(2);
    expect(list.upcoming).toHaveLength(1);
    // For someone in New York it is still 21:00 on the 21st: today ends at 05:00Z on the 22nd.
    await w.db.person.update({ where: { id: w.people.rep1.id }, data: { timezone: 'America/New_York' } });
    const ny = await listFollowUps(w.deps, await w.actor('rep1'));
    expect([ny.overdue.length, ny.dueToday.length, ny.upcoming.length]).toEqual([0, 2, 2]);
  });

  it('done is idempotent; snooze moves the due time and must be in the future', async () => {
    const s = await w.store('Sunny Cafe');
    const f = await createFollowUp(w.deps, w.people.rep1, { storeId: s.id, dueAt: new Date('2026-11-22T08:00:00Z'), note: 'send menu' });
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).nextFollowUpAt).toEqual(f.dueAt);
    const later = new Date('2026-11-24T01:00:00Z');
    expect((await snoozeFollowUp(w.deps, w.people.rep1, f.id, later)).dueAt).toEqual(later);
    expect((await rejection(snoozeFollowUp(w.deps, w.people.rep1, f.id, new Date('2026-11-01T00:00:00Z')))).key).toBe('followup.in_past');
    expect((await rejection(completeFollowUp(w.deps, w.people.rep2, f.id))).code).toBe('forbidden');
    const [a, b] = await Promise.all([completeFollowUp(w.deps, w.people.rep1, f.id), completeFollowUp(w.deps, w.people.rep1, f.id)]);
    expect([a.changed, b.changed].sort()).toEqual([false, true]);
    expect(await w.db.auditLog.count({ where: { action: 'followup.done' } })).toBe(1);
    expect((await w.db.store.findUniqueOrThrow({ where: { id: s.id } })).nextFollowUpAt).toBeNull();
    expect((await rejection(snoozeFollowUp(w.deps, w.people.rep1, f.id, later))).key).toBe('followup.not_open');
  });

  it('a visit completes my due follow-ups of that store', async () => {
    const s = await w.store('Sunny Cafe');
    const f = await createFollowUp(w.deps, w.people.rep1, { storeId: s.id, dueAt: new Date('2026-11-22T08:00:00Z') });
    await logVisit(w.deps, w.people.rep1, { storeId: s.id, method: 'phone', summary: 'called as planned' });
    expect((await w.db.followUp.findUniqueOrThrow({ where: { id: f.id } })).status).toBe('done');
  });
});
