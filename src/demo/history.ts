// Sixty days of a sales team's work, played through the real domain functions on a clock that moves
// from the first day to "now": reps claim stores, visit them, plan follow-ups, register opportunities
// and ask to close them; supervisors and the manager decide; the nightly sweep returns what was
// neglected. Every row therefore obeys the product's rules and carries the outbox notices a real
// workspace would have. Deterministic for a given "now" (seeded random, events in time order).
import { rng, type Rng } from './random.ts';
import type { Db } from '../db/client.ts';
import { decide, voidRequest } from '../domain/approvals/engine.ts';
import { resubmitRequest, submitRequest, type RequestInput } from '../domain/approvals/requests.ts';
import { DAY_MS, type fixedClock } from '../domain/clock.ts';
import type { Deps } from '../domain/deps.ts';
import { DomainError } from '../domain/errors.ts';
import { recordOrder } from '../domain/orders/orders.ts';
import { changeStage, createOpportunity, openStages, type OpenStage } from '../domain/opportunities/opportunities.ts';
import type { Actor } from '../domain/org/roles.ts';
import { scopeFor } from '../domain/org/scope.ts';
import { assignStore, claimStore, extendProtection, releaseStore } from '../domain/pools/pools.ts';
import { sweepAutoReturn } from '../domain/pools/sweep.ts';
import type { Settings } from '../domain/settings/settings.ts';
import { isWorkingDay } from '../domain/time/calendar.ts';
import { addDays, formatDate, startOfDay } from '../domain/time/zone.ts';
import { logVisit, visitMethods } from '../domain/visits/visits.ts';
import {
  approvalComments,
  competitors,
  extendReasons,
  followUpNotes,
  opportunityNames,
  releaseReasons,
  stageNotes,
  terminateReasons,
  visitOutcomes,
  visitSummaries,
} from './company.ts';

/** How many days of history, ending today. */
export const HISTORY_DAYS = 60;
const MINUTE = 60_000;

type Locale = 'en' | 'zh-CN';
type Clock = ReturnType<typeof fixedClock>;

interface Event {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

interface Owned {
  id: number;
  protectedUntil: Date | null;
  isCustomer: boolean;
  code: string;
}

interface Opp {
  id: number;
  storeId: number;
  ownerId: number;
  amount: number;
  stage: string;
  report: string;
  /** A sign or terminate request is open. */
  closing: boolean;
}

type Decision = 'approve' | 'send_up' | 'return' | 'reject';

/** Mostly in person (which keeps a store protected), sometimes a call or a message. */
const ownVisitMethods: readonly (typeof visitMethods)[number][] = ['in_person', 'in_person', 'in_person', 'in_person', 'in_person', 'phone', 'phone', 'message'];

export interface HistoryStats {
  events: number;
  /** Domain refusals met on the way (a store claimed meanwhile, a cool-down): the simulation moves on. */
  refused: Record<string, number>;
}

/** When the history starts (the company is set up): 08:00 on the first of its days. */
export function historyStart(now: Date, timezone: string): Date {
  return new Date(addDays(startOfDay(now, timezone), -HISTORY_DAYS, timezone).getTime() + 8 * 60 * MINUTE);
}

export class DemoHistory {
  private readonly r: Rng;
  private readonly queue: Event[] = [];
  private seq = 0;
  private readonly limit: number;
  private readonly day0: Date;
  /** The last two working days before today: the scripted to-do list is made then. */
  private readonly dBefore: number;
  private readonly dYesterday: number;
  /**
   * From the first of those days on, nothing more is decided or resubmitted (apart from the scripted
   * decisions): what is opened then waits, a to-do list for the approvers to try.
   */
  private readonly holdFrom: number;
  readonly stats: HistoryStats = { events: 0, refused: {} };

  private readonly byId = new Map<number, Actor>();
  private readonly reps: Actor[] = [];
  private readonly teamOf = new Map<number, Actor[]>(); // unitId → reps
  private readonly supervisorOf = new Map<number, Actor>(); // team unitId → supervisor
  private readonly poolRegions = new Map<number, number[]>(); // rep id → region ids
  /** Stores a rep claimed and then forgot: never visited, so the sweep takes them back. */
  private readonly forgotten = new Set<number>();

  // The state of the day, read after the night's sweep and kept up to date by the day's events.
  private owned = new Map<number, Owned[]>();
  private publicByRegion = new Map<number, number[]>();
  private dueFollowUps = new Map<number, { storeId: number; dueAt: Date }[]>();
  private stale = true;

