import { z } from 'zod';
import { inTransaction, type Db, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type Issue } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { leadsUnit, loadScope, type Scope } from '../org/scope.ts';
import { loadSettings } from '../settings/settings.ts';
import { idSchema } from '../stores/fields.ts';
import { visibleStore } from '../stores/stores.ts';
import { addDays, formatDate, startOfDay, zonedTimeToUtc } from '../time/zone.ts';
import { issuesFromZod, parse, plainText } from '../validation.ts';
import { openRequest } from '../approvals/engine.ts';
import type { ReportFields } from '../approvals/flows.ts';

// Opportunities (商机): a possible deal with a store. PRODUCT.md "Opportunities and approvals":
// initial contact → needs analysis → proposal → negotiation → won | lost; every change of stage keeps
// a history row with a note and a time. Closing as won or lost goes through the approval engine
// (sign / terminate); the report approval of a new opportunity comes with it.

export const openStages = ['initial_contact', 'needs_analysis', 'proposal', 'negotiation'] as const;
export const closedStages = ['won', 'lost'] as const;
export const opportunityStages = [...openStages, ...closedStages] as const;
export type OpenStage = (typeof openStages)[number];
export type OpportunityStage = (typeof opportunityStages)[number];

/**
 * The largest expected amount, in minor units (fen / cents): 10,000,000.00. Beyond it a number is a
 * typo, and it stays inside a 32-bit integer column on PostgreSQL.
 */
export const MAX_AMOUNT_MINOR = 1_000_000_000;
/** An expected close date further out than this is not a plan. */
export const MAX_CLOSE_YEARS = 5;
export const NAME_MAX = 100;
export const COMPETITORS_MAX = 500;
export const NOTES_MAX = 2000;
export const STAGE_NOTE_MAX = 500;

const optionalText = (max: number) =>
  plainText(z.string().trim().max(max), { multiline: true })
    .optional()
    .transform((s) => (s ? s : undefined));

export const amountSchema = z
  .number()
  .int()
  .superRefine((n, ctx) => {
    if (n < 0) ctx.addIssue({ code: 'custom', params: { key: 'opportunity.amount_negative' } });
    else if (n > MAX_AMOUNT_MINOR) {
      ctx.addIssue({ code: 'custom', params: { key: 'opportunity.amount_too_big', values: { max: (MAX_AMOUNT_MINOR / 100).toLocaleString('en-US', { minimumFractionDigits: 2 }) } } });
    }
  });

/** A calendar day (`2026-12-31`, in the actor's time zone) or an instant. */
export const closeDateSchema = z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]);

export const createOpportunitySchema = z.object({
  storeId: idSchema,
  name: plainText(z.string().trim().min(1).max(NAME_MAX)),
  /** Minor units (fen / cents). */
  amount: amountSchema,
  expectedCloseAt: closeDateSchema,
  stage: z.enum(openStages).default('initial_contact'),
  competitors: optionalText(COMPETITORS_MAX),
  notes: optionalText(NOTES_MAX),
});
export type CreateOpportunityInput = z.input<typeof createOpportunitySchema>;

const oppSelect = {
  id: true,
  storeId: true,
  ownerId: true,
  name: true,
  amount: true,
  expectedCloseAt: true,
  stage: true,
  competitors: true,
  notes: true,
  reportStatus: true,
  wonAmount: true,
  wonAt: true,
  contractNo: true,
  lostReason: true,
  createdAt: true,
  updatedAt: true,
  store: { select: { id: true, code: true, name: true } },
} as const;

/** The start of the local day a close date names, or null when it names no real day. */
export function closeDay(value: Date | string, tz: string): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : startOfDay(value, tz);
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const at = zonedTimeToUtc({ year, month, day }, tz);
  // 2026-02-30 rolls over to March: not a day of the calendar.
  return formatDate(at, tz) === value ? at : null;
}

