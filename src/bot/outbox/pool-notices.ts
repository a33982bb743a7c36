import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { DAY_MS } from '../../domain/clock.ts';
import { isDomainError } from '../../domain/errors.ts';
import { zonedParts } from '../../domain/time/zone.ts';
import { loadSettings, type Settings } from '../../domain/settings/settings.ts';
import type { Reader } from '../../i18n/index.ts';
import { actions, button, context, cut, esc, section, type Block } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import type { Delivery, OutboxRow, Renderer, Renderers } from './delivery.ts';
import { recipientOf } from './recipient.ts';
import { returnedMessage, teamReturnedMessage, warningMessage } from '../views/returns.ts';

// Notices of the store pools (src/domain/pools/pools.ts, sweep.ts and warnings.ts) as DMs to the person concerned,
// in their language, with dates in their time zone. The payload holds ids; names and dates are read
// when the notice is sent, except the dates the change itself fixed (a new protection end).

interface StoreFacts {
  id: number;
  name: string;
  code: string;
  ownerId: number | null;
  protectedUntil: Date | null;
  isCustomer: boolean;
  status: string;
}

interface Loaded {
  reader: Reader;
  recipientId: number;
  store: StoreFacts;
  settings: Settings;
  /** Names of the people the payload mentions, escaped for mrkdwn. */
  names: Map<number, string>;
}

const idOf = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);
const dateOf = (v: unknown): Date | null => {
  const d = typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};
const skip = (reason: string): Delivery => ({ method: 'skip', reason });

/** Everything a notice shows; a skip when there is no one, or nothing, to tell about. */
async function load(db: Db, row: OutboxRow, people: unknown[]): Promise<Loaded | Delivery> {
  const storeId = idOf(row.payload.storeId);
  if (row.recipientId === null || storeId === null) return skip('notice names no store or recipient');
  const store = await db.store.findUnique({ where: { id: storeId }, select: { id: true, name: true, code: true, ownerId: true, protectedUntil: true, isCustomer: true, status: true } });
  if (!store || store.status === 'deleted') return skip('store gone');
  let recipient: Awaited<ReturnType<typeof recipientOf>>;
  try {
    recipient = await recipientOf(db, row.recipientId);
  } catch (e) {
    if (isDomainError(e) && e.code === 'not_found') return skip('recipient gone');
    throw e;
  }
  if (!recipient.actor.active) return skip('recipient deactivated');
  const wanted = [...new Set(people.map(idOf).filter((id): id is number => id !== null))];
  const found = wanted.length ? await db.person.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } }) : [];
  const names = new Map(found.map((p) => [p.id, esc(cut(p.name, 100))]));
  return { reader: recipient.reader, recipientId: row.recipientId, store, settings: await loadSettings(db), names };
}

const isLoaded = (x: Loaded | Delivery): x is Loaded => !('method' in x);

function storeParams(x: Loaded) {
  return { store: esc(cut(x.store.name, 150)), code: esc(x.store.code) };
}

const nameOf = (x: Loaded, id: unknown): string => x.names.get(idOf(id) ?? 0) ?? t(x.reader, 'common.none');

function reasonLine(x: Loaded, reason: unknown): string[] {
  return typeof reason === 'string' && reason.trim() ? [t(x.reader, 'notice.reason', { reason: esc(cut(reason.trim(), 500)) })] : [];
}

/** "Log visit" while the store is still the recipient's: the one thing to do about most of these. */
function visitButton(x: Loaded): Block[] {
  if (x.store.ownerId !== x.recipientId) return [];
  return [actions([button(t(x.reader, 'card.btn.log_visit'), ids.actions.logVisit, { value: String(x.store.id) })])];
}

/** The headline (also the notification text), then notes in a context line, then the button. */
function message(headline: string, notes: string[], extra: Block[] = []): Delivery {
  const blocks: Block[] = [section(headline), ...(notes.length ? [context(notes)] : []), ...extra];
  return { method: 'post', text: cut(headline, 3000), blocks };
}

/** A notice about one store: loads it, then draws it (or says why not). */
function storeNotice(draw: (x: Loaded, row: OutboxRow, now: Date) => Delivery, people: (p: OutboxRow['payload']) => unknown[] = () => []): Renderer {
  return async ({ db, clock }, row) => {
    const x = await load(db, row, people(row.payload));
    return isLoaded(x) ? draw(x, row, clock.now()) : x;
  };
}

/** Calendar days from now to `until` in the reader's time zone (0: today). */
function daysLeft(now: Date, until: Date, tz: string): number {
  const a = zonedParts(now, tz);
  const b = zonedParts(until, tz);
  return Math.max(0, Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS));
}

const assigned = storeNotice(
  (x, row) =>
    message(
      t(x.reader, 'notice.assigned', { ...storeParams(x), by: nameOf(x, row.payload.byId), until: x.store.protectedUntil }),
      reasonLine(x, row.payload.reason),
      visitButton(x),
    ),
  (p) => [p.byId],
);