  private readonly opps = new Map<number, Opp>();
  private orderSeq = 0;
  private contractSeq = 0;

  constructor(
    private readonly deps: Deps & { clock: Clock },
    private readonly settings: Settings,
    now: Date,
    seed: number,
  ) {
    this.r = rng(seed);
    this.limit = now.getTime() - MINUTE;
    this.day0 = addDays(startOfDay(now, settings.timezone), -HISTORY_DAYS, settings.timezone);
    this.dYesterday = this.previousWorkingDay(HISTORY_DAYS - 1);
    this.dBefore = this.previousWorkingDay(this.dYesterday - 1);
    this.holdFrom = this.dayStart(this.dBefore).getTime();
  }

  get db(): Db {
    return this.deps.db;
  }

  private readonly dayStarts = new Map<number, Date>();

  private dayStart(d: number): Date {
    let t = this.dayStarts.get(d);
    if (!t) this.dayStarts.set(d, (t = addDays(this.day0, d, this.settings.timezone)));
    return t;
  }

  /** Local wall time on day d (Hangzhou has no daylight saving: hours add up). */
  private at(d: number, hour: number, minute = 0): Date {
    return new Date(this.dayStart(d).getTime() + (hour * 60 + minute) * MINUTE);
  }

  private isWorkingDay(d: number): boolean {
    return isWorkingDay(this.at(d, 12), this.settings.workingDays, this.settings.timezone);
  }

  private previousWorkingDay(d: number): number {
    let n = d;
    while (!this.isWorkingDay(n)) n--;
    return n;
  }

  private nextWorkingDay(d: number): number {
    let n = d;
    while (!this.isWorkingDay(n)) n++;
    return n;
  }

  private localeOf(a: Actor): Locale {
    return a.locale === 'en' ? 'en' : 'zh-CN';
  }

  private say<T>(a: Actor, table: Record<Locale, readonly T[]>): T {
    return this.r.pick(table[this.localeOf(a)]);
  }

  private today(): string {
    return formatDate(this.deps.clock.now(), this.settings.timezone);
  }

  // ---- the event queue -----------------------------------------------------------------------

  private schedule(at: Date, run: () => Promise<void>): void {
    const e: Event = { at: at.getTime(), seq: this.seq++, run };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = this.queue[mid]!;
      if (q.at < e.at || (q.at === e.at && q.seq < e.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, e);
  }

  /** Runs a domain call; a refusal by the rules is counted and the story moves on. */
  private async attempt(what: string, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const key = `${what}: ${e.key}`;
      this.stats.refused[key] = (this.stats.refused[key] ?? 0) + 1;
      return false;
    }
  }

  private async runUntil(end: number): Promise<void> {
    const stop = Math.min(end, this.limit);
    while (this.queue.length && this.queue[0]!.at < stop) {
      const e = this.queue.shift()!;
      this.deps.clock.set(new Date(e.at));
      this.stats.events++;
      await e.run();
    }
  }

  // ---- the play ------------------------------------------------------------------------------

  async play(people: Actor[]): Promise<HistoryStats> {
    for (const p of people) this.byId.set(p.id, p);
    for (const p of people) {
      if (p.role === 'rep' && p.unitId !== null) {
        this.reps.push(p);
        this.teamOf.set(p.unitId, [...(this.teamOf.get(p.unitId) ?? []), p]);
        this.poolRegions.set(p.id, (await scopeFor(this.db, p)).scope.poolRegionIds);
      }
      if (p.role === 'supervisor' && p.unitId !== null) this.supervisorOf.set(p.unitId, p);
    }
    this.scriptFinalDays();
    for (let d = 0; d <= HISTORY_DAYS; d++) {
      if (this.at(d, 0).getTime() >= this.limit) break;
      // The night's sweep, on the nights it has something to return; what it returned (and what
      // approvals moved) is read back, the rest the events keep up to date.
      const night = this.at(d, 2);
      if (d > 0 && night.getTime() < this.limit && this.somethingToReturn(night)) {
        this.deps.clock.set(night);
        const swept = await sweepAutoReturn(this.deps, night);
        if (swept.returned > 0) this.stale = true;
      }
      if (this.stale) await this.readState();
      this.planDay(d);
      await this.runUntil(this.dayStart(d + 1).getTime());
    }
    return this.stats;
  }

  private somethingToReturn(night: Date): boolean {
    for (const stores of this.owned.values()) for (const s of stores) if (!s.isCustomer && s.protectedUntil && s.protectedUntil <= night) return true;
    return false;
  }

