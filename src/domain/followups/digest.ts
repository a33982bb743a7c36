import { z } from 'zod';
import { Prisma, inTransaction } from '../../db/client.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { dialectOf, inJson, inJsonIds } from '../imports/bulk-sql.ts';
import { pacer, type Pace } from '../imports/pace.ts';
import { enqueueBulk, type Notice } from '../outbox/outbox.ts';
import { orgSnapshot } from '../org/snapshot.ts';
import { subtree } from '../org/tree.ts';
import { loadSettings } from '../settings/settings.ts';
import { isWorkingDay } from '../time/calendar.ts';
import { addDays, formatDate, isValidTimeZone, startOfDay, zonedParts, zonedTimeToUtc } from '../time/zone.ts';
import { ENDING_DAYS } from './my-day.ts';

// The morning digest: at `reminderTimes.digest` in each person's own time zone, on the company's
// working days, what their day holds — the follow-ups of my day (my-day.ts: overdue and due today),
// the stores whose protection ends within my day's 3 days, the approvals waiting for them, and
// yesterday's figures — computed here for everyone in one time zone at once, with a few grouped
// queries per hundred people instead of a few per person, and queued as one notice per person
// (`digest:{personId}:{localDate}`: a slot run twice, or a time zone changed during the day, sends one
// digest a day). Everyone's App Home is drawn again too, so that it shows the new day; that Home
// refresh (`home:{personId}:digest:{localDate}`, queued for everyone, news or not) is how a later run
// knows who has had the day's digest. A supervisor's or manager's "yesterday" is their team's (their
// org subtree), and says so.

/** A digest later than this after its time is skipped: nobody wants "good morning" at 3 pm. */
export const DIGEST_LATE_MS = 2 * 60 * 60 * 1000;
/** Follow-ups listed per list (overdue, due today); each takes two blocks of a 50-block message. */
export const DIGEST_FOLLOWUPS = 8;
/** Stores and approvals listed; the rest are counted. */
const DIGEST_STORES = 5;
const DIGEST_APPROVALS = 3;
/** People per round of grouped queries, and per transaction of notices: ~30 ms of SQLite writes, during which the event loop waits. */
const PEOPLE_CHUNK = 100;

const iso = z.string().datetime({ offset: true });
const followUpItem = z.object({
  id: z.number().int().positive(),
  dueAt: iso,
  note: z.string().nullable(),
  snoozes: z.number().int().min(0),
  store: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
});

/** What a digest notice carries: the day as it was at its time (the renderer only draws it). */
export const digestPayloadSchema = z.object({
  localDate: z.string(),
  timezone: z.string(),
  at: iso,
  overdue: z.array(followUpItem),
  overdueTotal: z.number().int().min(0),
  dueToday: z.array(followUpItem),
  dueTodayTotal: z.number().int().min(0),
  ending: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string(), protectedUntil: iso })),
  endingTotal: z.number().int().min(0),
  approvals: z.array(z.object({ requestId: z.number().int(), flow: z.string(), store: z.string(), requester: z.string(), since: iso })),
  approvalsTotal: z.number().int().min(0),
  /** Yesterday's visits logged and stores claimed: the person's own, or with `team` their org subtree's (a supervisor, a manager). */
  yesterday: z.object({ visits: z.number().int().min(0), claims: z.number().int().min(0), team: z.boolean().optional() }),
});
export type DigestPayload = z.infer<typeof digestPayloadSchema>;
export type DigestFollowUp = DigestPayload['overdue'][number];

/** A digest notice's payload, checked; null when it is not one. */
export function digestOf(payload: unknown): DigestPayload | null {
  const r = digestPayloadSchema.safeParse(payload);
  return r.success ? r.data : null;
}

export const digestKey = (personId: number, localDate: string): string => `digest:${personId}:${localDate}`;
/** Queued for everyone a digest run reached that day, news or not: who has had the day's digest. */
const homeKey = (personId: number, localDate: string): string => `home:${personId}:digest:${localDate}`;

