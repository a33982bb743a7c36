import type { App } from '@slack/bolt';
import { requestTransferTargets, transferTargets } from '../../../domain/people/team.ts';
import { getStore } from '../../../domain/stores/stores.ts';
import { option } from '../../blocks/kit.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { requestUi } from '../../views/request-modals.ts';
import { parseFormMeta, storeUi } from '../../views/store-forms.ts';

const personOption = (p: { id: number; name: string; unitName: string | null }) => option(p.name, String(p.id), p.unitName ?? undefined);

/** Type-ahead for a store's new owner (a lead's transfer) and a requested transfer's target, for teams of more than 100. */
export function registerPeopleOptions(app: App, deps: BotDeps): void {
  // The lead's transfer form: anyone the lead may give the store to, but its owner.
  app.options(storeUi.actions.transferPersonSearch, async ({ ack, payload, context }) => {
    const w = who(context);
    try {
      const meta = parseFormMeta((payload as { view?: { private_metadata?: string } }).view?.private_metadata);
      const owner = meta ? (await getStore(deps, w.actor, meta.s)).ownerId : null;
      const { people } = await transferTargets(deps, w.actor, { text: String(payload.value ?? '').slice(0, 100), excludeId: owner, limit: 100 });
      await ack({ options: people.map(personOption) });
    } catch {
      await ack({ options: [] });
    }
  });

  // The rep's transfer request.
  app.options(requestUi.actions.personSearch, async ({ ack, payload, context }) => {
    const w = who(context);
    try {
      const { people } = await requestTransferTargets(deps, w.actor, { text: String(payload.value ?? '').slice(0, 100), limit: 100 });
      await ack({ options: people.map(personOption) });
    } catch {
      await ack({ options: [] });
    }
  });
}