  private async readState(): Promise<void> {
    this.stale = false;
    const [stores, followUps] = await Promise.all([
      this.db.store.findMany({
        where: { status: 'active' },
        select: { id: true, code: true, ownerId: true, regionId: true, protectedUntil: true, isCustomer: true },
        orderBy: { id: 'asc' },
      }),
      this.db.followUp.findMany({ where: { status: 'open' }, select: { storeId: true, personId: true, dueAt: true }, orderBy: { dueAt: 'asc' } }),
    ]);
    this.owned = new Map();
    this.publicByRegion = new Map();
    for (const s of stores) {
      if (s.ownerId !== null) this.owned.set(s.ownerId, [...(this.owned.get(s.ownerId) ?? []), { id: s.id, code: s.code, protectedUntil: s.protectedUntil, isCustomer: s.isCustomer }]);
      else if (s.regionId !== null) this.publicByRegion.set(s.regionId, [...(this.publicByRegion.get(s.regionId) ?? []), s.id]);
    }
    this.dueFollowUps = new Map();
    for (const f of followUps) this.dueFollowUps.set(f.personId, [...(this.dueFollowUps.get(f.personId) ?? []), { storeId: f.storeId, dueAt: f.dueAt }]);
  }

  private publicStoreFor(rep: Actor): number | null {
    const pool = (this.poolRegions.get(rep.id) ?? []).flatMap((id) => this.publicByRegion.get(id) ?? []);
    return pool.length ? this.r.pick(pool) : null;
  }

  private takeFromPublic(storeId: number): void {
    for (const [region, ids] of this.publicByRegion) {
      const i = ids.indexOf(storeId);
      if (i >= 0) {
        ids.splice(i, 1);
        this.publicByRegion.set(region, ids);
        return;
      }
    }
  }

  /** The day's work of every rep, at random times in working hours. */
  private planDay(d: number): void {
    const working = this.isWorkingDay(d);
    for (const rep of this.reps) {
      // The first working days: everyone adds to the pool it came with.
      if (d < 5 && working && this.r.chance(0.5)) this.schedule(this.at(d, 9, this.r.int(0, 50)), () => this.claim(rep, null));
      const visits = working ? (this.r.chance(0.4) ? 1 : 0) + (this.r.chance(0.12) ? 1 : 0) : 0;
      for (let i = 0; i < visits; i++) this.schedule(this.at(d, this.r.int(10, 17), this.r.int(0, 59)), () => this.visit(rep, d));
      if (!working) continue;
      if (d >= 6 && this.r.chance(0.1)) this.schedule(this.at(d, 11, this.r.int(0, 59)), () => this.claim(rep, null));
      if (d >= 8 && this.r.chance(0.03)) this.schedule(this.at(d, 17, this.r.int(0, 50)), () => this.release(rep));
      if (d >= 4 && d < this.dBefore && this.r.chance(0.04)) this.schedule(this.at(d, this.r.int(13, 17), this.r.int(0, 59)), () => this.newOpportunity(rep, d, null));
      if (d >= 10 && this.r.chance(0.03)) this.schedule(this.at(d, 16, this.r.int(0, 59)), () => this.askExtension(rep, d));
      if (d >= 10 && this.r.chance(0.05)) this.schedule(this.at(d, 15, this.r.int(0, 59)), () => this.firstOrder(rep));
      this.schedule(this.at(d, 18, this.r.int(0, 30)), () => this.moveOpportunities(rep));
    }
    // Now and then a supervisor hands out a store, extends one, or decides a rep's transfer request.
    if (!working) return;
    if (d === this.nextWorkingDay(20) || d === this.nextWorkingDay(41)) for (const [unitId, sup] of this.supervisorOf) this.schedule(this.at(d, 10, this.r.int(0, 30)), () => this.assign(sup, unitId));
    if (d === this.nextWorkingDay(35)) for (const [unitId, sup] of this.supervisorOf) this.schedule(this.at(d, 11, this.r.int(0, 30)), () => this.extend(sup, unitId));
    if (d === this.nextWorkingDay(30)) this.schedule(this.at(d, 14, 20), () => this.askTransfer());
  }

  // ---- reps ------------------------------------------------------------------------------------

  private async claim(rep: Actor, storeId: number | null): Promise<void> {
    const id = storeId ?? this.publicStoreFor(rep);
    if (id === null) return;
    await this.attempt('claim', async () => {
      const { store } = await claimStore(this.deps, rep, id);
      this.takeFromPublic(id);
      this.owned.set(rep.id, [...(this.owned.get(rep.id) ?? []), { id, code: store.code, protectedUntil: store.protectedUntil, isCustomer: false }]);
      if (this.r.chance(0.08)) this.forgotten.add(id);
    });
  }

