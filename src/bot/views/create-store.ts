import type { DuplicateCandidate } from '../../domain/stores/stores.ts';
import type { Reader } from '../../i18n/index.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { metadataCodec, oneOf, textField } from '../blocks/metadata.ts';
import { button, capBlocks, context, cut, esc, input, limits, modal, section, textInput, type Block, type ModalView } from '../blocks/kit.ts';

// Creating a store from Slack: the form (name, phone, address), then — when the duplicate check finds
// candidates — a view listing them with "Use this one" and "Create anyway". Nothing is created before
// the user chooses: the candidates view carries what was typed in its private_metadata.

export interface NewStoreInput {
  name: string;
  phone?: string;
  address?: string;
}

/** The form step, or the confirm step with the values already checked by the domain. */
type CreateMeta = { step: 'form' } | ({ step: 'confirm' } & NewStoreInput);

const createCodec = metadataCodec<{ step: CreateMeta['step']; name?: string; phone?: string; address?: string }>(
  { step: oneOf(['form', 'confirm']), name: textField(400), phone: textField(100), address: textField(800) },
  ['step'],
);

/** Anything but a whole confirm step (a forged or an odd one) is the form. */
export function parseCreateMeta(raw: unknown): CreateMeta {
  const m = createCodec.decode(raw);
  return m?.step === 'confirm' && m.name ? { ...m, step: 'confirm', name: m.name } : { step: 'form' };
}

/** The form; `name` prefilled with what /store did not find. */
export function createStoreModal(reader: Reader, prefill: { name?: string } = {}): ModalView {
  return modal({
    callbackId: ids.views.createStore,
    title: t(reader, 'form.title.create'),
    submit: t(reader, 'create.submit'),
    close: t(reader, 'common.cancel'),
    privateMetadata: createCodec.encode({ step: 'form' }),
    blocks: [
      context([t(reader, 'create.intro')]),
      input('name', t(reader, 'create.name'), textInput('name', { max: 100, initial: prefill.name?.trim() })),
      input('phone', t(reader, 'create.phone'), textInput('phone', { max: 30 }), { optional: true }),
      input('address', t(reader, 'create.address'), textInput('address', { max: 200 }), { optional: true }),
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
export function duplicatesModal(reader: Reader, typed: NewStoreInput, candidates: DuplicateCandidate[]): ModalView {
  const meta = createCodec.encode({ step: 'confirm', ...typed });
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
