import { z } from 'zod';
import { inTransaction, type Tx } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, NotFoundError, type Issue } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive, scopeFor } from '../org/scope.ts';
import {
  amountSchema,
  closeDateIssues,
  closeDay,
  closeDateSchema,
  COMPETITORS_MAX,
  invalid,
  NAME_MAX,
  NOTES_MAX,
  reportFields,
} from '../opportunities/opportunities.ts';
import { visibleStore } from '../stores/stores.ts';
import { idSchema } from '../stores/fields.ts';
import { formatDate, startOfDay } from '../time/zone.ts';
import { issuesFromZod, parse, plainText } from '../validation.ts';
import { openRequest, reopenReturned } from './engine.ts';
import { COMMENT_MAX, contractNoSchema, extendRequestSchema, terminateRequestSchema, transferRequestSchema, type Flow } from './flows.ts';

// How a requester starts each flow (the report starts with its opportunity, in createOpportunity) and
// resubmits a returned request. Every problem of the input is reported at once, by field, and
// nothing is written unless all is well.

const optionalText = (max: number) => plainText(z.string().trim().max(max), { multiline: true }).optional().transform((s) => (s ? s : null));

export const signRequestSchema = z.object({
  wonAmount: amountSchema,
  /** The day the contract was signed (`2026-11-20`, in the requester's time zone). */
  wonAt: closeDateSchema,
  contractNo: contractNoSchema,
  note: optionalText(COMMENT_MAX),
});

export const reportRevisionSchema = z.object({
  name: plainText(z.string().trim().min(1).max(NAME_MAX)),
  amount: amountSchema,
  expectedCloseAt: closeDateSchema,
  competitors: optionalText(COMPETITORS_MAX),
  notes: optionalText(NOTES_MAX),
});

export type RequestInput =
  | ({ flow: 'sign'; opportunityId: number } & z.input<typeof signRequestSchema>)
  | ({ flow: 'terminate'; opportunityId: number } & z.input<typeof terminateRequestSchema>)
  | ({ flow: 'transfer'; storeId: number } & z.input<typeof transferRequestSchema>)
  | ({ flow: 'extend'; storeId: number } & z.input<typeof extendRequestSchema>);

type Checked = { storeId: number; opportunityId: number | null; amount: number | null; fields: Record<string, unknown> };

function tzOf(actor: Actor, settingsTz: string): string {
  return actor.timezone ?? settingsTz;
}

/** The requester's own, open opportunity. A lead sees its team's but does not close them for its reps. */
async function ownOpenOpportunity(tx: Tx, actor: Actor, id: number) {
  const o = await tx.opportunity.findUnique({ where: { id } });
  if (!o) throw new NotFoundError('opportunity.not_found', { id });
  if (o.ownerId !== actor.id) throw new ForbiddenError('approval.not_your_opportunity');
  if (o.stage === 'won' || o.stage === 'lost') throw new ConflictError('opportunity.closed', { stage: o.stage });
  return o;
}

/** The requester's own store (a rep asks about the stores it holds). */
async function ownStore(tx: Tx, actor: Actor, storeId: number) {
  const { scope } = await scopeFor(tx, actor);
  const store = await visibleStore(tx, scope, storeId);
  if (store.ownerId !== actor.id) throw new ForbiddenError('approval.not_your_store', { code: store.code });
  return store;
}

function schemaIssues<T extends z.ZodTypeAny>(schema: T, input: unknown): { value: z.output<T> | null; issues: Issue[] } {
  const r = schema.safeParse(input);
  return r.success ? { value: r.data, issues: [] } : { value: null, issues: issuesFromZod(r.error) };
}

async function checkSign(tx: Tx, actor: Actor, tz: string, now: Date, opportunityId: number, input: unknown): Promise<Checked> {
  const o = await ownOpenOpportunity(tx, actor, opportunityId);
  if (o.reportStatus !== 'approved') throw new ConflictError('approval.report_not_approved', { status: o.reportStatus });
  const { value, issues } = schemaIssues(signRequestSchema, input);
  const raw = (input ?? {}) as Record<string, unknown>;
  const dateOk = closeDateSchema.safeParse(raw.wonAt);
  const day = dateOk.success ? closeDay(dateOk.data, tz) : null;
  if (dateOk.success && !day) issues.push({ path: 'wonAt', key: 'validation.expected_date' });
  if (day && day > startOfDay(now, tz)) issues.push({ path: 'wonAt', key: 'approval.won_in_future', params: { today: formatDate(now, tz) } });
  if (issues.length || !value || !day) throw invalid(issues.length ? issues : [{ path: 'wonAt', key: 'validation.expected_date' }]);
  return {
    storeId: o.storeId,
    opportunityId: o.id,
    amount: value.wonAmount,
    fields: { wonAmount: value.wonAmount, wonAt: day.toISOString(), contractNo: value.contractNo, note: value.note },
  };
}

async function checkTerminate(tx: Tx, actor: Actor, opportunityId: number, input: unknown): Promise<Checked> {
  const o = await ownOpenOpportunity(tx, actor, opportunityId);
  if (o.reportStatus === 'pending' || o.reportStatus === 'returned') throw new ConflictError('approval.report_open');
  const v = parse(terminateRequestSchema, input);
  return { storeId: o.storeId, opportunityId: o.id, amount: o.amount, fields: { reason: v.reason } };
}

