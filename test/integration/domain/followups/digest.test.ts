import { describe, expect, it } from 'vitest';
import { DIGEST_LATE_MS, digestOf, digestsPendingToday, digestZones, queueDigests, queueTodaysDigests } from '../../../../src/domain/followups/digest.ts';
import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { defaultSettings } from '../../../../src/domain/settings/settings.ts';
import { formatTime, zonedParts } from '../../../../src/domain/time/zone.ts';
import { logVisit } from '../../../../src/domain/visits/visits.ts';
import { dailyAt } from '../../../../src/jobs/slots.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);

/** The digests queued, by recipient: their payloads. */
async function digests() {
  const rows = await w.db.outbox.findMany({ where: { kind: 'followup.digest' }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ key: r.dedupeKey, recipientId: r.recipientId, payload: digestOf(JSON.parse(r.payload))! }));
}

/** Runs a digest slot as the job does: at its time (plus a minute), for its zone. */
async function runSlot(slotAt: Date, timezone: string, lateMs = 60_000) {
  w.clock.set(new Date(slotAt.getTime() + lateMs));
  return queueDigests(w.deps, { at: slotAt, timezone });
}

async function followUp(personKey: 'rep1' | 'rep2' | 'rep3', storeName: string, dueAt: string, note: string | null = null) {
  const s = await w.store(storeName);
  return w.db.followUp.create({ data: { storeId: s.id, personId: w.people[personKey].id, dueAt: at(dueAt), note } });
}

