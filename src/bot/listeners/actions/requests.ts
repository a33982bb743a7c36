import type { SlackApp } from '../../slack-app.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t, tCode, type BotKey } from '../../i18n/index.ts';
import { option } from '../../blocks/kit.ts';
import { LIST_CLOSED_MAX, LIST_OPEN_MAX, OPP_LIST_BLOCK, opportunityListMessage, type OpportunityList } from '../../views/opportunity-list.ts';
import {
  changeStageModal,
  requestExtendModal,
  requestTransferModal,
  requestUi,
  resubmitModal,
  signModal,
  terminateModal,
  type RequestMeta,
} from '../../views/request-modals.ts';
import { asBlocks, openWithLoading, storeIdOf, type ActionBody, type ButtonAction } from './store-card.ts';
import { getApproval } from '../../../domain/approvals/queries.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../domain/errors.ts';
import { closedStages, getOpportunity, listMyOpportunities } from '../../../domain/opportunities/opportunities.ts';
import type { Actor } from '../../../domain/org/roles.ts';
import { requestTransferTargets } from '../../../domain/people/team.ts';
import { getStore } from '../../../domain/stores/stores.ts';
import { formatDate } from '../../../domain/time/zone.ts';
import type { Reader } from '../../../i18n/index.ts';

// The requester's buttons: on my opportunity list (change stage, won…, lost…), on my store's card
// (request transfer / extension), and Edit and resubmit on my returned request's notice. (Withdraw
// and Void on the notices are handled with the approval cards' buttons, in actions/approvals.ts.)
// A form opens at once with the trigger id ("Loading…") and shows its inputs once its data is read;
// a refusal shows in the modal instead, in the person's words.

/** Closed ones are looked for among this many of my opportunities. */
const CLOSED_SCAN = 200;

const isClosedStage = (stage: string) => (closedStages as readonly string[]).includes(stage);

/** My opportunities: the open ones by nearest expected close, then the most recently closed. */
export async function loadOpportunityList(deps: BotDeps, actor: Actor): Promise<OpportunityList> {
  const [open, all] = await Promise.all([
    listMyOpportunities(deps, actor, { open: true, take: LIST_OPEN_MAX }),
    listMyOpportunities(deps, actor, { take: CLOSED_SCAN }),
  ]);
  const closed = all.items.filter((o) => isClosedStage(o.stage)).sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  return { open: open.items, moreOpen: Math.max(0, open.total - open.items.length), closed: closed.slice(0, LIST_CLOSED_MAX) };
}