async function checkTransfer(tx: Tx, actor: Actor, storeId: number, input: unknown): Promise<Checked> {
  await ownStore(tx, actor, storeId);
  const { value, issues } = schemaIssues(transferRequestSchema, input);
  if (value) {
    const to = await tx.person.findUnique({ where: { id: value.toPersonId }, select: { id: true, name: true, active: true, role: true } });
    if (!to) issues.push({ path: 'toPersonId', key: 'person.not_found', params: { id: value.toPersonId } });
    else if (to.id === actor.id) issues.push({ path: 'toPersonId', key: 'approval.transfer_to_self' });
    else if (!to.active) issues.push({ path: 'toPersonId', key: 'person.inactive_target', params: { name: to.name } });
    else if (to.role === 'admin') issues.push({ path: 'toPersonId', key: 'pool.admin_cannot_own' });
  }
  if (issues.length || !value) throw invalid(issues);
  return { storeId, opportunityId: null, amount: null, fields: { toPersonId: value.toPersonId, reason: value.reason } };
}

async function checkExtend(tx: Tx, actor: Actor, storeId: number, input: unknown): Promise<Checked> {
  const store = await ownStore(tx, actor, storeId);
  if (store.isCustomer) throw new ConflictError('approval.customer_needs_no_extension', { code: store.code });
  const v = parse(extendRequestSchema, input);
  return { storeId, opportunityId: null, amount: null, fields: { days: v.days, reason: v.reason } };
}

async function check(tx: Tx, actor: Actor, input: RequestInput, now: Date): Promise<Checked> {
  const { settings } = await scopeFor(tx, actor);
  const { flow, ...rest } = input as RequestInput & Record<string, unknown>;
  switch (input.flow) {
    case 'sign':
      return checkSign(tx, actor, tzOf(actor, settings.timezone), now, parse(idSchema, input.opportunityId), rest);
    case 'terminate':
      return checkTerminate(tx, actor, parse(idSchema, input.opportunityId), rest);
    case 'transfer':
      return checkTransfer(tx, actor, parse(idSchema, input.storeId), rest);
    case 'extend':
      return checkExtend(tx, actor, parse(idSchema, input.storeId), rest);
    default:
      throw new NotFoundError('approval.unknown_flow', { flow: String(flow) });
  }
}

/** A requester asks: sign (close as won), terminate (close as lost), transfer a store, extend its protection. */
export async function submitRequest(deps: Deps, actor: Actor, input: RequestInput): Promise<{ requestId: number; stepId: number }> {
  assertActive(actor);
  if (actor.role === 'admin') throw new ForbiddenError('approval.admin_does_not_request');
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const c = await check(tx, actor, input, now);
    return openRequest(tx, { flow: input.flow, requester: actor, ...c }, now);
  });
}

/**
 * A returned request, edited, goes again from step 1. Sign, terminate, transfer and extend take the
 * same input as when submitted; a report takes the opportunity's facts, and the opportunity changes with it.
 */
export async function resubmitRequest(deps: Deps, actor: Actor, requestId: number, input: Record<string, unknown>): Promise<{ requestId: number; stepId: number }> {
  parse(idSchema, requestId);
  assertActive(actor);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const request = await tx.approvalRequest.findUnique({ where: { id: requestId } });
    if (!request || request.requesterId !== actor.id) throw new NotFoundError('approval.not_found', { id: requestId });
    if (request.status !== 'returned') throw new ConflictError('approval.not_returned', { status: request.status });
    const flow = request.flow as Flow;
    let next: { fields: Record<string, unknown>; amount: number | null };
    if (flow === 'report') next = await reviseReport(tx, actor, request.opportunityId!, input, now);
    else {
      // The open key stays with the returned request, so checking anew must not find it "already open".
      const c = await check(tx, actor, { ...input, flow, opportunityId: request.opportunityId, storeId: request.storeId } as unknown as RequestInput, now);
      next = { fields: c.fields, amount: c.amount };
    }
    const { stepId } = await reopenReturned(tx, actor, request, next, now);
    return { requestId, stepId };
  });
}

async function reviseReport(tx: Tx, actor: Actor, opportunityId: number, input: unknown, now: Date) {
  const o = await ownOpenOpportunity(tx, actor, opportunityId);
  const { settings } = await scopeFor(tx, actor);
  const tz = tzOf(actor, settings.timezone);
  const { value, issues } = schemaIssues(reportRevisionSchema, input);
  const raw = (input ?? {}) as Record<string, unknown>;
  const dateOk = closeDateSchema.safeParse(raw.expectedCloseAt);
  const close = dateOk.success ? closeDateIssues(dateOk.data, tz, now) : { issues: [], day: null };
  issues.push(...close.issues);
  if (issues.length || !value || !close.day) throw invalid(issues.length ? issues : [{ path: 'expectedCloseAt', key: 'validation.expected_date' }]);
  const after = await tx.opportunity.update({
    where: { id: o.id },
    data: { name: value.name, amount: value.amount, expectedCloseAt: close.day, competitors: value.competitors, notes: value.notes },
  });
  return { fields: { ...reportFields(after) }, amount: after.amount };
}