/** Is there anything to tell? Nothing → no message. */
export function digestHasNews(d: DigestPayload): boolean {
  return d.overdueTotal + d.dueTodayTotal + d.endingTotal + d.approvalsTotal + d.yesterday.visits + d.yesterday.claims > 0;
}

interface Recipient {
  id: number;
  timezone: string | null;
  role: string;
  unitId: number | null;
}

/**
 * The people a digest may go to: active, with a Slack account; their zone, or the company's when
 * unknown. With `changedSince`, only those whose record changed since then (a time zone edited, an
 * account linked or made active).
 */
async function recipients(deps: Deps, companyZone: string, changedSince?: Date): Promise<{ people: (Recipient & { zone: string })[]; unknown: { personId: number; timezone: string }[] }> {
  const rows = await deps.db.person.findMany({
    where: { active: true, slackId: { not: null }, ...(changedSince ? { updatedAt: { gte: changedSince } } : {}) },
    select: { id: true, timezone: true, role: true, unitId: true },
    orderBy: { id: 'asc' },
  });
  const unknown: { personId: number; timezone: string }[] = [];
  const people = rows.map((p) => {
    const own = p.timezone?.trim() || null;
    if (own && !isValidTimeZone(own)) unknown.push({ personId: p.id, timezone: own });
    return { ...p, zone: own && isValidTimeZone(own) ? own : companyZone };
  });
  return { people, unknown };
}

/**
 * The time zones the digest has slots in: each active Slack person's own, the company's for those
 * without one or with one that is not a time zone (`companyZone`: the settings' when the caller has them).
 * Read by the digest job at every tick (one small query).
 */
export async function digestZones(deps: Deps, companyZone?: string): Promise<string[]> {
  const company = companyZone ?? (await loadSettings(deps.db)).timezone;
  // GROUP BY in the database: Prisma's `distinct` reads every person and de-duplicates in memory, and this
  // runs on every scheduler tick.
  const rows = await deps.db.person.groupBy({ by: ['timezone'], where: { active: true, slackId: { not: null } } });
  const zones = new Set(rows.map((r) => (r.timezone && isValidTimeZone(r.timezone) ? r.timezone : company)));
  return [...zones].sort();
}

export interface DigestRun {
  /** Digests queued now (a person's digest already queued that day is not counted again). */
  sent: number;
  /** People with nothing to tell (no message), or all of them when the run was too late or not on a working day. */
  skipped: number;
  /** People whose digest could not be made (their figures failed to read); the others still got theirs. */
  failed: number;
  /** People in the slot's zone (of `only`, when given). */
  people: number;
  /** Of them, those a run had reached that day already (a retry, a second process, Run now): left alone. */
  already: number;
  /** People whose own time zone is not one (the company's was used); they are flagged to the caller. */
  unknownZones: { personId: number; timezone: string }[];
  /** Why nothing was sent at all. */
  reason?: 'late' | 'not_working_day';
  /** The first error, when some failed. */
  error?: string;
}

export interface DigestSlot {
  /** The digest's scheduled instant: its local date in `timezone` is the digest's day. */
  at: Date;
  timezone: string;
  /** A run of its own (Run now): not refused as late, as `at` is today's time that has passed. */
  manual?: boolean;
  /** Only these people of the zone (one who moved into it after its morning ran). */
  only?: readonly number[];
}

/** The ids of `ids` that a digest run has reached on `localDate` already. */
async function reached(deps: Deps, ids: number[], localDate: string): Promise<Set<number>> {
  const out = new Set<number>();
  const dialect = dialectOf(deps.db);
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000);
    const rows = await deps.db.$queryRaw<{ recipientId: number | bigint | null }[]>`
      SELECT "recipientId" FROM "Outbox" WHERE ${inJson(dialect, Prisma.raw('"dedupeKey"'), part.map((id) => homeKey(id, localDate)))}`;
    for (const r of rows) if (r.recipientId !== null) out.add(Number(r.recipientId));
  }
  return out;
}

/**
 * Queues the morning digest, and an App Home refresh, for everyone whose time zone is `timezone` and
 * whom no digest run has reached that day yet. Late by more than DIGEST_LATE_MS (unless `manual`), or
 * not on a working day there, it sends nothing and says why.
 */
