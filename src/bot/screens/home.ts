import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { waitingForMe } from '../../domain/approvals/waiting.ts';
import { loadMyDay } from '../../domain/followups/my-day.ts';
import { listMyOpportunities } from '../../domain/opportunities/opportunities.ts';
import { isLead } from '../../domain/org/roles.ts';
import { awayOf } from '../../domain/people/away.ts';
import { loadTeamDay } from '../../domain/team/today.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { requestUser } from '../schemas.ts';
import { homeView } from '../views/home.ts';

/** How many open opportunities App Home lists. */
const HOME_OPPORTUNITIES = 5;
/** How many requests waiting for my decision App Home lists, each with its buttons. */
const HOME_APPROVALS = 5;

/** Publishes a person's App Home (to its Slack user `slackId`). */
export async function publishHome(client: WebClient, deps: BotDeps, w: Who, slackId: string): Promise<void> {
  await client.views.publish({ user_id: slackId, view: await homeViewOf(deps, w) });
}

/**
 * A person's App Home as it is now (the outbox publishes it too, when a notice changed it): a rep's
 * and an admin's day, or a supervisor's or manager's team; with what waits for an approver's decision.
 */
export async function homeViewOf(deps: BotDeps, w: Who): Promise<ReturnType<typeof homeView>> {
  const { actor, reader } = w;
  const lead = isLead(actor);
  const approver = actor.role !== 'rep';
  const [day, team, opportunities, approvals, away] = await Promise.all([
    lead ? null : loadMyDay(deps, actor),
    lead ? loadTeamDay(deps, actor) : null,
    listMyOpportunities(deps, actor, { open: true, take: HOME_OPPORTUNITIES }),
    approver ? waitingForMe(deps, actor, HOME_APPROVALS) : null,
    approver ? awayOf(deps.db, actor.id, deps.clock.now()) : null,
  ]);
  return homeView(reader, {
    name: actor.name,
    now: day?.now ?? team?.now ?? deps.clock.now(),
    ...(day ? { day } : {}),
    ...(team ? { team } : {}),
    opportunities,
    ...(approvals ? { approvals } : {}),
    ...(away ? { away } : {}),
  });
}

/**
 * After every listener: when it set `context.homeStale = true` (it changed something my day shows),
 * the person's Home is published again. Runs after the listener has finished (and acknowledged),
 * so it never delays Slack's 3 seconds; a failure to publish is logged, never the listener's error.
 */
export function refreshHomeAfterChange(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ context, client, body, next }) => {
    try {
      await next();
    } finally {
      // Set by the identify middleware (src/bot/context.ts) for a request from a known person.
      const w = context.who as Who | undefined;
      const slackId = requestUser(body);
      if (context.homeStale && w && slackId) {
        try {
          await publishHome(client, deps, w, slackId);
        } catch (e) {
          console.error('app home: refresh failed:', e);
        }
      }
    }
  };
}
