import type { App } from '@slack/bolt';
import { getApproval } from '../../../domain/approvals/queries.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../domain/errors.ts';
import { getOpportunity } from '../../../domain/opportunities/opportunities.ts';
import type { Actor } from '../../../domain/org/roles.ts';
import { requestTransferTargets } from '../../../domain/people/team.ts';
import { getStore } from '../../../domain/stores/stores.ts';
import { formatDate } from '../../../domain/time/zone.ts';
import type { ModalView } from '../../blocks/kit.ts';
import { idValue } from '../../blocks/metadata.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t, type BotKey } from '../../i18n/index.ts';
import { clickedInModal, openWithLoading } from '../../respond.ts';
import { checked, type BlockAction, type BlockActionsBody } from '../../schemas.ts';
import { isClosedStage, localized } from '../../screens/requests.ts';
import { OPP_LIST_BLOCK } from '../../views/opportunity-list.ts';
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

// The requester's buttons: on my opportunity list (change stage, won…, lost…), on my store's card
// (request transfer / extension), and Edit and resubmit on my returned request's notice. (Withdraw
// and Void on the notices are handled with the approval cards' buttons, in actions/approvals.ts.)
// A form opens at once with the trigger id ("Loading…") and shows its inputs once its data is read;
// a refusal shows in the modal instead, in the person's words.

/** Where a form's outcome is told: the message of the button, and whether it is my list to redraw. */
function metaOf(body: BlockActionsBody, action: BlockAction, id: number): RequestMeta {
  return {
    id,
    ...(body.response_url ? { r: body.response_url, ...((action.block_id ?? '').startsWith(OPP_LIST_BLOCK) ? { l: 1 as const } : {}) } : {}),
    ...(clickedInModal(body) && body.view?.id ? { pv: body.view.id } : {}),
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

const noChoices = { people: [], more: false };
const transferChoices = (deps: BotDeps, actor: Actor) => requestTransferTargets(deps, actor, { limit: 100 });

type Build = (w: Who, body: BlockActionsBody, action: BlockAction, id: number) => Promise<ModalView>;

export function registerRequestActions(app: App, deps: BotDeps): void {
  const form = (actionId: string, titleKey: BotKey, build: Build) =>
    app.action(actionId, async (args) => {
      await args.ack();
      const { body, action } = checked(args);
      const w = who(args.context);
      // A positive id from the button's value: an opportunity's, a store's or a request's.
      const id = idValue(action.value);
      if (id === null) return;
      await openWithLoading(args.client, body, w.reader, t(w.reader, titleKey), async () => {
        try {
          return await build(w, body, action, id);
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
}