  private async release(rep: Actor): Promise<void> {
    const mine = (this.owned.get(rep.id) ?? []).filter((s) => !s.isCustomer && !this.hasOpenOpportunity(s.id));
    if (!mine.length) return;
    const s = this.r.pick(mine);
    await this.attempt('release', async () => {
      await releaseStore(this.deps, rep, s.id, this.say(rep, releaseReasons));
      this.owned.set(rep.id, (this.owned.get(rep.id) ?? []).filter((x) => x.id !== s.id));
      this.dueFollowUps.set(rep.id, (this.dueFollowUps.get(rep.id) ?? []).filter((f) => f.storeId !== s.id));
      this.stale = true;
    });
  }

  /**
   * Which store a rep goes to: one whose protection ends within days (a rep keeps its pool), a
   * follow-up due (most days), or any of its stores.
   */
  private chooseOwnStore(rep: Actor, d: number): { id: number; keep: boolean } | null {
    const end = this.dayStart(d + 1).getTime();
    const mine = (this.owned.get(rep.id) ?? []).filter((s) => !this.forgotten.has(s.id));
    if (!mine.length) return null;
    const soon = this.at(d + 4, 0).getTime();
    const ending = mine.filter((s) => !s.isCustomer && s.protectedUntil && s.protectedUntil.getTime() < soon);
    if (ending.length && this.r.chance(0.9)) return { id: this.r.pick(ending).id, keep: true };
    const mineIds = new Set(mine.map((s) => s.id));
    const due = (this.dueFollowUps.get(rep.id) ?? []).filter((f) => f.dueAt.getTime() < end && mineIds.has(f.storeId));
    if (due.length && this.r.chance(0.8)) {
      const f = due[0]!;
      this.dueFollowUps.set(rep.id, (this.dueFollowUps.get(rep.id) ?? []).filter((x) => x !== f));
      return { id: f.storeId, keep: false };
    }
    return { id: this.r.pick(mine).id, keep: false };
  }

  private async visit(rep: Actor, d: number): Promise<void> {
    const own = this.r.chance(0.8) ? this.chooseOwnStore(rep, d) : null;
    const storeId = own?.id ?? this.publicStoreFor(rep);
    if (storeId === null) return;
    const method = own === null || own.keep ? 'in_person' : this.r.pick(ownVisitMethods);
    // Next contacts on working days, and in the last week some for today: the lists start full.
    const planNext = this.r.chance(own === null ? 0.3 : 0.65);
    const nextDay = d >= HISTORY_DAYS - 7 && this.r.chance(0.25) ? HISTORY_DAYS : this.nextWorkingDay(d + this.r.int(1, 10));
    let nextAt = planNext ? this.at(nextDay, this.r.int(10, 16), this.r.pick([0, 30])) : undefined;
    if (nextAt && nextAt <= this.deps.clock.now()) nextAt = this.at(this.nextWorkingDay(d + 1), 10);
    await this.attempt('visit', async () => {
      const result = await logVisit(this.deps, rep, {
        storeId,
        method,
        summary: this.say(rep, visitSummaries),
        ...(this.r.chance(0.6) ? { outcome: this.say(rep, visitOutcomes) } : {}),
        ...(own === null ? { stage: 'contacted' as const } : this.r.chance(0.2) ? { stage: this.r.pick(['interested', 'negotiating'] as const) } : {}),
        ...(nextAt ? { nextFollowUpAt: nextAt, followUpNote: this.say(rep, followUpNotes) } : {}),
      });
      const mine = (this.owned.get(rep.id) ?? []).find((s) => s.id === storeId);
      if (mine) mine.protectedUntil = result.store.protectedUntil;
      // The visit did the follow-ups due by tomorrow; the one it plans is the next.
      const dueBy = this.deps.clock.now().getTime() + DAY_MS;
      const open = (this.dueFollowUps.get(rep.id) ?? []).filter((f) => f.storeId !== storeId || f.dueAt.getTime() > dueBy);
      if (nextAt) open.push({ storeId, dueAt: nextAt });
      this.dueFollowUps.set(rep.id, open.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()));
      // A cold visit that went well: the rep claims the store on the spot.
      if (result.claimable && this.r.chance(0.35)) await this.claim(rep, storeId);
    });
  }

