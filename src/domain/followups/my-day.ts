import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { myPoolUsage } from '../pools/pools.ts';
import type { PoolUsage } from '../pools/cap.ts';
import { addDays } from '../time/zone.ts';
import { listFollowUps } from './followups.ts';

// "My day": what a person faces today, in its own time zone: follow-ups overdue and due today, how
// many come in the next two weeks, the stores whose protection ends soon, and its pool. App Home and
// `/crm today` show it; the morning digest will send it.

/** Protection ending within this many days is listed. */
export const ENDING_DAYS = 3;
/** Stores with protection ending that are read (the rest are counted). */
const ENDING_TAKE = 25;

export interface FollowUpItem {
  id: number;
  dueAt: Date;
  note: string | null;
  snoozes: number;
  store: { id: number; code: string; name: string };
}

export interface EndingStore {
  id: number;
  code: string;
  name: string;
  protectedUntil: Date | null;
}

export interface MyDay {
  now: Date;
  timezone: string;
  overdue: FollowUpItem[];
  overdueTotal: number;
  dueToday: FollowUpItem[];
  dueTodayTotal: number;
  /** Open follow-ups due in the next 14 days after today. */
  upcomingTotal: number;
  ending: EndingStore[];
  endingTotal: number;
  usage: PoolUsage;
}

/** Everything "my day" shows for a person, in its own time zone. */
export async function loadMyDay(deps: Deps, actor: Actor): Promise<MyDay> {
  const now = deps.clock.now();
  const f = await listFollowUps(deps, actor);
  const tomorrow = addDays(f.today, 1, f.timezone);
  const horizon = addDays(f.today, 15, f.timezone);
  const open = { personId: actor.id, status: 'open' } as const;
  const endingWhere = { ownerId: actor.id, isCustomer: false, protectedUntil: { lte: new Date(now.getTime() + ENDING_DAYS * DAY_MS) } };
  const [overdueTotal, dueTodayTotal, upcomingTotal, ending, endingTotal, usage] = await Promise.all([
    deps.db.followUp.count({ where: { ...open, dueAt: { lt: f.today } } }),
    deps.db.followUp.count({ where: { ...open, dueAt: { gte: f.today, lt: tomorrow } } }),
    deps.db.followUp.count({ where: { ...open, dueAt: { gte: tomorrow, lt: horizon } } }),
    deps.db.store.findMany({
      where: endingWhere,
      orderBy: [{ protectedUntil: 'asc' }, { id: 'asc' }],
      take: ENDING_TAKE,
      select: { id: true, code: true, name: true, protectedUntil: true },
    }),
    deps.db.store.count({ where: endingWhere }),
    myPoolUsage(deps, actor),
  ]);
  return { now, timezone: f.timezone, overdue: f.overdue, overdueTotal, dueToday: f.dueToday, dueTodayTotal, upcomingTotal, ending, endingTotal, usage };
}

/** The name of the store a follow-up is about, for the line that says it was done or snoozed; '' when it is gone. */
export async function followUpStoreName(deps: Deps, followUpId: number): Promise<string> {
  const f = await deps.db.followUp.findUnique({ where: { id: followUpId }, select: { store: { select: { name: true } } } });
  return f?.store.name ?? '';
}