/** Domain rules beyond the schema: the close date's window in the actor's time zone. */
export function closeDateIssues(value: Date | string, tz: string, now: Date): { issues: Issue[]; day: Date | null } {
  const day = closeDay(value, tz);
  if (!day) return { issues: [{ path: 'expectedCloseAt', key: 'validation.expected_date' }], day: null };
  const today = startOfDay(now, tz);
  if (day < today) return { issues: [{ path: 'expectedCloseAt', key: 'opportunity.close_in_past', params: { today: formatDate(today, tz) } }], day };
  if (day > addDays(today, MAX_CLOSE_YEARS * 365, tz)) {
    return { issues: [{ path: 'expectedCloseAt', key: 'opportunity.close_too_far', params: { years: MAX_CLOSE_YEARS } }], day };
  }
  return { issues: [], day };
}

/** The store, if the actor may see it and it is active; else an issue on `storeId`. */
async function storeIssue(tx: Tx, scope: Scope, storeId: number): Promise<Issue | null> {
  try {
    const store = await visibleStore(tx, scope, storeId);
    if (store.status === 'deleted') return { path: 'storeId', key: 'store.not_found', params: { id: storeId } };
    if (store.status !== 'active') return { path: 'storeId', key: 'opportunity.store_not_active', params: { status: store.status } };
    return null;
  } catch (e) {
    if (e instanceof NotFoundError) return { path: 'storeId', key: 'store.not_found', params: { id: storeId } };
    throw e;
  }
}

export function invalid(issues: Issue[]): InvalidInputError {
  const first = issues[0]!;
  return new InvalidInputError('validation.failed', { field: first.path, count: issues.length }, issues);
}

/**
 * Registers an opportunity owned by the actor. Every problem of the input is reported at once, by
 * field (`storeId`, `name`, `amount`, `expectedCloseAt`, …); nothing is written unless all is well.
 * The opportunity, its first stage-history row and the audit row are written in one transaction.
 */
export async function createOpportunity(deps: Deps, actor: Actor, input: CreateOpportunityInput) {
  if (actor.role === 'admin') throw new ForbiddenError('opportunity.admin_cannot_own');
  const now = deps.clock.now();
  const parsed = createOpportunitySchema.safeParse(input);
  const issues: Issue[] = parsed.success ? [] : issuesFromZod(parsed.error);
  return inTransaction(deps.db, async (tx) => {
    const settings = await loadSettings(tx);
    const scope = await loadScope(tx, actor, settings);
    const tz = actor.timezone ?? settings.timezone;
    // Check the parts that parsed on their own, so that every field's problem shows at once.
    const raw = input as Partial<Record<string, unknown>>;
    const storeOk = idSchema.safeParse(raw.storeId);
    if (storeOk.success) {
      const problem = await storeIssue(tx, scope, storeOk.data);
      if (problem) issues.push(problem);
    }
    const dateOk = closeDateSchema.safeParse(raw.expectedCloseAt);
    const close = dateOk.success ? closeDateIssues(dateOk.data, tz, now) : { issues: [], day: null };
    issues.push(...close.issues);
    if (issues.length || !parsed.success || !close.day) throw invalid(issues.length ? issues : [{ path: 'expectedCloseAt', key: 'validation.expected_date' }]);
    const v = parsed.data;
    const created = await tx.opportunity.create({
      data: {
        storeId: v.storeId,
        ownerId: actor.id,
        name: v.name,
        amount: v.amount,
        expectedCloseAt: close.day,
        stage: v.stage,
        competitors: v.competitors ?? null,
        notes: v.notes ?? null,
        createdAt: now,
      },
      select: oppSelect,
    });
    await tx.opportunityStageChange.create({
      data: { opportunityId: created.id, fromStage: null, toStage: v.stage, note: null, byId: actor.id, at: now },
    });
    const { store: _store, ...plain } = created;
    await audit(tx, { actorId: actor.id, action: 'opportunity.create', entity: 'opportunity', entityId: created.id, after: plain, at: now });
    // Registering is reporting (报备): the request goes to the rep's lead with the opportunity.
    const report = await openRequest(tx, { flow: 'report', requester: actor, storeId: v.storeId, opportunityId: created.id, amount: v.amount, fields: { ...reportFields(created) } }, now);
    return { ...created, reportStatus: 'pending', reportRequestId: report.requestId };
  });
}

