import { ConflictError } from '../../domain/errors.ts';
import { closedStages, listMyOpportunities } from '../../domain/opportunities/opportunities.ts';
import type { Actor } from '../../domain/org/roles.ts';
import type { Reader } from '../../i18n/index.ts';
import type { BlockMessage } from '../blocks/kit.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { tCode } from '../i18n/index.ts';
import { LIST_CLOSED_MAX, LIST_OPEN_MAX, opportunityListMessage, type OpportunityList } from '../views/opportunity-list.ts';

// The requester's screens: `/opp list` (my opportunities, with what I can do with each), redrawn after
// a change made from it; and the domain's refusals about a request's state in the requester's words.

/** Closed ones are looked for among this many of my opportunities. */
const CLOSED_SCAN = 200;

export const isClosedStage = (stage: string): boolean => (closedStages as readonly string[]).includes(stage);

/** My opportunities: the open ones by nearest expected close, then the most recently closed. */
async function loadOpportunityList(deps: BotDeps, actor: Actor): Promise<OpportunityList> {
  const [open, all] = await Promise.all([
    listMyOpportunities(deps, actor, { open: true, take: LIST_OPEN_MAX }),
    listMyOpportunities(deps, actor, { take: CLOSED_SCAN }),
  ]);
  const closed = all.items.filter((o) => isClosedStage(o.stage)).sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  return { open: open.items, moreOpen: Math.max(0, open.total - open.items.length), closed: closed.slice(0, LIST_CLOSED_MAX) };
}

/** `/opp list` as a message, with `notice` (the outcome of a change) on top. */
export async function opportunityListReply(deps: BotDeps, w: Who, notice?: string): Promise<BlockMessage> {
  return opportunityListMessage(w.reader, await loadOpportunityList(deps, w.actor), notice);
}

/**
 * The domain's conflict with a request's or report's state in the reader's words (the domain
 * names the state by its code).
 */
export function localized(reader: Reader, e: unknown): unknown {
  if (!(e instanceof ConflictError) || typeof e.params.status !== 'string') return e;
  const status = e.params.status;
  const prefix = e.key === 'approval.report_not_approved' ? 'req.report.' : 'req.status.';
  const word = tCode(reader, prefix, status);
  return word === `${prefix}${status}` ? e : new ConflictError(e.key, { ...e.params, status: word });
}
