import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { leadsUnit, scopeFor } from '../org/scope.ts';
import { idSchema } from '../stores/fields.ts';
import { parse } from '../validation.ts';
import { decisionsFor } from './engine.ts';
import { diffFields, thresholdOf, type Decision, type FieldChange, type Flow, type RequestStatus, type StepStatus } from './flows.ts';
import { loadSettings } from '../settings/settings.ts';

// The approval record as people see it: on the cards, in `/crm approvals`, in the console.

export interface PersonRef {
  id: number;
  name: string;
  /** null: a console-only person */
  slackId: string | null;
}

export interface StepRecord {
  id: number;
  round: number;
  level: number;
  unitId: number | null;
  unitName: string | null;
  status: StepStatus;
  decidedBy: PersonRef | null;
  comment: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  approvers: (PersonRef & { active: boolean; via: string; onBehalfOf?: PersonRef | null })[];
  /** Decided by a delegate: the approver they stood in for. */
  onBehalfOf?: PersonRef | null;
  /** When the step was escalated to the level above (approvals/reminders.ts). */
  escalatedAt?: Date | null;
}

export interface ApprovalRecord {
  id: number;
  flow: Flow;
  status: RequestStatus;
  round: number;
  amount: number | null;
  threshold: number | null;
  fields: Record<string, unknown>;
  /** What the requester changed since the request was last returned (shown on the new round's cards). */
  changes: FieldChange[];
  requester: PersonRef;
  store: { id: number; code: string; name: string };
  opportunity: { id: number; name: string; stage: string; amount: number; expectedCloseAt: Date; reportStatus: string } | null;
  /** For a transfer: who would receive the store. */
  transferTo: PersonRef | null;
  steps: StepRecord[];
  currentStepId: number | null;
  /** What the approvers of the current step may decide; empty when nothing is pending. */
  decisions: Decision[];
  createdAt: Date;
  closedAt: Date | null;
}

const personRef = { select: { id: true, name: true, slackId: true } } as const;

/** The whole record of a request, for anyone the caller has already allowed (or the system). */
export async function approvalRecord(db: Db | Tx, requestId: number): Promise<ApprovalRecord> {
  const r = await db.approvalRequest.findUnique({
    where: { id: requestId },
    include: {
      requester: personRef,
      store: { select: { id: true, code: true, name: true } },
      opportunity: { select: { id: true, name: true, stage: true, amount: true, expectedCloseAt: true, reportStatus: true } },
      steps: {
        orderBy: { id: 'asc' },
        include: { decidedBy: personRef, approvers: { orderBy: { addedAt: 'asc' }, include: { person: personRef } } },
      },
    },
  });
  if (!r) throw new NotFoundError('approval.not_found', { id: requestId });
  const standIns = [...new Set(r.steps.flatMap((s) => [s.onBehalfOfId, ...s.approvers.map((a) => a.onBehalfOfId)]).filter((id): id is number => id !== null))];
  const absent = standIns.length ? await db.person.findMany({ where: { id: { in: standIns } }, select: { id: true, name: true, slackId: true } }) : [];
  const ref = (id: number | null): PersonRef | null => (id === null ? null : (absent.find((p) => p.id === id) ?? null));
  const units = await db.orgUnit.findMany({ where: { id: { in: r.steps.map((s) => s.unitId).filter((u): u is number => u !== null) } }, select: { id: true, name: true } });
  const fields = JSON.parse(r.fields) as Record<string, unknown>;
  const returned = r.returnedFields ? (JSON.parse(r.returnedFields) as Record<string, unknown>) : null;
  const current = r.steps.find((s) => s.id === r.currentStepId) ?? null;
  const transferTo = r.flow === 'transfer' && typeof fields.toPersonId === 'number'
    ? await db.person.findUnique({ where: { id: fields.toPersonId }, select: { id: true, name: true, slackId: true } })
    : null;
  return {
    id: r.id,
    flow: r.flow as Flow,
    status: r.status as RequestStatus,
    round: r.round,
    amount: r.amount,
    threshold: thresholdOf(r.flow as Flow, await loadSettings(db)),
    fields,
    changes: r.round > 1 ? diffFields(returned, fields) : [],
    requester: r.requester,
    store: r.store,
    opportunity: r.opportunity,
    transferTo,
    steps: r.steps.map((s) => ({
      id: s.id,
      round: s.round,
      level: s.level,
      unitId: s.unitId,
      unitName: units.find((u) => u.id === s.unitId)?.name ?? null,
      status: s.status as StepStatus,
      decidedBy: s.decidedBy,
      comment: s.comment,
      createdAt: s.createdAt,
      decidedAt: s.decidedAt,
      approvers: s.approvers.map((a) => ({ ...a.person, active: a.active, via: a.via, onBehalfOf: ref(a.onBehalfOfId) })),
      onBehalfOf: ref(s.onBehalfOfId),
      escalatedAt: s.escalatedAt,
    })),
    currentStepId: r.currentStepId,
    decisions: current && current.status === 'pending' && r.status === 'pending' ? await decisionsFor(db as Tx, current, r) : [],
    createdAt: r.createdAt,
    closedAt: r.closedAt,
  };
}

