import type { Db, Tx } from '../../db/client.ts';
import { orgSnapshot } from '../org/snapshot.ts';
import { isWithin, type OrgTree } from '../org/tree.ts';
import { refreshCards, sendCards } from './notices.ts';

// Who stands in for an approver who is away (PRODUCT.md: "An approver who is away can name a delegate
// for a period"; src/domain/people/away.ts sets the period). While someone is away, every step that
// reaches them reaches their delegate too, as a co-approver with `via: 'delegate'` and `onBehalfOfId`;
// the absent person keeps the step as well, and the first decision wins as always.
//
// A delegate who is away in turn hands on to their own delegate (A → B → C); a circle is refused when
// the period is set, and cut here should one ever be found. A delegate who cannot see the requester's
// unit (a request from outside their part of the tree, say one escalated to the absent person) is not
// added: that step waits for the absent person's other co-approvers and, in time, for the escalation.

export interface Stand {
  personId: number;
  onBehalfOfId: number;
}

/** The absences in force at `now`: absent person → delegate. The table is small (one row per away period). */
export async function delegatesAt(db: Db | Tx, now: Date): Promise<Map<number, number>> {
  const rows = await db.absence.findMany({
    where: { endedAt: null, startsAt: { lte: now }, endsAt: { gt: now } },
    select: { personId: true, delegateId: true },
    orderBy: { id: 'asc' },
  });
  return new Map(rows.map((r) => [r.personId, r.delegateId]));
}

export interface Deputy {
  id: number;
  role: string;
  unitId: number | null;
  active: boolean;
}

/** May this person decide a request of someone in `requesterUnitId`? An admin anywhere; a lead within its subtree. */
export function canStandIn(tree: OrgTree, deputy: Deputy, requesterUnitId: number | null): boolean {
  if (!deputy.active) return false;
  if (deputy.role === 'admin') return true;
  if (deputy.role === 'rep' || deputy.unitId === null) return false;
  return isWithin(tree, requesterUnitId, deputy.unitId);
}

/**
 * The stand-ins for approvers `personIds` of a request by `requesterId`: each absent approver's
 * delegate (and theirs, when the delegate is away too), never the requester, never someone already
 * deciding, never someone who cannot see the requester's unit.
 */
export async function standInsFor(db: Db | Tx, personIds: number[], requester: { id: number; unitId: number | null }, now: Date, away?: Map<number, number>): Promise<Stand[]> {
  const absent = away ?? (await delegatesAt(db, now));
  if (absent.size === 0) return [];
  const out: Stand[] = [];
  const taken = new Set(personIds);
  const wanted: Stand[] = [];
  for (const start of personIds) {
    let from = start;
    const seen = new Set([start]);
    for (let to = absent.get(from); to !== undefined && !seen.has(to); to = absent.get(from)) {
      seen.add(to);
      wanted.push({ personId: to, onBehalfOfId: from });
      from = to;
    }
  }
  if (wanted.length === 0) return [];
  const { tree } = await orgSnapshot(db);
  const people = await db.person.findMany({ where: { id: { in: [...new Set(wanted.map((w) => w.personId))] } }, select: { id: true, role: true, unitId: true, active: true } });
  const byId = new Map(people.map((p) => [p.id, p]));
  for (const w of wanted) {
    const p = byId.get(w.personId);
    if (!p || taken.has(w.personId) || w.personId === requester.id || !canStandIn(tree, p, requester.unitId)) continue;
    taken.add(w.personId);
    out.push(w);
  }
  return out;
}

/**
 * Adds `stands` to a pending step as co-approvers (`via`), each with a card: a new card, or the old
 * one redrawn when the person had the step before (their card was redrawn as "no longer yours").
 * Returns who was added.
 */
export async function addApprovers(
  tx: Tx,
  step: { id: number; requestId: number },
  stands: { personId: number; onBehalfOfId: number | null }[],
  via: 'delegate' | 'escalated',
  tag: string,
  now: Date,
): Promise<number[]> {
  if (stands.length === 0) return [];
  const existing = await tx.approvalApprover.findMany({ where: { stepId: step.id, personId: { in: stands.map((s) => s.personId) } }, select: { personId: true, active: true } });
  const fresh: number[] = [];
  const again: number[] = [];
  for (const s of stands) {
    const row = existing.find((e) => e.personId === s.personId);
    if (row?.active) continue;
    if (row) {
      await tx.approvalApprover.update({ where: { stepId_personId: { stepId: step.id, personId: s.personId } }, data: { active: true, via, onBehalfOfId: s.onBehalfOfId, addedAt: now } });
      again.push(s.personId);
    } else {
      await tx.approvalApprover.create({ data: { stepId: step.id, personId: s.personId, via, onBehalfOfId: s.onBehalfOfId, addedAt: now } });
      fresh.push(s.personId);
    }
  }
  await sendCards(tx, step.requestId, step.id, fresh, now);
  await refreshCards(tx, step.requestId, step.id, again, tag, now);
  return [...fresh, ...again];
}
