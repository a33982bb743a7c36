import type { AwayPeriod } from '../../domain/people/away.ts';
import type { Reader } from '../../i18n/index.ts';
import { context, cut, esc, input, modal, plain, section, limits, type ModalView } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import type { StateValues } from '../schemas.ts';

// `/crm away` and App Home's Away…: the days away and the delegate. Block ids are the domain's field
// names (from, to, delegateId), so that each refusal lands under its input. Pure.

export const awayBlocks = { from: 'from', to: 'to', delegate: 'delegateId' } as const;
export const awayActions = { from: 'away_from', to: 'away_to', delegate: 'away_delegate' } as const;

/** The modal, with the period set already (if any) said on top; the first day defaults to today. */
export function awayModal(reader: Reader, o: { current: AwayPeriod | null; today: string }): ModalView {
  const top = o.current
    ? context([t(reader, 'away.modal.current', { from: o.current.from, to: o.current.to, delegate: esc(cut(o.current.delegate.name, 80)) })])
    : section(t(reader, 'away.modal.intro'));
  return modal({
    callbackId: ids.views.away,
    title: t(reader, 'away.modal.title'),
    submit: t(reader, 'away.modal.submit'),
    close: t(reader, 'common.cancel'),
    blocks: [
      top,
      input(awayBlocks.from, t(reader, 'away.modal.from'), { type: 'datepicker', action_id: awayActions.from, initial_date: o.today }),
      input(awayBlocks.to, t(reader, 'away.modal.to'), { type: 'datepicker', action_id: awayActions.to }),
      input(awayBlocks.delegate, t(reader, 'away.modal.delegate'), { type: 'users_select', action_id: awayActions.delegate, placeholder: plain(t(reader, 'away.modal.delegate'), limits.placeholder) }, { hint: t(reader, 'away.modal.delegate_hint') }),
    ],
  });
}

/** What the modal's submission says: the days as typed (checked by the domain) and the delegate's Slack id. */
export function readAway(values: StateValues): { from: string; to: string; delegateSlackId: string | null } {
  return {
    from: values[awayBlocks.from]?.[awayActions.from]?.selected_date ?? '',
    to: values[awayBlocks.to]?.[awayActions.to]?.selected_date ?? '',
    delegateSlackId: values[awayBlocks.delegate]?.[awayActions.delegate]?.selected_user ?? null,
  };
}

/** `/crm away 2026-12-10 2026-12-14 <@U123|name>`: the days and the delegate's Slack id; null when it does not read so. */
export function parseAwayText(words: string[]): { from: string; to: string; delegateSlackId: string } | null {
  if (words.length !== 3) return null;
  const [from, to, who] = words as [string, string, string];
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(who);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || !mention) return null;
  return { from, to, delegateSlackId: mention[1]! };
}