export async function queueDigests(deps: Deps, slot: DigestSlot): Promise<DigestRun> {
  const settings = await loadSettings(deps.db);
  const tz = slot.timezone;
  const { people: all, unknown } = await recipients(deps, settings.timezone);
  const only = slot.only ? new Set(slot.only) : null;
  const inZoneAll = all.filter((p) => p.zone === tz && (!only || only.has(p.id)));
  const inZone = new Set(inZoneAll.map((p) => p.id));
  const run: DigestRun = { sent: 0, skipped: 0, failed: 0, people: inZoneAll.length, already: 0, unknownZones: unknown.filter((u) => inZone.has(u.personId)) };
  const now = deps.clock.now();
  if (!slot.manual && now.getTime() - slot.at.getTime() > DIGEST_LATE_MS) return { ...run, skipped: inZoneAll.length, reason: 'late' };
  if (!isWorkingDay(slot.at, settings.workingDays, tz)) return { ...run, skipped: inZoneAll.length, reason: 'not_working_day' };
  const day = { today: startOfDay(slot.at, tz), localDate: formatDate(slot.at, tz) };
  const done = await reached(deps, inZoneAll.map((p) => p.id), day.localDate);
  const people = inZoneAll.filter((p) => !done.has(p.id));
  run.already = done.size;
  if (people.length === 0) return run;
  const tomorrow = addDays(day.today, 1, tz);
  const yesterday = addDays(day.today, -1, tz);
  const pace = pacer();
  const figures = await yesterdayFigures(deps, people, yesterday, day.today);
  const queue = async (chunk: number[]) => {
    const facts = await readChunk(deps, chunk, { ...day, tomorrow, yesterday, now }, pace);
    const digests: Notice[] = [];
    const homes: Notice[] = [];
    let nothing = 0;
    for (const personId of chunk) {
      const payload: DigestPayload = {
        localDate: day.localDate,
        timezone: tz,
        at: slot.at.toISOString(),
        ...(facts.followUps.get(personId) ?? { overdue: [], overdueTotal: 0, dueToday: [], dueTodayTotal: 0 }),
        ...(facts.ending.get(personId) ?? { ending: [], endingTotal: 0 }),
        ...(facts.approvals.get(personId) ?? { approvals: [], approvalsTotal: 0 }),
        yesterday: figures(personId),
      };
      // Home shows the new day whether or not there is news.
      homes.push({ dedupeKey: homeKey(personId, day.localDate), kind: 'home.refresh', recipientId: personId, payload: { reason: 'digest' } });
      if (digestHasNews(payload)) digests.push({ dedupeKey: digestKey(personId, day.localDate), kind: 'followup.digest', recipientId: personId, payload: payload as unknown as Record<string, unknown> });
      else nothing += 1;
    }
    await pace();
    // The digest first in each person's lane, the Home refresh behind it; a digest already queued
    // (the slot run again) is not counted again.
    run.sent += await inTransaction(deps.db, async (tx) => {
      const fresh = await enqueueBulk(tx, digests, now);
      await enqueueBulk(tx, homes, now);
      return fresh;
    });
    run.skipped += nothing;
  };
  for (let i = 0; i < people.length; i += PEOPLE_CHUNK) {
    const chunk = people.slice(i, i + PEOPLE_CHUNK).map((p) => p.id);
    try {
      await queue(chunk);
    } catch {
      // One person's bad data must not cost the others their digest: one at a time, the failure is theirs alone.
      for (const personId of chunk) {
        try {
          await queue([personId]);
        } catch (e) {
          run.failed += 1;
          run.error ??= e instanceof Error ? e.message : String(e);
        }
      }
    }
  }
  return run;
}

interface DayBounds {
  today: Date;
  tomorrow: Date;
  yesterday: Date;
  now: Date;
}