const transferred = storeNotice(
  (x, row) => {
    const p = row.payload;
    const toMe = idOf(p.toId) === x.recipientId;
    const headline = toMe
      ? t(x.reader, 'notice.transferred_to', { ...storeParams(x), by: nameOf(x, p.byId), from: nameOf(x, p.fromId), until: x.store.protectedUntil })
      : t(x.reader, 'notice.transferred_from', { ...storeParams(x), by: nameOf(x, p.byId), to: nameOf(x, p.toId) });
    return message(headline, reasonLine(x, p.reason), toMe ? visitButton(x) : []);
  },
  (p) => [p.byId, p.fromId, p.toId],
);

const extended = storeNotice(
  (x, row) =>
    message(
      t(x.reader, 'notice.extended', { ...storeParams(x), by: nameOf(x, row.payload.byId), until: dateOf(row.payload.until) ?? x.store.protectedUntil }),
      reasonLine(x, row.payload.reason),
      visitButton(x),
    ),
  (p) => [p.byId],
);

/** A notice of the sweep's, to a person: who, in which words; a skip when they are gone or deactivated. */
async function reader(db: Db, row: OutboxRow): Promise<{ reader: Reader; settings: Settings } | Delivery> {
  if (row.recipientId === null) return skip('notice names no recipient');
  let recipient: Awaited<ReturnType<typeof recipientOf>>;
  try {
    recipient = await recipientOf(db, row.recipientId);
  } catch (e) {
    if (isDomainError(e) && e.code === 'not_found') return skip('recipient gone');
    throw e;
  }
  if (!recipient.actor.active) return skip('recipient deactivated');
  return { reader: recipient.reader, settings: await loadSettings(db) };
}

const returnedList = z.array(z.object({ id: z.number().int(), name: z.string(), code: z.string(), ownerId: z.number().int(), protectedUntil: z.string().nullable() }));
const returnedStores = (v: unknown) => (returnedList.safeParse(v).data ?? []).map((s) => ({ ...s, protectedUntil: dateOf(s.protectedUntil) }));
const countOf = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);

/** One store returned (a row written before the sweep told its returns at once: a single storeId). */
const autoReturnedOne = storeNotice((x, row) => {
  const m = returnedMessage(x.reader, { stores: [{ name: x.store.name, code: x.store.code, protectedUntil: dateOf(row.payload.protectedUntil) }], total: 1, cooldownDays: x.settings.reclaimCooldownDays });
  return { method: 'post', ...m };
});

/** The former owner's stores returned at one sweep: one DM, naming one store or listing several. */
const autoReturned: Renderer = async (deps, row) => {
  if (idOf(row.payload.storeId) !== null) return autoReturnedOne(deps, row);
  const stores = returnedStores(row.payload.stores);
  if (stores.length === 0) return skip('notice names no store');
  const r = await reader(deps.db, row);
  if ('method' in r) return r;
  return { method: 'post', ...returnedMessage(r.reader, { stores, total: countOf(row.payload.total, stores.length), cooldownDays: r.settings.reclaimCooldownDays }) };
};

/** A supervisor's summary of the team's returns at one sweep. */
const autoReturnedTeam: Renderer = async (deps, row) => {
  const stores = returnedStores(row.payload.stores);
  const at = dateOf(row.payload.at);
  if (stores.length === 0 || !at) return skip('notice names no store');
  const r = await reader(deps.db, row);
  if ('method' in r) return r;
  const counts = z.array(z.object({ id: z.number().int(), count: z.number().int() })).safeParse(row.payload.owners).data ?? [];
  const people = await deps.db.person.findMany({ where: { id: { in: counts.map((c) => c.id) } }, select: { id: true, name: true } });
  const names = new Map(people.map((p) => [p.id, p.name]));
  const owners = counts.map((c) => ({ name: names.get(c.id) ?? t(r.reader, 'common.none'), count: c.count }));
  return { method: 'post', ...teamReturnedMessage(r.reader, { at, total: countOf(row.payload.total, stores.length), owners, stores }) };
};

/** Only while it still holds: a visit, an order or an extension since it was queued makes it moot. */
const returnWarning = storeNotice((x, row, now) => {
  const until = dateOf(row.payload.protectedUntil);
  const s = x.store;
  if (s.ownerId !== x.recipientId || s.isCustomer || !until || s.protectedUntil?.getTime() !== until.getTime()) return skip('protection changed since the warning');
  // The days really left when it is read (a warning sent late, after downtime, says so).
  const days = daysLeft(now, until, x.reader.timezone);
  return { method: 'post', ...warningMessage(x.reader, { store: s, until, days, visitExtendsDays: x.settings.visitExtendsDays }) };
});

export const poolNoticeRenderers = {
  'store.assigned': assigned,
  'store.transferred': transferred,
  'store.extended': extended,
  'store.auto_returned': autoReturned,
  'store.auto_returned_team': autoReturnedTeam,
  'store.return_warning': returnWarning,
} satisfies Partial<Renderers>;