describe('the morning digest', () => {
  it('tells each person their day in their own time zone, once, and nothing to those with nothing to say', async () => {
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { timezone: NY } });
    // Li Lei (Shanghai): one overdue, one due today (Monday 2026-11-23 local), one tomorrow (not listed).
    const overdue = await followUp('rep1', 'Sunny Cafe', '2026-11-20T06:00:00Z', 'Bring the menu');
    const today = await followUp('rep1', '老王面馆', '2026-11-23T07:00:00Z');
    await followUp('rep1', '知味小笼', '2026-11-24T07:00:00Z');
    // Sam Carter (New York): due today there, 2026-11-23 15:00 EST.
    const sams = await followUp('rep2', '外婆家（湖滨店）', '2026-11-23T20:00:00Z');
    // Han Meimei has Li Lei's opportunity report to decide; 刘洋 logged a visit on Sunday.
    w.clock.set('2026-11-22T03:00:00Z');
    const opp = await createOpportunity(w.deps, w.people.rep1, { storeId: (await w.store('Sunny Cafe')).id, name: 'Coffee machines', amount: 1_000_000, expectedCloseAt: '2026-12-31' });
    await logVisit(w.deps, w.people.rep3, { storeId: (await w.store('Green Leaf Bakery')).id, method: 'phone', summary: 'called' });

    expect(await digestZones(w.deps)).toEqual([NY, SH]);
    const [shanghai] = dailyAt('08:30', SH, at('2026-11-22T12:00:00Z'), at('2026-11-23T12:00:00Z'));
    expect(shanghai!.toISOString()).toBe('2026-11-23T00:30:00.000Z');
    const r = await runSlot(shanghai!, SH);
    expect(r).toMatchObject({ sent: 5, failed: 0, people: 9, already: 0 });
    expect(r.skipped).toBe(4);
    const sent = await digests();
    // 刘洋's visit is news to him, and to the leads above him: Olivia Brown (his team) and Wang Fang (his area).
    const ids = ['rep1', 'rep3', 'sup1', 'sup2', 'mgrWest'] as const;
    expect(sent.map((d) => d.key).sort()).toEqual(ids.map((k) => `digest:${w.people[k].id}:2026-11-23`).sort());
    const li = sent.find((d) => d.recipientId === w.people.rep1.id)!.payload;
    expect(li).toMatchObject({ localDate: '2026-11-23', timezone: SH, overdueTotal: 1, dueTodayTotal: 1, approvalsTotal: 0 });
    expect(li.overdue.map((f) => [f.id, f.note, f.store.name])).toEqual([[overdue.id, 'Bring the menu', 'Sunny Cafe']]);
    expect(li.dueToday.map((f) => f.id)).toEqual([today.id]);
    const han = sent.find((d) => d.recipientId === w.people.sup1.id)!.payload;
    expect(han).toMatchObject({ approvalsTotal: 1, approvals: [{ requestId: opp.reportRequestId, flow: 'report', store: 'Sunny Cafe', requester: 'Li Lei' }] });
    expect(sent.find((d) => d.recipientId === w.people.rep3.id)!.payload.yesterday).toEqual({ visits: 1, claims: 0 });
    expect(sent.find((d) => d.recipientId === w.people.sup2.id)!.payload.yesterday).toEqual({ visits: 1, claims: 0, team: true });
    expect(sent.find((d) => d.recipientId === w.people.mgrWest.id)!.payload.yesterday).toEqual({ visits: 1, claims: 0, team: true });
    // Everyone in the zone gets Home drawn with the new day, news or not.
    expect(await w.db.outbox.count({ where: { kind: 'home.refresh', dedupeKey: { contains: ':digest:' } } })).toBe(9);

    // The same slot again (a retry, a second process): nothing new.
    expect(await runSlot(shanghai!, SH, 5 * 60_000)).toMatchObject({ sent: 0, already: 9 });
    expect(await w.db.outbox.count({ where: { kind: 'followup.digest' } })).toBe(5);
    expect(await w.db.outbox.count({ where: { kind: 'home.refresh', dedupeKey: { contains: ':digest:' } } })).toBe(9);

    // New York's morning is later; Sam alone, his local date.
    const [newYork] = dailyAt('08:30', NY, at('2026-11-23T00:00:00Z'), at('2026-11-24T00:00:00Z'));
    expect(newYork!.toISOString()).toBe('2026-11-23T13:30:00.000Z');
    expect(await runSlot(newYork!, NY)).toMatchObject({ sent: 1, people: 1 });
    const sam = (await digests()).find((d) => d.recipientId === w.people.rep2.id)!;
    expect(sam.key).toBe(`digest:${w.people.rep2.id}:2026-11-23`);
    expect(sam.payload.dueToday.map((f) => f.id)).toEqual([sams.id]);
  });

  it('in New York across the end of daylight saving: one digest each working day at 08:30 local', async () => {
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { timezone: NY } });
    await followUp('rep2', '外婆家（湖滨店）', '2026-10-20T14:00:00Z');
    const slots = dailyAt(defaultSettings.reminderTimes.digest, NY, at('2026-10-25T00:00:00Z'), at('2026-11-08T00:00:00Z'), { days: defaultSettings.workingDays });
    for (const s of slots) {
      await runSlot(s, NY);
      await runSlot(s, NY, 30 * 60_000); // a second process, later: nothing twice
    }
    const sent = (await digests()).filter((d) => d.recipientId === w.people.rep2.id);
    expect(sent.map((d) => d.payload.localDate)).toEqual(['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06']);
    for (const d of sent) expect(formatTime(new Date(d.payload.at), NY)).toBe('08:30');
    // 12:30 UTC under daylight saving, 13:30 after it ended on Sunday 1 November.
    expect(sent.map((d) => d.payload.at.slice(11, 16))).toEqual([...Array(5).fill('12:30'), ...Array(5).fill('13:30')]);
    for (const d of sent) expect([1, 2, 3, 4, 5]).toContain(zonedParts(new Date(d.payload.at), NY).weekday);
    expect(await w.db.outbox.count({ where: { kind: 'followup.digest' } })).toBe(10);
  });

  it('is skipped more than two hours late, and on a day off', async () => {
    await followUp('rep1', 'Sunny Cafe', '2026-11-20T06:00:00Z');
    const monday = at('2026-11-23T00:30:00Z');
    expect(await runSlot(monday, SH, DIGEST_LATE_MS + 60_000)).toMatchObject({ sent: 0, reason: 'late' });
    const saturday = at('2026-11-28T00:30:00Z');
    expect(await runSlot(saturday, SH)).toMatchObject({ sent: 0, reason: 'not_working_day' });
    expect(await w.db.outbox.count()).toBe(0);
    // Within the two hours it goes.
    expect(await runSlot(monday, SH, DIGEST_LATE_MS - 60_000)).toMatchObject({ sent: 1 });
  });

  it('uses the company’s zone for a person whose own is not one, and flags it; people without Slack get nothing', async () => {
    await w.db.person.update({ where: { id: w.people.rep1.id }, data: { timezone: 'Mars/Olympus_Mons' } });
    await w.db.person.update({ where: { id: w.people.rep3.id }, data: { slackId: null } });
    await followUp('rep1', 'Sunny Cafe', '2026-11-20T06:00:00Z');
    await followUp('rep3', 'Green Leaf Bakery', '2026-11-20T06:00:00Z');
    expect(await digestZones(w.deps)).toEqual([SH]);
    const r = await runSlot(at('2026-11-23T00:30:00Z'), SH);
    expect(r.unknownZones).toEqual([{ personId: w.people.rep1.id, timezone: 'Mars/Olympus_Mons' }]);
    expect((await digests()).map((d) => d.recipientId)).toEqual([w.people.rep1.id]);
  });

  it('a person whose time zone is changed during the day gets that day’s digest once', async () => {
    await followUp('rep1', 'Sunny Cafe', '2026-11-20T06:00:00Z');
    // Someone else keeps New York in use.
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { timezone: NY } });
    expect(await runSlot(at('2026-11-23T00:30:00Z'), SH)).toMatchObject({ sent: 1 });
    // Li Lei moves to New York at noon in Shanghai: New York's 08:30 is still the 23rd there.
    await w.db.person.update({ where: { id: w.people.rep1.id }, data: { timezone: NY } });
    expect(await runSlot(at('2026-11-23T13:30:00Z'), NY)).toMatchObject({ sent: 0, people: 2 });
    expect((await digests()).map((d) => d.key)).toEqual([`digest:${w.people.rep1.id}:2026-11-23`]);
    // The next day, New York's morning is his.
    expect(await runSlot(at('2026-11-24T13:30:00Z'), NY)).toMatchObject({ sent: 1 });
    expect((await digests()).map((d) => d.key)).toEqual([`digest:${w.people.rep1.id}:2026-11-23`, `digest:${w.people.rep1.id}:2026-11-24`]);
  });

  it('Run now: today’s digest for whoever’s time has come and has not had it — however late, never before their time, never a past day’s', async () => {
    await w.db.person.update({ where: { id: w.people.rep2.id }, data: { timezone: NY } });
    await followUp('rep1', 'Sunny Cafe', '2026-11-20T06:00:00Z');
    await followUp('rep2', '外婆家（湖滨店）', '2026-11-20T06:00:00Z');
    // Monday 13:00 in Shanghai (4½ hours after its digest time); in New York it is Monday 00:00.
    w.clock.set('2026-11-23T05:00:00Z');
    expect(await digestsPendingToday(w.deps)).toEqual({ due: 9, pending: 9 });
    const r = await queueTodaysDigests(w.deps);
    expect(r).toMatchObject({ sent: 1, failed: 0, due: 9, notDue: 1, already: 0 });
    expect((await digests()).map((d) => [d.recipientId, d.payload.localDate])).toEqual([[w.people.rep1.id, '2026-11-23']]);
    expect(await digestsPendingToday(w.deps)).toEqual({ due: 9, pending: 0 });
    // Again: nothing new for anyone.
    expect(await queueTodaysDigests(w.deps)).toMatchObject({ sent: 0, skipped: 0, already: 9, notDue: 1 });
    // New York's 08:30 has come: Sam's turn, his Monday.
    w.clock.set('2026-11-23T14:00:00Z');
    expect(await queueTodaysDigests(w.deps)).toMatchObject({ sent: 1, due: 10, already: 9, notDue: 0 });
    expect((await digests()).map((d) => d.key)).toEqual([`digest:${w.people.rep1.id}:2026-11-23`, `digest:${w.people.rep2.id}:2026-11-23`]);
    // Early on Tuesday in Shanghai (06:00, before 08:30): Monday's is not sent again, Tuesday's not yet
    // (in New York it is still Monday evening: Sam has had his).
    w.clock.set('2026-11-23T22:00:00Z');
    expect(await queueTodaysDigests(w.deps)).toMatchObject({ sent: 0, due: 1, already: 1, notDue: 9 });
    expect(await w.db.outbox.count({ where: { kind: 'followup.digest' } })).toBe(2);
  });

  it('counts many follow-ups but lists the first few, oldest first', async () => {
    const s = await w.store('Sunny Cafe');
    await w.db.followUp.createMany({ data: Array.from({ length: 30 }, (_, i) => ({ storeId: s.id, personId: w.people.rep1.id, dueAt: new Date(Date.UTC(2026, 10, 1 + (i % 20), 6, i)) })) });
    await runSlot(at('2026-11-23T00:30:00Z'), SH);
    const [d] = await digests();
    expect(d!.payload.overdueTotal).toBe(30);
    expect(d!.payload.overdue).toHaveLength(8);
    const dues = d!.payload.overdue.map((f) => f.dueAt);
    expect([...dues].sort()).toEqual(dues);
    expect(dues[0]).toBe('2026-11-01T06:00:00.000Z');
  });
});