/**
 * A request, for someone who may see it: its requester, anyone who was asked to decide a step, a lead
 * of the requester's unit, an admin. Anyone else is told it does not exist.
 */
export async function getApproval(deps: Deps, actor: Actor, requestId: number): Promise<ApprovalRecord> {
  parse(idSchema, requestId);
  const record = await approvalRecord(deps.db, requestId);
  if (record.requester.id === actor.id || record.steps.some((s) => s.approvers.some((a) => a.id === actor.id))) return record;
  const { scope } = await scopeFor(deps.db, actor);
  const requester = await deps.db.person.findUnique({ where: { id: record.requester.id }, select: { unitId: true } });
  if (leadsUnit(scope, requester?.unitId ?? null)) return record;
  throw new NotFoundError('approval.not_found', { id: requestId });
}

export const approvalBoxes = ['todo', 'done', 'mine'] as const;
export type ApprovalBox = (typeof approvalBoxes)[number];

export const listApprovalsSchema = z.object({
  box: z.enum(approvalBoxes),
  take: z.number().int().min(1).max(100).default(10),
  skip: z.number().int().min(0).max(100_000).default(0),
});

export interface ApprovalSummary {
  requestId: number;
  /** The step the line is about: waiting for me, decided by me, or my request's current one. */
  stepId: number | null;
  flow: Flow;
  status: RequestStatus;
  stepStatus: StepStatus | null;
  store: { id: number; code: string; name: string };
  opportunityName: string | null;
  amount: number | null;
  requester: PersonRef;
  /** Who the request waits for now (pending only). */
  waitingFor: PersonRef[];
  comment: string | null;
  /** When it reached me (to-do), when I decided (done), when it last moved (mine). */
  at: Date;
}

const summaryInclude = {
  requester: personRef,
  store: { select: { id: true, code: true, name: true } },
  opportunity: { select: { name: true } },
} as const;

async function waitingFor(db: Db, stepIds: number[]): Promise<Map<number, PersonRef[]>> {
  const rows = await db.approvalApprover.findMany({ where: { stepId: { in: stepIds }, active: true }, include: { person: personRef }, orderBy: { addedAt: 'asc' } });
  const out = new Map<number, PersonRef[]>();
  for (const r of rows) out.set(r.stepId, [...(out.get(r.stepId) ?? []), r.person]);
  return out;
}

