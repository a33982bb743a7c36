import { z } from 'zod';
import { plainText } from '../validation.ts';
import type { Settings } from '../settings/settings.ts';
import { idSchema, reasonSchema } from '../stores/fields.ts';

// The five flows of the one approval engine (PRODUCT.md "Opportunities and approvals"). Each has the
// facts its approvers decide on (`fields`, kept as JSON on the request), what its amount is for the
// thresholds, and what an open request of it is "about" (one open request per subject).

export const flows = ['report', 'sign', 'terminate', 'transfer', 'extend'] as const;
export type Flow = (typeof flows)[number];

export const requestStatuses = ['pending', 'returned', 'approved', 'rejected', 'withdrawn', 'voided'] as const;
export type RequestStatus = (typeof requestStatuses)[number];
export const openStatuses: readonly RequestStatus[] = ['pending', 'returned'];

export const decisions = ['approve', 'send_up', 'return', 'reject'] as const;
export type Decision = (typeof decisions)[number];

/** A step's state: pending, or how it ended. */
/** cancelled: the requester left the company and its open requests ended with the account. */
export type StepStatus = 'pending' | 'approved' | 'sent_up' | 'returned' | 'rejected' | 'withdrawn' | 'cancelled';
export const stepStatusOf: Record<Decision, StepStatus> = { approve: 'approved', send_up: 'sent_up', return: 'returned', reject: 'rejected' };

export const COMMENT_MAX = 500;
export const CONTRACT_NO_MAX = 64;

/** Report: the opportunity as registered. Dates are ISO instants (the start of the local day). */
export interface ReportFields {
  name: string;
  amount: number;
  expectedCloseAt: string;
  stage: string;
  competitors: string | null;
  notes: string | null;
}
export interface SignFields {
  wonAmount: number;
  wonAt: string;
  contractNo: string;
  note: string | null;
}
export interface TerminateFields {
  reason: string;
}
export interface TransferFields {
  toPersonId: number;
  reason: string;
}
export interface ExtendFields {
  days: number;
  reason: string;
}
export type FieldsOf = {
  report: ReportFields;
  sign: SignFields;
  terminate: TerminateFields;
  transfer: TransferFields;
  extend: ExtendFields;
};
export type AnyFields = FieldsOf[Flow];

export const contractNoSchema = plainText(z.string().trim().min(1).max(CONTRACT_NO_MAX));
export const transferRequestSchema = z.object({ toPersonId: idSchema, reason: reasonSchema });
export const extendRequestSchema = z.object({ days: z.number().int().min(1).max(365), reason: reasonSchema });
export const terminateRequestSchema = z.object({ reason: plainText(z.string().trim().min(1).max(COMMENT_MAX), { multiline: true }) });

/** The flows whose amount is weighed against a threshold (settings.approvalThresholds). */
export function thresholdOf(flow: Flow, settings: Settings): number | null {
  return flow === 'report' || flow === 'sign' || flow === 'terminate' ? settings.approvalThresholds[flow] : null;
}

/**
 * What an open request is about: one open request per key. Sign and terminate share one (an
 * opportunity is closed one way or the other, not both at once).
 */
export function openKeyOf(flow: Flow, subject: { storeId: number; opportunityId: number | null }): string {
  switch (flow) {
    case 'report':
      return `report:opportunity:${subject.opportunityId}`;
    case 'sign':
    case 'terminate':
      return `close:opportunity:${subject.opportunityId}`;
    case 'transfer':
    case 'extend':
      return `${flow}:store:${subject.storeId}`;
  }
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** What changed between two versions of a request's facts, field by field, in the later one's order. */
export function diffFields(before: Record<string, unknown> | null, after: Record<string, unknown>): FieldChange[] {
  if (!before) return [];
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  return keys
    .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    .map((k) => ({ field: k, before: before[k] ?? null, after: after[k] ?? null }));
}