interface ChunkFacts {
  followUps: Map<number, Pick<DigestPayload, 'overdue' | 'overdueTotal' | 'dueToday' | 'dueTodayTotal'>>;
  ending: Map<number, Pick<DigestPayload, 'ending' | 'endingTotal'>>;
  approvals: Map<number, Pick<DigestPayload, 'approvals' | 'approvalsTotal'>>;
}

const num = (v: unknown): number => Number(v);
const isoOf = (v: unknown): string => new Date(v as string | Date).toISOString();

/** Everything the digests of some people of one zone show but yesterday's figures, in three grouped reads. */
async function readChunk(deps: Deps, ids: number[], d: DayBounds, pace: Pace): Promise<ChunkFacts> {
  const db = deps.db;
  const dialect = dialectOf(db);
  const facts: ChunkFacts = { followUps: new Map(), ending: new Map(), approvals: new Map() };

  // Open follow-ups due before tomorrow, per person and list (overdue / today): the first few of each
  // with their count. Window functions: the same on SQLite and PostgreSQL.
  await pace();
  const bucket = Prisma.sql`CASE WHEN f."dueAt" < ${d.today} THEN 0 ELSE 1 END`;
  const fus = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT * FROM (
      SELECT f."id", f."personId", f."dueAt", f."note", f."snoozes", s."id" AS "storeId", s."code", s."name",
        ${bucket} AS "bucket",
        ROW_NUMBER() OVER (PARTITION BY f."personId", ${bucket} ORDER BY f."dueAt", f."id") AS "rn",
        COUNT(*) OVER (PARTITION BY f."personId", ${bucket}) AS "total"
      FROM "FollowUp" f JOIN "Store" s ON s."id" = f."storeId"
      WHERE f."status" = 'open' AND f."dueAt" < ${d.tomorrow} AND ${inJsonIds(dialect, Prisma.raw('f."personId"'), ids)}
    ) x WHERE x."rn" <= ${DIGEST_FOLLOWUPS} ORDER BY x."personId", x."bucket", x."rn"`;
  for (const r of fus) {
    const personId = num(r.personId);
    let f = facts.followUps.get(personId);
    if (!f) facts.followUps.set(personId, (f = { overdue: [], overdueTotal: 0, dueToday: [], dueTodayTotal: 0 }));
    const item: DigestFollowUp = { id: num(r.id), dueAt: isoOf(r.dueAt), note: (r.note as string | null) ?? null, snoozes: num(r.snoozes), store: { id: num(r.storeId), code: String(r.code), name: String(r.name) } };
    if (num(r.bucket) === 0) {
      f.overdue.push(item);
      f.overdueTotal = num(r.total);
    } else {
      f.dueToday.push(item);
      f.dueTodayTotal = num(r.total);
    }
  }

  // Stores whose protection ends within my day's days (a person holds at most its pool cap).
  await pace();
  const ending = await db.store.findMany({
    where: { ownerId: { in: ids }, isCustomer: false, protectedUntil: { lte: new Date(d.now.getTime() + ENDING_DAYS * DAY_MS) } },
    select: { id: true, code: true, name: true, protectedUntil: true, ownerId: true },
    orderBy: [{ protectedUntil: 'asc' }, { id: 'asc' }],
  });
  for (const s of ending) {
    let e = facts.ending.get(s.ownerId!);
    if (!e) facts.ending.set(s.ownerId!, (e = { ending: [], endingTotal: 0 }));
    e.endingTotal += 1;
    if (e.ending.length < DIGEST_STORES) e.ending.push({ id: s.id, code: s.code, name: s.name, protectedUntil: s.protectedUntil!.toISOString() });
  }

  // Steps waiting for each of them (as the to-do of /crm approvals): the longest waiting first.
  await pace();
  const steps = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT * FROM (
      SELECT a."personId", r."id" AS "requestId", r."flow", st."createdAt", s."name" AS "store", p."name" AS "requester",
        ROW_NUMBER() OVER (PARTITION BY a."personId" ORDER BY st."createdAt", st."id") AS "rn",
        COUNT(*) OVER (PARTITION BY a."personId") AS "total"
      FROM "ApprovalApprover" a
        JOIN "ApprovalStep" st ON st."id" = a."stepId"
        JOIN "ApprovalRequest" r ON r."id" = st."requestId"
        JOIN "Store" s ON s."id" = r."storeId"
        JOIN "Person" p ON p."id" = r."requesterId"
      WHERE a."active" = true AND st."status" = 'pending' AND ${inJsonIds(dialect, Prisma.raw('a."personId"'), ids)}
    ) x WHERE x."rn" <= ${DIGEST_APPROVALS} ORDER BY x."personId", x."rn"`;
  for (const r of steps) {
    const personId = num(r.personId);
    let a = facts.approvals.get(personId);
    if (!a) facts.approvals.set(personId, (a = { approvals: [], approvalsTotal: 0 }));
    a.approvalsTotal = num(r.total);
    a.approvals.push({ requestId: num(r.requestId), flow: String(r.flow), store: String(r.store), requester: String(r.requester), since: isoOf(r.createdAt) });
  }
  return facts;
}