/** My to-do (waiting for me), done (decided by me) or my own requests, newest first; `total` counts all. */
export async function listApprovals(deps: Deps, actor: Actor, input: z.input<typeof listApprovalsSchema>): Promise<{ items: ApprovalSummary[]; total: number }> {
  const v = parse(listApprovalsSchema, input);
  const db = deps.db;
  if (v.box === 'mine') {
    const where = { requesterId: actor.id };
    const [rows, total] = await Promise.all([
      db.approvalRequest.findMany({ where, include: { ...summaryInclude, steps: { where: { status: { not: 'pending' } }, orderBy: { id: 'desc' }, take: 1, select: { comment: true, status: true } } }, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], take: v.take, skip: v.skip }),
      db.approvalRequest.count({ where }),
    ]);
    const waits = await waitingFor(db, rows.filter((r) => r.status === 'pending' && r.currentStepId).map((r) => r.currentStepId!));
    return {
      total,
      items: rows.map((r) => ({
        requestId: r.id,
        stepId: r.currentStepId,
        flow: r.flow as Flow,
        status: r.status as RequestStatus,
        stepStatus: null,
        store: r.store,
        opportunityName: r.opportunity?.name ?? null,
        amount: r.amount,
        requester: r.requester,
        waitingFor: r.status === 'pending' && r.currentStepId ? (waits.get(r.currentStepId) ?? []) : [],
        comment: r.steps[0]?.comment ?? null,
        at: r.updatedAt,
      })),
    };
  }
  const where = v.box === 'todo'
    ? { status: 'pending', approvers: { some: { personId: actor.id, active: true } } }
    : { decidedById: actor.id };
  const [rows, total] = await Promise.all([
    db.approvalStep.findMany({
      where,
      include: { request: { include: summaryInclude } },
      orderBy: v.box === 'todo' ? [{ createdAt: 'asc' }, { id: 'asc' }] : [{ decidedAt: 'desc' }, { id: 'desc' }],
      take: v.take,
      skip: v.skip,
    }),
    db.approvalStep.count({ where }),
  ]);
  const waits = v.box === 'todo' ? await waitingFor(db, rows.map((r) => r.id)) : new Map<number, PersonRef[]>();
  return {
    total,
    items: rows.map((s) => ({
      requestId: s.requestId,
      stepId: s.id,
      flow: s.request.flow as Flow,
      status: s.request.status as RequestStatus,
      stepStatus: s.status as StepStatus,
      store: s.request.store,
      opportunityName: s.request.opportunity?.name ?? null,
      amount: s.request.amount,
      requester: s.request.requester,
      waitingFor: waits.get(s.id) ?? [],
      comment: s.comment,
      at: v.box === 'todo' ? s.createdAt : (s.decidedAt ?? s.createdAt),
    })),
  };
}

export interface WaitingStep {
  id: number;
  level: number;
  createdAt: Date;
  /** Its active approvers. */
  approvers: { id: number; name: string }[];
}

export interface WaitingRequest {
  id: number;
  flow: Flow;
  requester: { id: number; name: string };
  store: { name: string; code: string };
  /** Its pending steps. */
  steps: WaitingStep[];
}

export interface ReassignQueue {
  /** Pending requests in all. */
  total: number;
  /** This page of them, the longest waiting first. */
  requests: WaitingRequest[];
  /** Who a step may be handed to: active people who approve (everyone but reps), by name. */
  candidates: { id: number; name: string; role: string }[];
}

/** Every pending request of the company, for an admin to hand a waiting step to someone else (`reassignStep`). */
export async function reassignQueue(deps: Deps, actor: Actor, input: { page: number; pageSize: number }): Promise<ReassignQueue> {
  if (actor.role !== 'admin') throw new ForbiddenError('approval.reassign_admin_only');
  const db = deps.db;
  const [total, rows, candidates] = await Promise.all([
    db.approvalRequest.count({ where: { status: 'pending' } }),
    db.approvalRequest.findMany({
      where: { status: 'pending' },
      orderBy: { updatedAt: 'asc' },
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        flow: true,
        requester: { select: { id: true, name: true } },
        store: { select: { name: true, code: true } },
        steps: {
          where: { status: 'pending' },
          select: { id: true, level: true, createdAt: true, approvers: { where: { active: true }, select: { person: { select: { id: true, name: true } } } } },
        },
      },
    }),
    db.person.findMany({ where: { active: true, role: { not: 'rep' } }, select: { id: true, name: true, role: true }, orderBy: { name: 'asc' } }),
  ]);
  const requests = rows.map((r) => ({
    id: r.id,
    flow: r.flow as Flow,
    requester: r.requester,
    store: r.store,
    steps: r.steps.map((s) => ({ id: s.id, level: s.level, createdAt: s.createdAt, approvers: s.approvers.map((a) => a.person) })),
  }));
  return { total, requests, candidates };
}
