import type { SlackApp } from '../../slack-app.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { once } from '../../once.ts';
import { failureText } from '../../reply.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { claimListBlocks, claimListText, claimRowPrefix, parseClaimRef, parseListState, type Notice } from '../../views/claim-list.ts';
import { asBlocks, cardModalView, type ActionBody, type ButtonAction, type Json } from './store-card.ts';
import { isDomainError } from '../../../domain/errors.ts';
import { listClaimable, poolOpensAt, type ClaimableInput } from '../../../domain/pools/claimable.ts';
import { claimStore } from '../../../domain/pools/pools.ts';
import { formatDate } from '../../../domain/time/zone.ts';

// Claim buttons (from the claim list, the store card and the visit confirmation), the list's
// paging, and App Home's "Claim stores". The list is redrawn in place through the action's
// response_url; a claim elsewhere is answered ephemerally.

/** The claim list as a message, for a response_url or a DM. */
export async function claimListMessage(deps: BotDeps, w: Who, input: ClaimableInput, notice?: Notice) {
  const page = await listClaimable(deps, w.actor, input);
  return { text: notice ? `${notice.kind === 'ok' ? '✅' : '⚠️'} ${notice.text}` : claimListText(w.reader, page), blocks: asBlocks(claimListBlocks(w.reader, page, notice)) };
}

/** The store's name as its list row shows it (first line of the row), to say which store a notice is about. */
function rowName(body: ActionBody, storeId: number): string | null {
  const row = body.message?.blocks?.find((b: Json) => b.block_id === `${claimRowPrefix}${storeId}`);
  const text = row?.text?.text;
  if (typeof text !== 'string') return null;
  const m = /^\*(.+?)\* · /.exec(text.split('\n')[0] ?? '');
  return m?.[1] ?? null;
}

/** Why a claim failed, with when the person can claim again (the domain's dates, and the next opening at the cap). */
async function failureNotice(deps: BotDeps, w: Who, e: unknown): Promise<string> {
  const text = failureText(w.reader, e);
  if (isDomainError(e) && e.key === 'pool.cap_reached') {
    const date = await poolOpensAt(deps, w.actor);
    if (date) return `${text} ${t(w.reader, 'claim.cap_next', { date: formatDate(date, w.reader.timezone) })}`;
  }
  return text;
}

export function registerClaimActions(app: SlackApp, deps: BotDeps): void {
  app.action(ids.actions.claim, async ({ ack, body, action, context, client, respond }) => {
    await ack();
    const w = who(context);
    const b = body as unknown as ActionBody;
    const a = action as ButtonAction;
    const ref = parseClaimRef(a.value);
    if (!ref) return;
    const fromList = !!b.response_url && (a.block_id ?? '').startsWith(claimRowPrefix);
    // One claim per click target: a double click or a redelivery of the same message's button runs once.
    const where = b.container?.message_ts ?? b.container?.view_id ?? a.action_ts ?? '';
    const key = `claim:${w.actor.id}:${ref.s}:${where}`;
    let notice: Notice;
    try {
      const r = await once(deps.db, key, deps.clock.now(), () => claimStore(deps, w.actor, ref.s));
      if (!r.ran) return;
      context.homeStale = true;
      const { store, usage } = r.value;
      notice = {
        kind: 'ok',
        text: t(w.reader, 'claim.claimed', {
          name: esc(cut(store.name, 150)),
          code: store.code,
          until: store.protectedUntil ? formatDate(store.protectedUntil, w.reader.timezone) : null,
          held: usage.held,
          cap: usage.cap,
        }),
      };
    } catch (e) {
      const reason = await failureNotice(deps, w, e); // escaped: failureText quotes nothing raw
      const name = fromList ? rowName(b, ref.s) : null;
      notice = { kind: 'warn', text: name ? t(w.reader, 'claim.failed', { name, reason }) : reason };
    }
    try {
      if (fromList) {
        await respond({ replace_original: true, ...(await claimListMessage(deps, w, { text: ref.q ?? '', page: ref.p ?? 0 }, notice)) });
      } else if (b.response_url) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: `${notice.kind === 'ok' ? '✅' : '⚠️'} ${notice.text}` });
      } else if (b.container?.type === 'view' && b.view?.type === 'modal' && b.view.id) {
        // A card shown in a modal: redraw it with the outcome.
        await client.views.update({ view_id: b.view.id, view: await cardModalView(deps, w, ref.s, `${notice.kind === 'ok' ? '✅' : '⚠️'} ${notice.text}`) });
      } else {
        await client.chat.postMessage({ channel: b.user.id, text: `${notice.kind === 'ok' ? '✅' : '⚠️'} ${notice.text}` });
      }
    } catch (e) {
      console.error('claim: could not answer', e);
    }
  });

  app.action(ids.actions.claimPage, async ({ ack, action, context, respond }) => {
    await ack();
    const w = who(context);
    const state = parseListState((action as ButtonAction).value);
    if (!state) return;
    try {
      await respond({ replace_original: true, ...(await claimListMessage(deps, w, { text: state.q, page: state.p })) });
    } catch (e) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: failureText(w.reader, e) }).catch(() => undefined);
    }
  });

  // App Home's "Claim stores": the list arrives as a DM (its buttons then update it in place).
  app.action(ids.actions.homeClaim, async ({ ack, body, context, client }) => {
    await ack();
    const w = who(context);
    const user = (body as unknown as ActionBody).user.id;
    try {
      await client.chat.postMessage({ channel: user, ...(await claimListMessage(deps, w, {})) });
    } catch (e) {
      await client.chat.postMessage({ channel: user, text: failureText(w.reader, e) }).catch(() => undefined);
    }
  });
}
