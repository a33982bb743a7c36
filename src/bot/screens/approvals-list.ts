import { listApprovals, type ApprovalBox } from '../../domain/approvals/queries.ts';
import type { BlockMessage } from '../blocks/kit.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { APPROVALS_PAGE, approvalsMessage, boxes, type BoxPage, type Offsets } from '../views/approvals-list.ts';

/** The three boxes of `/crm approvals` at these offsets. */
export async function approvalsListMessage(deps: BotDeps, w: Who, offsets: Offsets): Promise<BlockMessage> {
  const load = (box: ApprovalBox) => listApprovals(deps, w.actor, { box, take: APPROVALS_PAGE, skip: offsets[box] });
  const [todo, done, mine] = await Promise.all(boxes.map(load));
  const pages: Record<ApprovalBox, BoxPage> = { todo: todo!, done: done!, mine: mine! };
  return approvalsMessage(w.reader, pages, offsets);
}
