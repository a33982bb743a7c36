import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Flow } from '../../../domain/approvals/flows.ts';
import { getApproval } from '../../../domain/approvals/queries.ts';
import { resubmitRequest, submitRequest, type RequestInput } from '../../../domain/approvals/requests.ts';
import { once } from '../../../domain/once.ts';
import { changeStage } from '../../../domain/opportunities/opportunities.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t, tCode } from '../../i18n/index.ts';
import { submissionKey } from '../../once.ts';
import { errorsFor, postResponse } from '../../respond.ts';
import { submittedValues, type StateValues } from '../../schemas.ts';
import { cardModalView } from '../../screens/store-card.ts';
import { localized, opportunityListReply } from '../../screens/requests.ts';
import { formBlocks, parseRequestMeta, readChangeStage, readRequest, requestUi, type ReadForm, type RequestMeta } from '../../views/request-modals.ts';

// Submissions of the requester's forms. Each takes effect once per submission (Slack may deliver one
// twice); bad input comes back inline under its field (`response_action: errors`) and nothing is
// written. On success the form closes and the outcome is told where the button was: my opportunity
// list is redrawn, a store card under the form is redrawn, another message gets a line beside it —
// unless the approval engine tells the requester by its own notice (a DM with the request, whom it
// waits for, and Withdraw): that notice is the one confirmation, as a line beside the button (a
// protection warning's Request an extension, a store card's, Edit and resubmit) would say it twice.

/** The flows a requester starts from a form (a report starts with the opportunity). */
type RequestFlow = Exclude<Flow, 'report'>;

interface Done {
  line: string;
  /** The approval engine tells the requester by its own notice. */
  noticed: boolean;
  /** The store whose card may be under the form. */
  storeId?: number;
}

interface FormSpec {
  /** The form's input blocks, in order (the first takes what belongs to no field). */
  blocks: (meta: RequestMeta) => readonly string[];
  read: (meta: RequestMeta, values: StateValues) => ReadForm;
  run: (w: Who, meta: RequestMeta, input: Record<string, unknown>) => Promise<Done>;
}

/** The line that tells the requester its request went off, by flow. */
async function sentLine(deps: BotDeps, w: Who, flow: RequestFlow, requestId: number): Promise<Done> {
  const r = await getApproval(deps, w.actor, requestId);
  const name = esc(cut(r.opportunity?.name ?? '', 100));
  const store = esc(cut(r.store.name, 100));
  return { line: t(w.reader, `req.done.${flow}`, { id: requestId, name, store }), noticed: true, storeId: r.store.id };
}

function submitSpec(flow: RequestFlow, deps: BotDeps): FormSpec {
  const subject = flow === 'sign' || flow === 'terminate' ? 'opportunityId' : 'storeId';
  return {
    blocks: () => formBlocks[flow],
    read: (_meta, values) => readRequest(flow, values),
    run: async (w, meta, input) => {
      const { requestId } = await submitRequest(deps, w.actor, { ...input, flow, [subject]: meta.id } as unknown as RequestInput);
      return sentLine(deps, w, flow, requestId);
    },
  };
}

async function tell(deps: BotDeps, client: WebClient, w: Who, userId: string, meta: RequestMeta, done: Done): Promise<void> {
  try {
    if (meta.r && meta.l) await postResponse(meta.r, { replace_original: true, response_type: 'ephemeral', ...(await opportunityListReply(deps, w, done.line)) });
    else if (meta.r && !done.noticed) await postResponse(meta.r, { replace_original: false, response_type: 'ephemeral', text: done.line });
    else if (meta.pv && done.storeId) await client.views.update({ view_id: meta.pv, view: await cardModalView(deps, w, done.storeId, done.line) });
    else if (!done.noticed) await client.chat.postMessage({ channel: userId, text: done.line });
  } catch (e) {
    // The change is made; only the answer is lost.
    console.error('requests: could not answer', e);
  }
}

export function registerRequestForms(app: App, deps: BotDeps): void {
  const handle = (callbackId: string, spec: FormSpec) =>
    app.view(callbackId, async ({ ack, view, context, client, body }) => {
      const w = who(context);
      const meta = parseRequestMeta(view.private_metadata);
      const blocks = meta ? spec.blocks(meta) : [];
      if (!meta || !blocks.length) {
        await ack({ response_action: 'errors', errors: { [view.blocks.find((b) => b.type === 'input')?.block_id ?? 'reason']: t(w.reader, 'common.error') } });
        return;
      }
      const read = spec.read(meta, submittedValues(view));
      let done: Done;
      try {
        const r = await once(deps, submissionKey(view), () => spec.run(w, meta, read.input));
        // A second delivery of the same submission: the first one answers; this one only closes.
        if (!r.ran) {
          await ack();
          return;
        }
        done = r.value;
      } catch (e) {
        const errors = errorsFor(w.reader, localized(w.reader, e), blocks, blocks[0]!);
        if (read.unreadable) errors[read.unreadable] = t(w.reader, 'opp.amount_format');
        await ack({ response_action: 'errors', errors });
        return;
      }
      context.homeStale = true;
      await ack();
      await tell(deps, client, w, body.user.id, meta, done);
    });

  handle(requestUi.views.changeStage, {
    blocks: () => formBlocks.changeStage,
    read: (_meta, values) => ({ input: readChangeStage(values), unreadable: null }),
    run: async (w, meta, input) => {
      const { opportunity } = await changeStage(deps, w.actor, meta.id, input as ReturnType<typeof readChangeStage>);
      const line = t(w.reader, 'req.done.stage', { name: esc(cut(opportunity.name, 100)), stage: tCode(w.reader, 'opp.stage.', opportunity.stage) });
      return { line, noticed: false };
    },
  });

  handle(ids.views.requestSign, submitSpec('sign', deps));
  handle(ids.views.requestTerminate, submitSpec('terminate', deps));
  handle(ids.views.requestTransfer, submitSpec('transfer', deps));
  handle(ids.views.requestExtend, submitSpec('extend', deps));

  handle(ids.views.resubmit, {
    blocks: (meta) => (meta.f ? formBlocks[meta.f] : []),
    read: (meta, values) => readRequest(meta.f!, values),
    run: async (w, meta, input) => {
      const { requestId } = await resubmitRequest(deps, w.actor, meta.id, input);
      return { line: t(w.reader, 'req.done.resubmit', { id: requestId }), noticed: true };
    },
  });
}