/**
 * Yesterday's figures per person of the run: visits logged and stores claimed between two instants; a
 * supervisor's or manager's are their org subtree's (the people of the units under theirs, as their
 * scope sees them). Visits are read for the people concerned only (the (personId, at) index), claims
 * once for the slot.
 */
async function yesterdayFigures(deps: Deps, people: Recipient[], from: Date, to: Date): Promise<(personId: number) => DigestPayload['yesterday']> {
  const leads = people.filter((p) => (p.role === 'supervisor' || p.role === 'manager') && p.unitId !== null);
  const members = new Map<number, number[]>();
  if (leads.length) {
    const { tree } = await orgSnapshot(deps.db);
    const byUnit = new Map<number, number[]>();
    for (const p of await deps.db.person.findMany({ where: { unitId: { not: null } }, select: { id: true, unitId: true } })) {
      const list = byUnit.get(p.unitId!) ?? [];
      list.push(p.id);
      byUnit.set(p.unitId!, list);
    }
    for (const lead of leads) members.set(lead.id, [...new Set([lead.id, ...subtree(tree, lead.unitId!).flatMap((u) => byUnit.get(u) ?? [])])]);
  }
  const ids = [...new Set([...people.map((p) => p.id), ...[...members.values()].flat()])];
  const visits = new Map<number, number>();
  // The ids as one JSON parameter: a team's subtree can be thousands of people, past a driver's bound-parameter limit.
  const rows = await deps.db.$queryRaw<{ personId: number | bigint; n: number | bigint }[]>`
    SELECT v."personId", COUNT(*) AS "n" FROM "Visit" v
    WHERE ${inJsonIds(dialectOf(deps.db), Prisma.raw('v."personId"'), ids)} AND v."at" >= ${from} AND v."at" < ${to}
    GROUP BY v."personId"`;
  for (const r of rows) visits.set(Number(r.personId), Number(r.n));
  const claimRows = await deps.db.claimHistory.groupBy({ by: ['toOwnerId'], where: { action: 'claim', at: { gte: from, lt: to }, toOwnerId: { not: null } }, _count: { _all: true } });
  const claims = new Map(claimRows.map((r) => [r.toOwnerId!, r._count._all]));
  const sum = (list: number[], m: Map<number, number>) => list.reduce((n, id) => n + (m.get(id) ?? 0), 0);
  return (personId) => {
    const team = members.get(personId);
    if (team) return { visits: sum(team, visits), claims: sum(team, claims), team: true };
    return { visits: visits.get(personId) ?? 0, claims: claims.get(personId) ?? 0 };
  };
}

/** The instant of `hhmm` on the local day of `instant` in tz. */
function onLocalDay(instant: Date, tz: string, hhmm: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const { year, month, day } = zonedParts(instant, tz);
  return zonedTimeToUtc({ year, month, day, hour, minute }, tz);
}

