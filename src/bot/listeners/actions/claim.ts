import type { App } from '@slack/bolt';
import { isDomainError } from '../../../domain/errors.ts';
import { poolOpensAt } from '../../../domain/pools/claimable.ts';
import { claimStore } from '../../../domain/pools/pools.ts';
import { once } from '../../../domain/once.ts';
import { formatDate } from '../../../domain/time/zone.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { answer, clickedInModal, directMessage, failureText, inPlace, sayOnHome } from '../../respond.ts';
import { checked, type BlockActionsBody } from '../../schemas.ts';
import { claimListMessage } from '../../screens/claim-list.ts';
import { cardModalView } from '../../screens/store-card.ts';
import { claimRowPrefix, noticeLine, parseClaimRef, parseListState, type Notice } from '../../views/claim-list.ts';

// Claim buttons (from the claim list, the store card and the visit confirmation), the list's
// paging, and App Home's "Claim stores". The list is redrawn in place through the action's
// response_url; a claim elsewhere is answered ephemerally.

/** The store's name as its list row shows it (first line of the row), to say which store a notice is about. */
function rowName(body: BlockActionsBody, storeId: number): string | null {
  const row = body.message?.blocks?.find((b) => b.block_id === `${claimRowPrefix}${storeId}`);
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

export function registerClaimActions(app: App, deps: BotDeps): void {
  app.action(ids.actions.claim, async (args) => {
    await args.ack();
    const { body: b, action: a } = checked(args);
    const { context, client, respond } = args;
    const w = who(context);
    const ref = parseClaimRef(a.value);
    if (!ref) return;
    const fromList = !!b.response_url && (a.block_id ?? '').startsWith(claimRowPrefix);
    // One claim per click target: a double click or a redelivery of the same message's button runs once.
    const where = b.container?.message_ts ?? b.container?.view_id ?? a.action_ts ?? '';
    const key = `claim:${w.actor.id}:${ref.s}:${where}`;
    let notice: Notice;
    try {
      const r = await once(deps, key, () => claimStore(deps, w.actor, ref.s));
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
        await respond({ response_type: 'ephemeral', replace_original: false, text: noticeLine(notice) });
      } else if (clickedInModal(b) && b.view?.id) {
        // A card shown in a modal: redraw it with the outcome.
        await client.views.update({ view_id: b.view.id, view: await cardModalView(deps, w, ref.s, noticeLine(notice)) });
      } else {
        await client.chat.postMessage({ channel: b.user.id, text: noticeLine(notice) });
      }
    } catch (e) {
      console.error('claim: could not answer', e);
    }
  });

  app.action(ids.actions.claimPage, async (args) => {
    const w = who(args.context);
    const state = parseListState(checked(args).action.value);
    await answer({ ack: args.ack, reader: w.reader, to: inPlace(args.respond) }, async () =>
      state ? claimListMessage(deps, w, { text: state.q, page: state.p }) : undefined,
    );
  });

  // App Home's "Claim stores": the list arrives as a DM (its buttons then update it in place), and
  // Home says so at once (the trigger id lasts 3 seconds): Home itself has no place for the list.
  app.action(ids.actions.homeClaim, async (args) => {
    const w = who(args.context);
    const body = checked(args).body;
    await answer({ ack: args.ack, reader: w.reader, to: directMessage(args.client, body.user.id) }, async () => {
      await sayOnHome(args.client, body, w.reader, t(w.reader, 'home.btn.claim'), t(w.reader, 'home.claim_sent')).catch((e: unknown) => console.error('claim: could not say where the list went', e));
      return claimListMessage(deps, w, {});
    });
  });
}
