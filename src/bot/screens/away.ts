import type { WebClient } from '@slack/web-api';
import { awayOf, endAway, type AwayPeriod } from '../../domain/people/away.ts';
import { actorBySlackId } from '../../domain/people/people.ts';
import { formatDate } from '../../domain/time/zone.ts';
import { cut, esc } from '../blocks/kit.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';
import { openModal } from '../respond.ts';
import { awayModal } from '../views/away-modal.ts';

// Away with a delegate from Slack: the modal (opened by `/crm away` and App Home's Away…), the
// command's one-line form, and the words of its outcome.

/** Opens the away modal for the person, saying the period already set, if any. */
export async function openAwayModal(client: WebClient, deps: BotDeps, w: Who, triggerId: string): Promise<void> {
  const now = deps.clock.now();
  const current = await awayOf(deps.db, w.actor.id, now);
  await openModal(client, triggerId, awayModal(w.reader, { current, today: formatDate(now, w.reader.timezone) }));
}

/** The delegate a Slack user id names; null when it is nobody of the company. */
export const delegateBySlackId = async (deps: BotDeps, slackId: string | null) => (slackId ? actorBySlackId(deps.db, slackId) : null);

/** What a person is told once their away period is set. */
export function awaySaidText(w: Who, p: AwayPeriod): string {
  const params = { name: esc(cut(p.person.name, 80)), from: p.from, to: p.to, delegate: esc(cut(p.delegate.name, 80)) };
  return t(w.reader, p.started ? 'away.set_now' : 'away.set', params);
}

/** `/crm away off`. */
export async function endOwnAway(deps: BotDeps, w: Who): Promise<string> {
  await endAway(deps, w.actor);
  return t(w.reader, 'away.ended');
}
