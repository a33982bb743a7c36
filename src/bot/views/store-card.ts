import type { getStore } from '../../domain/stores/stores.ts';
import type { Actor } from '../../domain/org/roles.ts';
import { DAY_MS } from '../../domain/clock.ts';
import { formatDate, formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { actions, button, context, cut, divider, esc, fields, header, section, type Block, type Button } from '../blocks/kit.ts';

export type StoreCardData = Awaited<ReturnType<typeof getStore>>;

export interface CardViewer {
  actor: Actor;
  /** The viewer may claim this public store (one of its regions, not an admin). */
  canClaim: boolean;
}

/** "3 days left (until 2026-12-01)", "ends today", or the customer note. */
function protectionText(reader: Reader, s: { ownerId: number | null; protectedUntil: Date | null; isCustomer: boolean }, now: Date): string {
  if (s.ownerId === null || !s.protectedUntil) return t(reader, 'common.none');
  if (s.isCustomer) return t(reader, 'card.protection_customer');
  const until = formatDate(s.protectedUntil, reader.timezone);
  const days = Math.floor((s.protectedUntil.getTime() - now.getTime()) / DAY_MS);
  return days >= 1 ? t(reader, 'card.protection_left', { days, until }) : t(reader, 'card.protection_today', { until });
}

/**
 * The store card: facts, primary contact, the 3 latest visits, and the buttons the viewer may use.
 * Every button carries the store id as its value.
 */
export function storeCardBlocks(reader: Reader, s: StoreCardData, viewer: CardViewer, now: Date): Block[] {
  const value = String(s.id);
  const when = (d: Date | null) => (d ? formatDateTime(d, reader.timezone) : t(reader, 'common.none'));
  const contact = s.contacts.find((c) => c.isPrimary) ?? s.contacts[0];
  const blocks: Block[] = [
    header(s.name),
    ...(s.address ? [context([esc(s.address)])] : []),
    fields([
      t(reader, 'card.code', { value: s.code }),
      t(reader, 'card.status', { value: tCode(reader, 'card.status.', s.status) }),
      t(reader, 'card.stage', { value: tCode(reader, 'card.stage.', s.stage) }),
      t(reader, 'card.grade', { value: s.grade }),
      t(reader, 'card.owner', { value: s.owner ? esc(s.owner.name) : t(reader, 'card.public') }),
      t(reader, 'card.protection', { value: protectionText(reader, s, now) }),
      t(reader, 'card.last_visit', { value: when(s.lastVisitAt) }),
      t(reader, 'card.next_followup', { value: when(s.nextFollowUpAt) }),
    ]),
    section(
      contact
        ? t(reader, 'card.contact', {
            name: esc(contact.name),
            title: contact.title ? ` (${esc(contact.title)})` : '',
            phone: contact.phone ? ` · ${esc(contact.phone)}` : '',
          })
        : t(reader, 'card.no_contact'),
    ),
    divider(),
    section(
      [
        t(reader, 'card.latest_visits'),
        ...(s.latestVisits.length
          ? s.latestVisits.map((v) =>
              t(reader, 'card.visit_line', {
                when: formatDateTime(v.at, reader.timezone),
                who: esc(v.person.name),
                method: tCode(reader, 'method.', v.method),
                summary: esc(cut(v.summary.replace(/\s+/g, ' '), 300)),
              }),
            )
          : [t(reader, 'card.no_visits')]),
      ].join('\n'),
    ),
  ];
  const buttons = [
    ...(s.ownerId === null && viewer.canClaim && s.status === 'active' ? [button(t(reader, 'card.btn.claim'), ids.actions.claim, { value, style: 'primary' })] : []),
    button(t(reader, 'card.btn.log_visit'), ids.actions.logVisit, { value, ...(s.ownerId !== null ? { style: 'primary' as const } : {}) }),
    button(t(reader, 'card.btn.new_opportunity'), ids.actions.newOpportunity, { value }),
    button(t(reader, 'card.btn.add_contact'), ids.actions.addContact, { value }),
    ...(s.ownerId === viewer.actor.id ? [button(t(reader, 'card.btn.release'), ids.actions.release, { value, style: 'danger' })] : []),
    button(t(reader, 'card.btn.history'), ids.actions.history, { value }),
  ];
  const lead = viewer.actor.role !== 'rep';
  const leadButtons = lead
    ? [
        ...(s.ownerId !== null ? [button(t(reader, 'card.btn.transfer'), ids.actions.transfer, { value }), button(t(reader, 'card.btn.extend'), ids.actions.extend, { value })] : []),
        button(t(reader, 'card.btn.set_status'), ids.actions.setStatus, { value }),
      ]
    : [];
  blocks.push(actions(buttons, `store_card:${s.id}`));
  if (leadButtons.length) blocks.push(actions(leadButtons, `store_card_lead:${s.id}`));
  const requests = ownerRequestButtons(reader, s, viewer.actor);
  if (requests.length) blocks.push(actions(requests, `store_card_owner:${s.id}`));
  return blocks;
}

/**
 * A rep asks its lead to transfer or extend a store it holds (a lead does it itself). A customer's
 * protection does not run out: nothing to extend.
 */
function ownerRequestButtons(reader: Reader, s: StoreCardData, actor: Actor): Button[] {
  if (actor.role !== 'rep' || s.ownerId !== actor.id) return [];
  const value = String(s.id);
  return [
    button(t(reader, 'req.btn.request_transfer'), ids.actions.openRequestTransfer, { value }),
    ...(s.isCustomer ? [] : [button(t(reader, 'req.btn.request_extend'), ids.actions.openRequestExtend, { value })]),
  ];
}