export async function opportunityListReply(deps: BotDeps, w: Who, notice?: string) {
  const m = opportunityListMessage(w.reader, await loadOpportunityList(deps, w.actor), notice);
  return { text: m.text, blocks: asBlocks(m.blocks) };
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

/** Where a form's outcome is told: the message of the button, and whether it is my list to redraw. */
function metaOf(body: ActionBody, action: ButtonAction, id: number): RequestMeta {
  const inModal = body.container?.type === 'view' && body.view?.type === 'modal' && body.view.id;
  return {
    id,
    ...(body.response_url ? { r: body.response_url, ...((action.block_id ?? '').startsWith(OPP_LIST_BLOCK) ? { l: 1 as const } : {}) } : {}),
    ...(inModal ? { pv: body.view!.id } : {}),
  };
}

/** An open opportunity the person may move (its own, or a lead's for its team). */
async function openOpportunity(deps: BotDeps, actor: Actor, id: number) {
  const o = await getOpportunity(deps, actor, id);
  if (isClosedStage(o.stage)) throw new ConflictError('opportunity.closed', { stage: o.stage });
  return o;
}

/** An open opportunity of the person's own: only its owner asks to close it. */
async function ownOpenOpportunity(deps: BotDeps, actor: Actor, id: number) {
  const o = await openOpportunity(deps, actor, id);
  if (o.ownerId !== actor.id) throw new ForbiddenError('approval.not_your_opportunity');
  return o;
}

/** A store of the person's own: a rep asks about the stores it holds. */
async function ownStore(deps: BotDeps, actor: Actor, id: number) {
  const s = await getStore(deps, actor, id);
  if (s.ownerId !== actor.id) throw new ForbiddenError('approval.not_your_store', { code: s.code });
  return s;
}

/** A returned request of the person's own. */
async function ownReturnedRequest(deps: BotDeps, w: Who, id: number) {
  const record = await getApproval(deps, w.actor, id);
  if (record.requester.id !== w.actor.id) throw new NotFoundError('approval.not_found', { id });
  if (record.status !== 'returned') throw new ConflictError('approval.not_returned', { status: record.status });
  return record;
}

/** A positive id from a button's value: an opportunity's, a store's or a request's. */
const idOf = storeIdOf;

const noChoices = { people: [], more: false };
const transferChoices = (deps: BotDeps, actor: Actor) => requestTransferTargets(deps, actor, { limit: 100 });

type Build = (w: Who, body: ActionBody, action: ButtonAction, id: number) => Promise<Record<string, unknown>>;

export function registerRequestActions(app: SlackApp, deps: BotDeps): void {
  const form = (actionId: string, titleKey: BotKey, build: Build) =>
    app.action(actionId, async ({ ack, body, action, context, client }) => {
      await ack();
      const w = who(context);
      const a = action as ButtonAction;
      const id = idOf(a.value);
      if (id === null) return;
      const b = body as unknown as ActionBody;
      await openWithLoading(client, b, w, t(w.reader, titleKey), async () => {
        try {
          return await build(w, b, a, id);
        } catch (e) {
          throw localized(w.reader, e);
        }
      });
    });

  form(requestUi.actions.openChangeStage, 'req.title.change_stage', async (w, b, a, id) => changeStageModal(w.reader, await openOpportunity(deps, w.actor, id), metaOf(b, a, id)));

  form(ids.actions.openSign, 'req.title.sign', async (w, b, a, id) => {
    const o = await ownOpenOpportunity(deps, w.actor, id);
    if (o.reportStatus !== 'approved') throw new ConflictError('approval.report_not_approved', { status: o.reportStatus });
    return signModal(w.reader, o, formatDate(deps.clock.now(), w.reader.timezone), metaOf(b, a, id));
  });

  form(ids.actions.openTerminate, 'req.title.terminate', async (w, b, a, id) => {
    const o = await ownOpenOpportunity(deps, w.actor, id);
    if (o.reportStatus === 'pending' || o.reportStatus === 'returned') throw new ConflictError('approval.report_open');
    return terminateModal(w.reader, o, metaOf(b, a, id));
  });

  form(ids.actions.openRequestTransfer, 'req.title.transfer', async (w, b, a, id) => {
    const s = await ownStore(deps, w.actor, id);
    return requestTransferModal(w.reader, s, await transferChoices(deps, w.actor), metaOf(b, a, id));
  });

  form(ids.actions.openRequestExtend, 'req.title.extend', async (w, b, a, id) => {
    const s = await ownStore(deps, w.actor, id);
    if (s.isCustomer) throw new ConflictError('approval.customer_needs_no_extension', { code: s.code });
    return requestExtendModal(w.reader, s, metaOf(b, a, id));
  });

  form(ids.actions.openResubmit, 'req.title.resubmit', async (w, b, _a, id) => {
    const record = await ownReturnedRequest(deps, w, id);
    const choices = record.flow === 'transfer' ? await transferChoices(deps, w.actor) : noChoices;
    // Its button is on a notice or in /crm approvals: the outcome is told beside it, nothing is redrawn.
    return resubmitModal(w.reader, record, choices, { id, ...(b.response_url ? { r: b.response_url } : {}) });
  });

  // The transfer target's type-ahead, for a team of more than 100.
  app.options(requestUi.actions.personSearch, async ({ ack, payload, context }) => {
    const w = who(context);
    try {
      const { people } = await requestTransferTargets(deps, w.actor, { text: String(payload.value ?? '').slice(0, 100), limit: 100 });
      await ack({ options: people.map((p) => option(p.name, String(p.id), p.unitName ?? undefined)) });
    } catch {
      await ack({ options: [] });
    }
  });
}