  private hasOpenOpportunity(storeId: number): boolean {
    for (const o of this.opps.values()) if (o.storeId === storeId && o.stage !== 'won' && o.stage !== 'lost') return true;
    return false;
  }

  private amount(big: boolean): number {
    const yuan = big ? this.r.int(60, 150) * 1000 : this.r.int(5, 45) * 1000;
    return yuan * 100;
  }

  /** A rep registers an opportunity on one of its stores; the report goes to its supervisor. */
  private async newOpportunity(rep: Actor, d: number, plan: { big?: boolean; then?: (requestId: number, stepId: number) => void } | null): Promise<void> {
    const mine = (this.owned.get(rep.id) ?? []).filter((s) => !this.hasOpenOpportunity(s.id));
    if (!mine.length) return;
    const store = this.r.pick(mine);
    const big = plan?.big ?? this.r.chance(0.2);
    const stage: OpenStage = this.r.pick(['initial_contact', 'initial_contact', 'initial_contact', 'needs_analysis', 'needs_analysis', 'proposal'] as const);
    const closeDate = formatDate(this.at(d + this.r.int(14, 75), 12), this.settings.timezone);
    await this.attempt('opportunity', async () => {
      const o = await createOpportunity(this.deps, rep, {
        storeId: store.id,
        name: this.say(rep, opportunityNames),
        amount: this.amount(big),
        expectedCloseAt: closeDate,
        stage,
        ...(this.r.chance(0.4) ? { competitors: this.r.pick(competitors) } : {}),
      });
      this.opps.set(o.id, { id: o.id, storeId: store.id, ownerId: rep.id, amount: o.amount, stage, report: 'pending', closing: false });
      const stepId = await this.currentStep(o.reportRequestId);
      if (plan?.then) plan.then(o.reportRequestId, stepId);
      else this.planDecision(o.reportRequestId, stepId, 1, 'report', o.amount);
    });
  }

  /** After a day's visits: approved opportunities move on; some are closed, won or lost. */
  private async moveOpportunities(rep: Actor): Promise<void> {
    for (const o of this.opps.values()) {
      if (o.ownerId !== rep.id || o.report !== 'approved' || o.closing || o.stage === 'won' || o.stage === 'lost') continue;
      const i = openStages.indexOf(o.stage as OpenStage);
      if ((o.stage === 'proposal' || o.stage === 'negotiation') && this.r.chance(0.12)) {
        await this.askToClose(rep, o, 'sign');
      } else if (this.r.chance(0.02)) {
        await this.askToClose(rep, o, 'terminate');
      } else if (i >= 0 && i < openStages.length - 1 && this.r.chance(0.15)) {
        const next = openStages[i + 1]!;
        await this.attempt('stage', async () => {
          await changeStage(this.deps, rep, o.id, { stage: next, note: stageNotes[this.localeOf(rep)][i]! });
          o.stage = next;
        });
      }
    }
  }

  private async askToClose(rep: Actor, o: Opp, flow: 'sign' | 'terminate', then?: (requestId: number, stepId: number, amount: number) => void): Promise<void> {
    await this.attempt(flow, async () => {
      let input: RequestInput & Record<string, unknown>;
      let amount = o.amount;
      if (flow === 'sign') {
        amount = Math.round((o.amount * this.r.int(85, 105)) / 100 / 100) * 100;
        const contractNo = `HZ-${this.today().slice(0, 7).replace('-', '')}-${String(++this.contractSeq).padStart(3, '0')}`;
        input = { flow, opportunityId: o.id, wonAmount: amount, wonAt: this.today(), contractNo };
      } else input = { flow, opportunityId: o.id, reason: this.say(rep, terminateReasons) };
      const { requestId, stepId } = await submitRequest(this.deps, rep, input);
      o.closing = true;
      if (then) then(requestId, stepId, amount);
      else this.planDecision(requestId, stepId, 1, flow, amount, input);
    });
  }

  private async askExtension(rep: Actor, d: number): Promise<void> {
    const soon = this.at(d + 5, 0);
    const mine = (this.owned.get(rep.id) ?? []).filter((s) => !s.isCustomer && s.protectedUntil && s.protectedUntil < soon);
    const s = mine.length ? this.r.pick(mine) : null;
    if (!s) return;
    await this.attempt('extend request', async () => {
      const { requestId, stepId } = await submitRequest(this.deps, rep, { flow: 'extend', storeId: s.id, days: 14, reason: this.say(rep, extendReasons) });
      this.planDecision(requestId, stepId, 1, 'extend', null);
    });
  }

