// Part of the jobs suite (jobs.bench.ts): the approval-reminders job on the data set's org (2,000
// people) with 10,000 pending steps, each with its requester's team lead as approver, made on a Monday
// morning; the job's work timed at four moments of the company calendar — nothing due yet, every step's
// first reminder, a scan where everything is reminded already, and every step escalated at once (the
// level above joins each; 30,000 notices).
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { runApprovalReminders } from '../src/domain/approvals/reminders.ts';
import { fixedClock } from '../src/domain/clock.ts';
import { summarize, type SuiteContext, type Timing } from './harness.ts';

const STEPS = Number(process.env.SEABOARD_BENCH_APPROVAL_STEPS ?? 10_000);
/** The target for the escalation scan over 10,000 pending steps. */
const TARGET_MS = 2_000;
const CHUNK = 2_000;

/** Reports its results under `suite`. */
export async function approvalRemindersBench(ctx: SuiteContext, suite: string): Promise<void> {
  const path = await ctx.scratch(`${suite}-approval-reminders`);
  try {
    await migrate(`file:${path}`);
    const database = await openDatabase(`file:${path}`);
    const db = database.db;
    // Monday 2026-11-23, 10:00 in the data set's zone (Asia/Shanghai); Monday–Friday working days.
    const clock = fixedClock('2026-11-23T02:00:00Z');
    const deps = { db, clock };
    const created = clock.now();
    const leads = new Map((await db.orgUnit.findMany({ where: { leadId: { not: null } }, select: { id: true, leadId: true } })).map((u) => [u.id, u.leadId!]));
    const reps = (await db.person.findMany({ where: { role: 'rep', active: true, unitId: { in: [...leads.keys()] } }, select: { id: true, unitId: true } })).filter((r) => leads.get(r.unitId!) !== r.id);
    const stores = await db.store.findMany({ select: { id: true }, take: 1_000 });
    const first = (await db.approvalRequest.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const requests = Array.from({ length: STEPS }, (_, i) => ({ flow: 'report', status: 'pending', requesterId: reps[i % reps.length]!.id, storeId: stores[i % stores.length]!.id, amount: 100_000, fields: '{}', createdAt: created, updatedAt: created }));
    for (let i = 0; i < STEPS; i += CHUNK) await db.approvalRequest.createMany({ data: requests.slice(i, i + CHUNK) });
    const made = await db.approvalRequest.findMany({ where: { id: { gt: first } }, select: { id: true, requester: { select: { unitId: true } } }, orderBy: { id: 'asc' } });
    const steps = made.map((r) => ({ requestId: r.id, round: 1, level: 1, unitId: r.requester.unitId!, status: 'pending', createdAt: created }));
    for (let i = 0; i < STEPS; i += CHUNK) await db.approvalStep.createMany({ data: steps.slice(i, i + CHUNK) });
    const stepRows = await db.approvalStep.findMany({ where: { request: { id: { gt: first } } }, select: { id: true, unitId: true }, orderBy: { id: 'asc' } });
    const approvers = stepRows.map((s) => ({ stepId: s.id, personId: leads.get(s.unitId!)!, via: 'route', addedAt: created }));
    for (let i = 0; i < STEPS; i += CHUNK) await db.approvalApprover.createMany({ data: approvers.slice(i, i + CHUNK) });

    const timed = async (name: string, at: string, target: number | null, note: (r: Awaited<ReturnType<typeof runApprovalReminders>>) => string) => {
      clock.set(at);
      const t0 = performance.now();
      const r = await runApprovalReminders(deps);
      const t: Timing = { samples: [performance.now() - t0], failures: 0, firstError: null };
      ctx.report(summarize(suite, name, t, target, note(r)));
    };
    ctx.log(`  approval reminders over ${STEPS.toLocaleString('en')} pending steps:`);
    await timed('approvals: nothing due (Monday 23:00)', '2026-11-23T15:00:00Z', null, (r) => `${r.scanned} steps old enough`);
    await timed('approvals: first reminders of all (Tuesday 10:05)', '2026-11-24T02:05:00Z', null, (r) => `${r.reminded} reminded, ${r.notices} notices`);
    await timed('approvals: escalation scan, nothing to do (Tuesday 10:20)', '2026-11-24T02:20:00Z', TARGET_MS, (r) => `${r.scanned} pending steps scanned`);
    await timed('approvals: escalation of all (Thursday 10:05)', '2026-11-26T02:05:00Z', TARGET_MS, (r) => `${r.escalated} escalated, ${r.notices} notices`);
    await database.close();
  } finally {
    ctx.dropScratch(path);
  }
}