/** The facts of an opportunity its report approvers decide on. */
export function reportFields(o: { name: string; amount: number; expectedCloseAt: Date; stage: string; competitors: string | null; notes: string | null }): ReportFields {
  return { name: o.name, amount: o.amount, expectedCloseAt: o.expectedCloseAt.toISOString(), stage: o.stage, competitors: o.competitors, notes: o.notes };
}

export const listOpportunitiesSchema = z.object({
  /** Only open ones (not won or lost). */
  open: z.boolean().default(false),
  take: z.number().int().min(1).max(200).default(50),
  skip: z.number().int().min(0).max(100_000).default(0),
});

/** My opportunities, the nearest expected close first; `total` counts them all. */
export async function listMyOpportunities(deps: Deps, actor: Actor, opts: z.input<typeof listOpportunitiesSchema> = {}) {
  const v = parse(listOpportunitiesSchema, opts);
  const where = { ownerId: actor.id, ...(v.open ? { stage: { in: [...openStages] } } : {}) };
  const [items, total] = await Promise.all([
    deps.db.opportunity.findMany({ where, select: oppSelect, orderBy: [{ expectedCloseAt: 'asc' }, { id: 'asc' }], take: v.take, skip: v.skip }),
    deps.db.opportunity.count({ where }),
  ]);
  return { items, total };
}

/** Whose opportunity the actor may read or move: its own; a lead's for its subtree; an admin's for all. */
async function reachableOpportunity(db: Db | Tx, scope: Scope, id: number) {
  const o = await db.opportunity.findUnique({ where: { id }, select: { ...oppSelect, owner: { select: { id: true, name: true, unitId: true } } } });
  if (!o || (o.ownerId !== scope.actor.id && !leadsUnit(scope, o.owner.unitId))) throw new NotFoundError('opportunity.not_found', { id });
  return o;
}

/** One opportunity with its stage history, oldest first. */
export async function getOpportunity(deps: Deps, actor: Actor, id: number) {
  parse(idSchema, id);
  const scope = await loadScope(deps.db, actor, await loadSettings(deps.db));
  const o = await reachableOpportunity(deps.db, scope, id);
  const history = await deps.db.opportunityStageChange.findMany({ where: { opportunityId: id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return { ...o, history };
}

export const changeStageSchema = z.object({
  stage: z.enum(opportunityStages),
  note: plainText(z.string().trim().min(1).max(STAGE_NOTE_MAX), { multiline: true }),
});

/**
 * Moves an open opportunity to another open stage, with a note; the history keeps a row of it.
 * Won and lost are decided by the sign and terminate approvals, not here. Of two simultaneous
 * moves from the same stage, one wins and the other is told the opportunity changed meanwhile.
 */
export async function changeStage(deps: Deps, actor: Actor, id: number, input: z.input<typeof changeStageSchema>) {
  parse(idSchema, id);
  const v = parse(changeStageSchema, input);
  if ((closedStages as readonly string[]).includes(v.stage)) {
    throw new InvalidInputError('opportunity.close_needs_approval', {}, [{ path: 'stage', key: 'opportunity.close_needs_approval' }]);
  }
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const scope = await loadScope(tx, actor, await loadSettings(tx));
    const before = await reachableOpportunity(tx, scope, id);
    if ((closedStages as readonly string[]).includes(before.stage)) throw new ConflictError('opportunity.closed', { stage: before.stage });
    if (before.stage === v.stage) throw new ConflictError('opportunity.same_stage', { stage: v.stage });
    const moved = await tx.opportunity.updateMany({ where: { id, stage: before.stage }, data: { stage: v.stage } });
    if (moved.count === 0) throw new ConflictError('opportunity.changed_meanwhile', { name: before.name });
    const change = await tx.opportunityStageChange.create({
      data: { opportunityId: id, fromStage: before.stage, toStage: v.stage, note: v.note, byId: actor.id, at: now },
    });
    await audit(tx, {
      actorId: actor.id,
      action: 'opportunity.stage',
      entity: 'opportunity',
      entityId: id,
      before: { stage: before.stage },
      after: { stage: v.stage, note: v.note },
      at: now,
    });
    const after = await tx.opportunity.findUniqueOrThrow({ where: { id }, select: oppSelect });
    return { opportunity: after, change };
  });
}