  /** One rep asks its supervisor to move a store to a teammate who knows the owner. */
  private async askTransfer(): Promise<void> {
    const rep = this.reps[1]!;
    const to = (this.teamOf.get(rep.unitId!) ?? []).find((p) => p.id !== rep.id);
    // A store that stays the rep's until the supervisor decides: protected for days yet, and cared for.
    const safe = this.deps.clock.now().getTime() + 7 * DAY_MS;
    const s = (this.owned.get(rep.id) ?? []).find((x) => !this.forgotten.has(x.id) && !this.hasOpenOpportunity(x.id) && (x.isCustomer || (x.protectedUntil?.getTime() ?? 0) > safe));
    if (!to || !s) return;
    const reason = rep.locale === 'en' ? `${to.name} knows the owner well` : `${to.name}和老板很熟`;
    await this.attempt('transfer request', async () => {
      const { requestId, stepId } = await submitRequest(this.deps, rep, { flow: 'transfer', storeId: s.id, toPersonId: to.id, reason });
      this.planDecision(requestId, stepId, 1, 'transfer', null);
    });
  }

  private orderNo(): string {
    return `SO${formatDate(this.deps.clock.now(), this.settings.timezone).replaceAll('-', '')}${String(++this.orderSeq).padStart(4, '0')}`;
  }

  /** An order from the order system for one of the rep's stores: inside its protection, it becomes a customer. */
  private async firstOrder(rep: Actor): Promise<void> {
    const mine = (this.owned.get(rep.id) ?? []).filter((s) => !s.isCustomer);
    if (!mine.length) return;
    const s = this.r.pick(mine);
    await this.order(s.code, this.r.int(8, 60) * 10_000);
    s.isCustomer = true;
  }

  private async order(storeCode: string, amount: number): Promise<void> {
    await this.attempt('order', async () => {
      await recordOrder(this.deps, { orderNo: this.orderNo(), storeCode, amount, orderedAt: this.deps.clock.now() });
    });
  }

  /** A won customer orders again every week or so. */
  private repeatOrders(storeId: number, amount: number, from: Date): void {
    let t = from.getTime() + this.r.int(1, 3) * DAY_MS + this.r.int(0, 300) * MINUTE;
    while (t < this.limit) {
      this.schedule(new Date(t), async () => {
        const s = await this.db.store.findUnique({ where: { id: storeId }, select: { code: true } });
        if (s) await this.order(s.code, Math.round((amount * this.r.int(5, 15)) / 100 / 100) * 100);
      });
      t += this.r.int(5, 12) * DAY_MS;
    }
  }

  // ---- supervisors and the manager ------------------------------------------------------------

  private async assign(sup: Actor, unitId: number): Promise<void> {
    const team = this.teamOf.get(unitId) ?? [];
    const rep = this.r.pick(team);
    const storeId = this.publicStoreFor(rep);
    if (storeId === null) return;
    await this.attempt('assign', async () => {
      const store = await assignStore(this.deps, sup, storeId, rep.id, sup.locale === 'en' ? 'Close to your route' : '在你的线路上，顺路跟一下');
      this.takeFromPublic(storeId);
      this.owned.set(rep.id, [...(this.owned.get(rep.id) ?? []), { id: storeId, code: store.code, protectedUntil: store.protectedUntil, isCustomer: false }]);
    });
  }

  private async extend(sup: Actor, unitId: number): Promise<void> {
    const stores = (this.teamOf.get(unitId) ?? []).flatMap((rep) => (this.owned.get(rep.id) ?? []).filter((s) => !s.isCustomer));
    if (!stores.length) return;
    const s = this.r.pick(stores);
    await this.attempt('extend', async () => {
      await extendProtection(this.deps, sup, s.id, { days: 14, reason: sup.locale === 'en' ? 'Big order coming, keep it' : '大单在谈，先保留' });
    });
  }

  private async currentStep(requestId: number): Promise<number> {
    const r = await this.db.approvalRequest.findUniqueOrThrow({ where: { id: requestId }, select: { currentStepId: true } });
    return r.currentStepId!;
  }

  private async approverOf(stepId: number): Promise<Actor> {
    const a = await this.db.approvalApprover.findFirstOrThrow({ where: { stepId, active: true }, orderBy: { personId: 'asc' }, select: { personId: true } });
    return this.byId.get(a.personId)!;
  }

