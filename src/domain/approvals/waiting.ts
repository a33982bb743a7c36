import type { Tx } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { mustSendUp } from './engine.ts';
import type { Flow } from './flows.ts';
import { listApprovals } from './queries.ts';

// What waits for an approver's decision, with the one decision that ends or moves each step from where
// it is seen (App Home): approve, or approve and send up when the amount needs the level above. The
// engine checks again when it is clicked.

export interface WaitingApproval {
  requestId: number;
  stepId: number;
  flow: Flow;
  store: { id: number; code: string; name: string };
  opportunityName: string | null;
  amount: number | null;
  requester: { id: number; name: string };
  /** When the step reached its approvers: the age shown is counted from it. */
  since: Date;
  /** Approve ends the request here; send_up passes it to the level above. */
  decision: 'approve' | 'send_up';
}

/** The oldest `take` steps waiting for me (none for a rep), and how many wait in all. */
export async function waitingForMe(deps: Deps, actor: Actor, take: number): Promise<{ items: WaitingApproval[]; total: number }> {
  if (actor.role === 'rep') return { items: [], total: 0 };
  const todo = await listApprovals(deps, actor, { box: 'todo', take });
  const stepIds = todo.items.map((i) => i.stepId).filter((id): id is number => id !== null);
  if (stepIds.length === 0) return { items: [], total: todo.total };
  const steps = await deps.db.approvalStep.findMany({
    where: { id: { in: stepIds } },
    select: {
      id: true,
      level: true,
      unitId: true,
      request: { select: { flow: true, amount: true, requesterId: true } },
      approvers: { where: { personId: actor.id, active: true }, select: { via: true } },
    },
  });
  const byId = new Map(steps.map((s) => [s.id, s]));
  const items: WaitingApproval[] = [];
  for (const i of todo.items) {
    const s = i.stepId === null ? undefined : byId.get(i.stepId);
    if (!s) continue;
    // An approver who joined by escalation is the level above already (the card and the engine agree).
    const escalated = s.approvers.some((a) => a.via === 'escalated');
    const sendUp = !escalated && (await mustSendUp(deps.db as Tx, s, s.request));
    items.push({
      requestId: i.requestId,
      stepId: s.id,
      flow: i.flow,
      store: i.store,
      opportunityName: i.opportunityName,
      amount: i.amount,
      requester: { id: i.requester.id, name: i.requester.name },
      since: i.at,
      decision: sendUp ? 'send_up' : 'approve',
    });
  }
  return { items, total: todo.total };
}
