import type { Reader } from '../../i18n/index.ts';
import { actions, button, context, cut, esc, section, type Block, type BlockMessage } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { linesSection } from './today.ts';

// The pool's scheduled notices as DMs: the warning before a store returns to the public pool (with
// what keeps it and what lets it go), the returns of a sweep to the former owner, and the team's
// returns to its supervisor. Pure builders; names are escaped, lists cut with "…and N more".

const storeName = (name: string) => esc(cut(name.replace(/\s+/g, ' '), 150));

export interface WarnedStore {
  id: number;
  name: string;
  code: string;
}

/**
 * "Goes back to the public pool on …, in N days", and the owner's three ways: Log a visit (the visit
 * modal for the store), Request an extension (the approval request's form), Release (its confirmation).
 * The buttons are the store card's, so their listeners are the card's.
 */
export function warningMessage(reader: Reader, o: { store: WarnedStore; until: Date; days: number | null; visitExtendsDays: number }): BlockMessage {
  const headline = t(reader, 'notice.return_warning', { store: storeName(o.store.name), code: esc(o.store.code), until: o.until, days: o.days });
  const value = String(o.store.id);
  const blocks: Block[] = [
    section(headline),
    ...(o.visitExtendsDays > 0 ? [context([t(reader, 'notice.return_warning_visit', { days: o.visitExtendsDays })])] : []),
    actions([
      button(t(reader, 'card.btn.log_visit'), ids.actions.logVisit, { value, style: 'primary' }),
      button(t(reader, 'warning.btn.request_extend'), ids.actions.openRequestExtend, { value }),
      button(t(reader, 'card.btn.release'), ids.actions.release, { value }),
    ]),
  ];
  return { text: cut(headline, 3000), blocks };
}

export interface ReturnedStore {
  name: string;
  code: string;
  protectedUntil: Date | null;
}

/** To the former owner: one store ("… went back to the public pool"), or the list of several. */
export function returnedMessage(reader: Reader, o: { stores: ReturnedStore[]; total: number; cooldownDays: number }): BlockMessage {
  const notes = o.cooldownDays > 0 ? [t(reader, 'notice.auto_returned_cooldown', { days: o.cooldownDays })] : [];
  const first = o.stores[0];
  if (o.total === 1 && first) {
    const headline = t(reader, 'returned.one', { store: storeName(first.name), code: esc(first.code), until: first.protectedUntil });
    return { text: cut(headline, 3000), blocks: [section(headline), ...(notes.length ? [context(notes)] : [])] };
  }
  const headline = t(reader, 'returned.many', { count: o.total });
  const lines = o.stores.map((s) => t(reader, 'returned.line', { store: storeName(s.name), code: esc(s.code), until: s.protectedUntil }));
  return { text: headline, blocks: [section(headline), linesSection(reader, lines, o.total), ...(notes.length ? [context(notes)] : [])] };
}

/** To a supervisor: how many of the team's stores returned at a sweep, by owner, and which. */
export function teamReturnedMessage(reader: Reader, o: { at: Date; total: number; owners: { name: string; count: number }[]; stores: ReturnedStore[] }): BlockMessage {
  const headline = t(reader, 'returned.team', { count: o.total, at: o.at });
  const owners = [...o.owners].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).map((p) => t(reader, 'returned.team_owner', { name: esc(cut(p.name, 60)), count: p.count }));
  const stores = o.stores.map((s) => t(reader, 'returned.line', { store: storeName(s.name), code: esc(s.code), until: s.protectedUntil }));
  return { text: headline, blocks: [section(headline), linesSection(reader, owners), linesSection(reader, stores, o.total)] };
}