  /** What an approver will do with a request, and when: the next working morning or the one after. */
  private planDecision(requestId: number, stepId: number, level: number, flow: string, amount: number | null, input?: Record<string, unknown>): void {
    const d = this.dayOf(this.deps.clock.now());
    const when = this.at(this.nextWorkingDay(d + this.r.int(1, 2)), this.r.int(9, 11), this.r.int(0, 59));
    if (when.getTime() >= this.holdFrom) return;
    const big = amount !== null && (flow === 'report' || flow === 'sign' || flow === 'terminate') && amount >= this.settings.approvalThresholds[flow];
    let decision: Decision;
    if (level === 1 && big) decision = 'send_up';
    else {
      const x = this.r.next();
      const [returnP, rejectP] = flow === 'report' ? (level === 1 ? [0.1, 0.12] : [0.05, 0.1]) : flow === 'sign' ? [0.08, 0] : [0, 0.1];
      decision = x < returnP ? 'return' : x < returnP + rejectP ? 'reject' : 'approve';
    }
    this.schedule(when, () => this.decideStep(requestId, stepId, level, flow, amount, decision, input));
  }

  private async decideStep(requestId: number, stepId: number, level: number, flow: string, amount: number | null, decision: Decision, input?: Record<string, unknown>): Promise<void> {
    const approver = await this.approverOf(stepId);
    const loc = this.localeOf(approver);
    const comment =
      decision === 'return' ? approvalComments.return[loc] : decision === 'reject' ? approvalComments.reject[loc] : decision === 'send_up' ? approvalComments.sendUp[loc] : this.r.chance(0.4) ? approvalComments.approve[loc] : undefined;
    await this.attempt(`decide ${flow}`, async () => {
      let result;
      try {
        result = await decide(this.deps, approver, stepId, { decision, ...(comment ? { comment } : {}) });
      } catch (e) {
        // The store went back to the pool before the approver got to it: nothing left to approve.
        if (!(e instanceof DomainError) || e.key !== 'approval.store_changed') throw e;
        await decide(this.deps, approver, stepId, { decision: 'reject', comment: approvalComments.storeGone[loc] });
        return;
      }
      const request = await this.db.approvalRequest.findUniqueOrThrow({ where: { id: requestId }, select: { opportunityId: true, requesterId: true } });
      const o = request.opportunityId === null ? undefined : this.opps.get(request.opportunityId);
      if (decision === 'send_up' && result.nextStepId) {
        this.planDecision(requestId, result.nextStepId, level + 1, flow, amount, input);
        return;
      }
      if (decision === 'return') {
        this.planResubmit(requestId, flow, request.requesterId, input);
        if (o && flow === 'report') o.report = 'returned';
        return;
      }
      if (!o) {
        if (decision === 'approve') this.stale = true;
        return;
      }
      if (flow === 'report') o.report = result.status;
      else {
        o.closing = false;
        if (decision === 'approve') {
          o.stage = flow === 'sign' ? 'won' : 'lost';
          if (flow === 'sign') {
            const owned = (this.owned.get(o.ownerId) ?? []).find((s) => s.id === o.storeId);
            if (owned) owned.isCustomer = true;
            this.repeatOrders(o.storeId, amount ?? o.amount, this.deps.clock.now());
          }
        }
      }
    });
  }

  /** A returned request: mostly corrected and sent again the next working day, sometimes given up. */
  private planResubmit(requestId: number, flow: string, requesterId: number, input?: Record<string, unknown>): void {
    const rep = this.byId.get(requesterId)!;
    const when = this.at(this.nextWorkingDay(this.dayOf(this.deps.clock.now()) + 1), this.r.int(9, 10), this.r.int(0, 59));
    if (when.getTime() >= this.holdFrom) return;
    if (this.r.chance(0.15)) {
      this.schedule(when, async () => {
        await this.attempt('void', () => voidRequest(this.deps, rep, requestId));
      });
      return;
    }
    this.schedule(when, async () => {
      await this.attempt(`resubmit ${flow}`, async () => {
        const { opportunity } = await this.db.approvalRequest.findUniqueOrThrow({ where: { id: requestId }, select: { opportunity: true } });
        let next: Record<string, unknown>;
        let amount: number | null = null;
        if (flow === 'report' && opportunity) {
          // Corrected as asked: a little less, and a close date further out.
          amount = Math.round((opportunity.amount * 0.9) / 100) * 100;
          const later = formatDate(this.at(this.dayOf(this.deps.clock.now()) + this.r.int(20, 60), 12), this.settings.timezone);
          next = { name: opportunity.name, amount, expectedCloseAt: later, competitors: opportunity.competitors ?? undefined, notes: opportunity.notes ?? undefined };
        } else {
          const { flow: _f, opportunityId: _o, storeId: _s, ...rest } = input ?? {};
          next = rest;
          amount = typeof rest.wonAmount === 'number' ? rest.wonAmount : null;
        }
        const { stepId } = await resubmitRequest(this.deps, rep, requestId, next);
        const o = opportunity ? this.opps.get(opportunity.id) : undefined;
        if (o && flow === 'report') o.report = 'pending';
        this.planDecision(requestId, stepId, 1, flow, amount, input);
      });
    });
  }

