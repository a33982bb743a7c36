import type { DuplicateCandidate } from '../../domain/stores/stores.ts';
import type { Reader } from '../../i18n/index.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { button, capBlocks, context, cut, esc, input, limits, modal, section, type Block } from '../blocks/kit.ts';

// Creating a store from Slack: the form (name, phone, address), then — when the duplicate check finds
// candidates — a view listing them with "Use this one" and "Create anyway". Nothing is created before
// the user chooses: the candidates view carries what was typed in its private_metadata.

export interface NewStoreInput {
  name: string;
  phone?: string;
  address?: string;
}

/** The form step, or the confirm step with the values already checked by the domain. */
export type CreateMeta = { step: 'form' } | ({ step: 'confirm' } & NewStoreInput);

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);

export function parseCreateMeta(raw: unknown): CreateMeta {
  if (typeof raw !== 'string' || !raw) return { step: 'form' };
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    const name = str(o.name, 400);
    if (o.step !== 'confirm' || !name) return { step: 'form' };
    const phone = str(o.phone, 100);
    const address = str(o.address, 800);
    return { step: 'confirm', name, ...(phone ? { phone } : {}), ...(address ? { address } : {}) };
  } catch {
    return { step: 'form' };
  }
}

const textInput = (actionId: string, max: number, initial?: string, multiline = false) => ({
  type: 'plain_text_input',
  action_id: actionId,
  max_length: max,
  ...(multiline ? { multiline: true } : {}),
  ...(initial ? { initial_value: cut(initial, max) } : {}),
});

/** The form; `name` prefilled with what /store did not find. */
export function createStoreModal(reader: Reader, prefill: { name?: string } = {}): Record<string, unknown> {
  return modal({
    callbackId: ids.views.createStore,
    title: t(reader, 'form.title.create'),
    submit: t(reader, 'create.submit'),
    close: t(reader, 'common.cancel'),
    privateMetadata: JSON.stringify({ step: 'form' }),
    blocks: [
      context([t(reader, 'create.intro')]),
      input('name', t(reader, 'create.name'), textInput('name', 100, prefill.name?.trim())),
      input('phone', t(reader, 'create.phone'), textInput('phone', 30), { optional: true }),
      input('address', t(reader, 'create.address'), textInput('address', 200), { optional: true }),
    ],
  });
}

function candidateBlock(reader: Reader, c: DuplicateCandidate): Block {
  const lines = [`*${esc(cut(c.name, 150))}* · \`${esc(c.code)}\``];
  if (c.address) lines.push(esc(cut(c.address.replace(/\s+/g, ' '), 200)));
  const facts = [t(reader, `create.matched.${c.matchedOn}`)];
  if (c.visible) facts.push(c.ownerName ? t(reader, 'find.row_owner', { name: esc(cut(c.ownerName, 80)) }) : t(reader, 'card.public'));
  else facts.push(t(reader, 'create.hidden'));
  lines.push(facts.join(' · '));
  return section(
    lines.join('\n'),
    c.visible ? button(t(reader, 'create.use'), ids.actions.useDuplicate, { value: String(c.id) }) : undefined,
    `duplicate:${c.id}`,
  );
}

/** The candidates, each visible one with "Use this one"; submitting creates the store anyway. */
export function duplicatesModal(reader: Reader, typed: NewStoreInput, candidates: DuplicateCandidate[]): Record<string, unknown> {
  const meta = JSON.stringify({ step: 'confirm', name: typed.name, ...(typed.phone ? { phone: typed.phone } : {}), ...(typed.address ? { address: typed.address } : {}) });
  const blocks: Block[] = [section(t(reader, 'create.dupes_intro', { name: esc(cut(typed.name, 150)) })), ...candidates.map((c) => candidateBlock(reader, c))];
  return modal({
    callbackId: ids.views.createStore,
    title: t(reader, 'form.title.create'),
    submit: t(reader, 'create.anyway'),
    close: t(reader, 'common.cancel'),
    privateMetadata: meta,
    blocks: [...capBlocks(blocks, limits.viewBlocks - 1, (n) => t(reader, 'common.more', { count: n })), context([t(reader, 'create.anyway_hint')])],
  });
}
