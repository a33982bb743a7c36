import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import { openStages, type OpenStage } from '../opportunities/opportunities.ts';
import { isLead, type Actor } from '../org/roles.ts';
import { scopeFor } from '../org/scope.ts';
import { addDays, startOfDay, zonedParts, zonedTimeToUtc } from '../time/zone.ts';

// A supervisor's or manager's day, for its team (everyone of its subtree, by the org tree's scope):
// who visited how many stores today, the team's overdue follow-ups, the stores that the sweep will
// return to the public pool tonight, and the open pipeline by stage. App Home shows it on every
// opening, so each part is one indexed statement over the team's people, all run side by side.

/** Lines read of each list (the rest are counted). */
const LIST_TAKE = 10;

export interface TeamPerson {
  id: number;
  name: string;
  /** Visits logged today (the lead's local day). */
  visits: number;
}

export interface TeamFollowUp {
  id: number;
  dueAt: Date;
  store: { id: number; code: string; name: string };
  person: { id: number; name: string };
}

export interface ReturningStore {
  id: number;
  code: string;
  name: string;
  protectedUntil: Date | null;
  owner: { id: number; name: string };
}

export interface StageTotal {
  stage: OpenStage;
  count: number;
  /** Sum of the expected amounts, minor units. */
  amount: number;
}

export interface TeamDay {
  now: Date;
  timezone: string;
  /** The team's active reps, most visits first. */
  reps: TeamPerson[];
  /** Visits logged today by anyone of the team (leads included). */
  visitsToday: number;
  /** Open follow-ups of the team past their due time, the longest overdue first. */
  overdue: TeamFollowUp[];
  overdueTotal: number;
  /** The next auto-return sweep (settings.reminderTimes.sweep, the company's time zone). */
  sweepAt: Date;
  /** Private stores of the team that the next sweep returns unless something happens first. */
  returning: ReturningStore[];
  returningTotal: number;
  /** Open opportunities of the team by stage, in the stages' order; every open stage is listed. */
  pipeline: StageTotal[];
}

/** The next instant the nightly sweep runs: today's `hh:mm` in the company's zone, else tomorrow's. */
export function nextSweepAt(now: Date, hhmm: string, tz: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const p = zonedParts(now, tz);
  const today = zonedTimeToUtc({ year: p.year, month: p.month, day: p.day, hour, minute }, tz);
  return today > now ? today : zonedTimeToUtc({ year: p.year, month: p.month, day: p.day + 1, hour, minute }, tz);
}

/** The team's day as its supervisor or manager sees it. Reps and admins are refused (they have their own Home). */
export async function loadTeamDay(deps: Deps, actor: Actor): Promise<TeamDay> {
  if (!isLead(actor)) throw new ForbiddenError('pool.needs_lead');
  const { settings, scope } = await scopeFor(deps.db, actor);
  const now = deps.clock.now();
  const tz = actor.timezone ?? settings.timezone;
  const today = startOfDay(now, tz);
  const tomorrow = addDays(today, 1, tz);
  const sweepAt = nextSweepAt(now, settings.reminderTimes.sweep, settings.timezone);
  // scope.memberIds: everyone of the lead's subtree, the lead too; a lead with no unit has no team.
  const ids = scope.memberIds.length ? scope.memberIds : [actor.id];
  const overdueWhere = { personId: { in: ids }, status: 'open', dueAt: { lt: now } };
  const returningWhere = { ownerId: { in: ids }, isCustomer: false, protectedUntil: { lte: sweepAt } };
  const [people, visits, overdue, overdueTotal, returning, returningTotal, stages] = await Promise.all([
    deps.db.person.findMany({ where: { id: { in: ids }, active: true, role: 'rep' }, select: { id: true, name: true } }),
    deps.db.visit.groupBy({ by: ['personId'], where: { personId: { in: ids }, at: { gte: today, lt: tomorrow } }, _count: { _all: true } }),
    deps.db.followUp.findMany({
      where: overdueWhere,
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      take: LIST_TAKE,
      select: { id: true, dueAt: true, store: { select: { id: true, code: true, name: true } }, person: { select: { id: true, name: true } } },
    }),
    deps.db.followUp.count({ where: overdueWhere }),
    deps.db.store.findMany({
      where: returningWhere,
      orderBy: [{ protectedUntil: 'asc' }, { id: 'asc' }],
      take: LIST_TAKE,
      select: { id: true, code: true, name: true, protectedUntil: true, owner: { select: { id: true, name: true } } },
    }),
    deps.db.store.count({ where: returningWhere }),
    deps.db.opportunity.groupBy({ by: ['stage'], where: { ownerId: { in: ids }, stage: { in: [...openStages] } }, _count: { _all: true }, _sum: { amount: true } }),
  ]);
  const visitsOf = new Map(visits.map((v) => [v.personId, v._count._all]));
  const reps = people
    .map((p) => ({ id: p.id, name: p.name, visits: visitsOf.get(p.id) ?? 0 }))
    .sort((a, b) => b.visits - a.visits || a.name.localeCompare(b.name) || a.id - b.id);
  const byStage = new Map(stages.map((s) => [s.stage, s]));
  return {
    now,
    timezone: tz,
    reps,
    visitsToday: visits.reduce((n, v) => n + v._count._all, 0),
    overdue,
    overdueTotal,
    sweepAt,
    returning: returning.filter((s): s is typeof s & { owner: { id: number; name: string } } => s.owner !== null),
    returningTotal,
    pipeline: openStages.map((stage) => ({ stage, count: byStage.get(stage)?._count._all ?? 0, amount: byStage.get(stage)?._sum.amount ?? 0 })),
  };
}