  private dayOf(t: Date): number {
    return Math.floor((startOfDay(t, this.settings.timezone).getTime() - this.day0.getTime()) / DAY_MS + 0.5);
  }

  // ---- the last days: a to-do list to try ------------------------------------------------------

  /** Should chance have left a stage empty, an approved opportunity is moved there (won and lost approved at once). */
  private async ensureEveryStage(): Promise<void> {
    const all = () => [...this.opps.values()];
    const movable = () => all().filter((o) => o.report === 'approved' && !o.closing && o.stage !== 'won' && o.stage !== 'lost');
    for (const stage of ['needs_analysis', 'proposal', 'negotiation'] as const) {
      const o = all().some((x) => x.stage === stage) ? undefined : movable().find((x) => x.stage !== stage);
      if (!o) continue;
      const rep = this.byId.get(o.ownerId)!;
      await this.attempt('stage', async () => {
        await changeStage(this.deps, rep, o.id, { stage, note: stageNotes[this.localeOf(rep)][openStages.indexOf(stage) - 1]! });
        o.stage = stage;
      });
    }
    for (const [stage, flow] of [['won', 'sign'], ['lost', 'terminate']] as const) {
      // Well under the threshold (a signed amount may be a little above the expected one): the supervisor ends it.
      const o = all().some((x) => x.stage === stage) ? undefined : movable().find((x) => x.amount < this.settings.approvalThresholds[flow] * 0.8);
      if (!o) continue;
      await this.askToClose(this.byId.get(o.ownerId)!, o, flow, (requestId, stepId, amount) =>
        this.schedule(this.at(this.dBefore, 11, 0), () => this.decideStep(requestId, stepId, 1, flow, amount, 'approve')),
      );
    }
  }

  /**
   * What the approvers find waiting: big reports the supervisors sent up to the manager, a report
   * returned to its rep, and fresh reports, a signing and an extension waiting at the supervisors.
   */
  private scriptFinalDays(): void {
    const { dBefore, dYesterday } = this;
    this.schedule(this.at(dBefore, 9, 0), () => this.ensureEveryStage());
    const [a, b, c] = [this.reps[0]!, this.reps[9]!, this.reps[4]!];
    for (const [rep, minute] of [[a, 10], [b, 40]] as const) {
      this.schedule(this.at(dBefore, 10, minute), () =>
        this.newOpportunity(rep, dBefore, {
          big: true,
          then: (requestId, stepId) => this.schedule(this.at(dYesterday, 9, minute), () => this.decideStep(requestId, stepId, 1, 'report', null, 'send_up')),
        }),
      );
    }
    this.schedule(this.at(dBefore, 14, 0), () =>
      this.newOpportunity(c, dBefore, {
        big: false,
        then: (requestId, stepId) => this.schedule(this.at(dYesterday, 10, 15), () => this.decideStep(requestId, stepId, 1, 'report', null, 'return')),
      }),
    );
    // Two reps of each team register an opportunity yesterday: the supervisors' to-do.
    for (const [i, rep] of this.reps.entries()) {
      if (i % 3 === 2) continue;
      this.schedule(this.at(dYesterday, 11 + (i % 6), 5 * i), () => this.newOpportunity(rep, dYesterday, { then: () => {} }));
    }
    this.schedule(this.at(dYesterday, 16, 30), async () => {
      const o = [...this.opps.values()].find((x) => x.report === 'approved' && !x.closing && x.stage !== 'won' && x.stage !== 'lost');
      if (o) await this.askToClose(this.byId.get(o.ownerId)!, o, 'sign');
    });
    this.schedule(this.at(dYesterday, 17, 0), async () => {
      for (const rep of this.reps) {
        const s = (this.owned.get(rep.id) ?? []).find((x) => !x.isCustomer);
        if (!s) continue;
        const asked = await this.attempt('extend request', async () => {
          await submitRequest(this.deps, rep, { flow: 'extend', storeId: s.id, days: 14, reason: this.say(rep, extendReasons) });
        });
        if (asked) return;
      }
    });
  }
}