/** Each zone in use with its people and today's digest instant there (the local day of `now`). */
async function zonesToday(deps: Deps, now: Date) {
  const settings = await loadSettings(deps.db);
  const { people } = await recipients(deps, settings.timezone);
  const zones = new Map<string, number[]>();
  for (const p of people) zones.set(p.zone, [...(zones.get(p.zone) ?? []), p.id]);
  return [...zones].sort(([a], [b]) => a.localeCompare(b)).map(([tz, ids]) => {
    const at = onLocalDay(now, tz, settings.reminderTimes.digest);
    return { tz, ids, at, localDate: formatDate(at, tz), due: at.getTime() <= now.getTime() && isWorkingDay(at, settings.workingDays, tz) };
  });
}

export interface TodaysDigests extends Omit<DigestRun, 'people' | 'reason'> {
  /** People whose digest time has come today (on a working day there). */
  due: number;
  /** People whose digest time has not come yet today, or whose today is not a working day: left to the schedule. */
  notDue: number;
}

/**
 * Run now: today's digest, in each person's own zone, for everyone whose digest time has come today
 * and whom no run has reached today — however late in their day (an admin asked for it), never a past
 * day's, and never before their time (that stays the schedule's, which then finds it done).
 */
export async function queueTodaysDigests(deps: Deps): Promise<TodaysDigests> {
  const out: TodaysDigests = { sent: 0, skipped: 0, failed: 0, already: 0, due: 0, notDue: 0, unknownZones: [] };
  for (const z of await zonesToday(deps, deps.clock.now())) {
    if (!z.due) {
      out.notDue += z.ids.length;
      continue;
    }
    const r = await queueDigests(deps, { at: z.at, timezone: z.tz, manual: true });
    out.due += r.people;
    out.sent += r.sent;
    out.skipped += r.skipped;
    out.failed += r.failed;
    out.already += r.already;
    out.unknownZones.push(...r.unknownZones);
    if (r.error) out.error ??= r.error;
  }
  return out;
}

/** For the console, beside Run now: of the people whose digest time has come today, how many no run has reached yet. */
export async function digestsPendingToday(deps: Deps, now: Date = deps.clock.now()): Promise<{ due: number; pending: number }> {
  let due = 0;
  let pending = 0;
  for (const z of await zonesToday(deps, now)) {
    if (!z.due) continue;
    due += z.ids.length;
    pending += z.ids.length - (await reached(deps, z.ids, z.localDate)).size;
  }
  return { due, pending };
}

/**
 * People who moved into a zone after its morning digest ran there (their time zone edited), or joined
 * since: in a zone whose digest instant today lies in (to − DIGEST_LATE_MS, from] — its own slot was
 * offered at an earlier tick — on a working day, and not reached by any digest run that day. `zones`
 * are the zones in use (digestZones); only those whose window is open are read, and of their people
 * only those whose record changed since the window opened (everyone else was there when the zone's
 * own slot ran), so a tick costs one small read at most.
 */
export async function digestLateJoiners(deps: Deps, o: { zones: readonly string[]; from: Date; to: Date; hhmm: string; workingDays: readonly number[]; companyZone: string }): Promise<{ personId: number; timezone: string; at: Date }[]> {
  const open = new Map<string, Date>();
  for (const tz of o.zones) {
    // Today's instant there, or yesterday's (a window that began before midnight UTC … or local).
    for (const day of [o.to, new Date(o.to.getTime() - DAY_MS)]) {
      const at = onLocalDay(day, tz, o.hhmm);
      if (at.getTime() <= o.from.getTime() && o.to.getTime() - at.getTime() <= DIGEST_LATE_MS && isWorkingDay(at, o.workingDays, tz)) open.set(tz, at);
    }
  }
  if (open.size === 0) return [];
  const since = new Date(Math.min(...[...open.values()].map((d) => d.getTime())));
  const { people } = await recipients(deps, o.companyZone, since);
  const out: { personId: number; timezone: string; at: Date }[] = [];
  for (const [tz, at] of open) {
    const ids = people.filter((p) => p.zone === tz).map((p) => p.id);
    const done = await reached(deps, ids, formatDate(at, tz));
    for (const id of ids) if (!done.has(id)) out.push({ personId: id, timezone: tz, at });
  }
  return out;
}
