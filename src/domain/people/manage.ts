import { z } from 'zod';
import { inTransaction, Prisma, type Tx } from '../../db/client.ts';
import type { Person } from '../../generated/sqlite/client.ts';
import { audit, auditMany, type AuditEntry } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type MessageParams } from '../errors.ts';
import { roleSchema, type Actor, type Role } from '../org/roles.ts';
import { subtree } from '../org/tree.ts';
import { canEditUnit, leadProblem, orgAccess, type OrgAccess } from '../org/units.ts';
import { idSchema } from '../stores/fields.ts';
import { isValidTimeZone } from '../time/zone.ts';
import { parse, plainText } from '../validation.ts';
import { personSearchKeys } from '../search/keys.ts';
import { locales, matchLocale } from '../../i18n/locale.ts';
import { rankByName } from '../search/match.ts';

export type { Person };

// People as the console manages them. An admin manages everyone; a manager only the people of its
// subtree, never admins, and never its own role or unit (its position is decided above it).

export const personLocales = locales;
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
/** A text a form may leave empty: '' means "none" (null). */
const optionalText = <S extends z.ZodType>(s: S) => z.preprocess(blankToNull, s.nullable()).optional();

const nameSchema = plainText(z.string().trim().min(1).max(80));
const emailSchema = z.string().trim().max(120).pipe(z.email('person.email_format'));
const timezoneSchema = z.string().trim().max(64).refine(isValidTimeZone, { params: { key: 'person.bad_timezone' } });
export const slackIdSchema = z.string().trim().regex(/^[UW][A-Z0-9]{2,20}$/, 'person.slack_id_format');

const fields = {
  email: optionalText(emailSchema),
  // A locale tag (`en-US`, `zh-Hans`) reads as its catalog; one we have none for is refused here, where a form chooses.
  locale: optionalText(z.preprocess((v) => (typeof v === 'string' ? (matchLocale(v) ?? v) : v), z.enum(personLocales))),
  timezone: optionalText(timezoneSchema),
  slackId: optionalText(slackIdSchema),
};

export const addPersonSchema = z.object({ name: nameSchema, role: roleSchema, unitId: idSchema.nullable().optional(), ...fields });
export const updatePersonSchema = z.object({ personId: idSchema, name: nameSchema.optional(), role: roleSchema.optional(), unitId: idSchema.nullable().optional(), ...fields });
export const listPeopleSchema = z.object({
  text: z.string().trim().max(100).default(''),
  /** The unit and its sub-units. */
  unitId: idSchema.nullable().default(null),
  role: roleSchema.nullable().default(null),
  status: z.enum(['active', 'inactive', 'all']).default('active'),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

const fieldError = (path: string, key: string, params: MessageParams = {}) =>
  new InvalidInputError('validation.failed', { field: path, count: 1 }, [{ path, key, params }]);

async function peopleAccess(tx: Tx, actor: Actor): Promise<OrgAccess> {
  if (actor.role !== 'admin' && actor.role !== 'manager') throw new ForbiddenError('person.manage_needs_manager');
  return orgAccess(tx, actor);
}

const seesPerson = (a: OrgAccess, p: { unitId: number | null }) => canEditUnit(a, p.unitId);

async function personFor(tx: Tx, access: OrgAccess, personId: number): Promise<Person> {
  const person = await tx.person.findUnique({ where: { id: personId } });
  // Someone outside the actor's team is "not found", like an id that does not exist: ids cannot be probed.
  if (!person || !seesPerson(access, person)) throw new NotFoundError('person.not_found', { id: personId });
  return person;
}

/** Where a person may be placed, with which role, by this actor. */
async function checkPlacement(tx: Tx, access: OrgAccess, role: Role, unitId: number | null): Promise<void> {
  if (unitId !== null) {
    const unit = await tx.orgUnit.findUnique({ where: { id: unitId }, select: { name: true } });
    if (!unit) throw fieldError('unitId', 'org.unit_not_found', { id: unitId });
    if (!canEditUnit(access, unitId)) throw new ForbiddenError('org.outside_subtree', { name: unit.name });
  } else if (role !== 'admin') {
    throw fieldError('unitId', 'person.unit_required', { role });
  } else if (!access.all) {
    throw new ForbiddenError('person.cannot_grant_admin');
  }
  if (access.all) return;
  if (role === 'admin') throw new ForbiddenError('person.cannot_grant_admin');
  // A manager of the manager's own unit would be its peer: only those above decide that.
  if (role === 'manager' && unitId === access.top) throw new ForbiddenError('person.manager_below_only');
}

async function checkSlackIdFree(tx: Tx, slackId: string | null | undefined, personId: number | null): Promise<void> {
  if (!slackId) return;
  const other = await tx.person.findUnique({ where: { slackId }, select: { id: true, name: true } });
  if (other && other.id !== personId) throw fieldError('slackId', 'person.slack_id_taken', { name: other.name });
}

export interface PersonRow {
  id: number;
  name: string;
  email: string | null;
  slackId: string | null;
  role: string;
  active: boolean;
  unitId: number | null;
  unitName: string | null;
  stores: number;
}

export interface PeoplePage {
  rows: PersonRow[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

const byName = [{ name: 'asc' }, { id: 'asc' }] satisfies Prisma.PersonOrderByWithRelationInput[];

/** Stores a person owns (deleted ones aside), for a list of people. */
async function storeCounts(tx: Tx, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = await tx.store.groupBy({ by: ['ownerId'], where: { ownerId: { in: ids }, status: { not: 'deleted' } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.ownerId!, r._count._all]));
}

/** Search by name, email or Slack id (any case), filter by unit (with its sub-units), role and status; by name, a page at a time. */
export async function listPeople(deps: Deps, actor: Actor, input: z.input<typeof listPeopleSchema> = {}): Promise<PeoplePage> {
  const v = parse(listPeopleSchema, input);
  return inTransaction(deps.db, async (tx) => {
    const access = await peopleAccess(tx, actor);
    let units: number[] | null = access.all ? null : [...access.mine];
    if (v.unitId !== null) {
      const unit = await tx.orgUnit.findUnique({ where: { id: v.unitId }, select: { id: true, name: true } });
      if (!unit) throw new NotFoundError('org.unit_not_found', { id: v.unitId });
      if (!canEditUnit(access, unit.id)) throw new ForbiddenError('org.outside_subtree', { name: unit.name });
      units = subtree(access.tree, unit.id);
    }
    const where: Prisma.PersonWhereInput = {
      ...(units === null ? {} : { unitId: { in: units } }),
      ...(v.role ? { role: v.role } : {}),
      ...(v.status === 'all' ? {} : { active: v.status === 'active' }),
    };
    const skip = (v.page - 1) * v.pageSize;
    let total: number;
    let ids: number[] | null = null;
    if (v.text) {
      // Matched here rather than in SQL: the same case-insensitive match on SQLite and PostgreSQL,
      // over a list of people that stays in the thousands.
      // The name by its characters, pinyin or initials (best match first); then the email or Slack id.
      const needle = v.text.toLowerCase();
      const all = await tx.person.findMany({ where, select: { id: true, name: true, pinyinKey: true, email: true, slackId: true }, orderBy: byName });
      const byNameMatch = rankByName(all, v.text, (p) => ({ name: p.name, pinyinKey: p.pinyinKey, person: true })).map((m) => m.item);
      const named = new Set(byNameMatch.map((p) => p.id));
      const hits = [...byNameMatch, ...all.filter((p) => !named.has(p.id) && [p.email, p.slackId].some((s) => s?.toLowerCase().includes(needle)))];
      total = hits.length;
      ids = hits.slice(skip, skip + v.pageSize).map((p) => p.id);
    } else {
      total = await tx.person.count({ where });
    }
    const people = await tx.person.findMany({
      where: ids === null ? where : { id: { in: ids } },
      include: { unit: { select: { name: true } } },
      orderBy: byName,
      ...(ids === null ? { skip, take: v.pageSize } : {}),
    });
    if (ids !== null) people.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)); // a search's page: best match first
    const stores = await storeCounts(tx, people.map((p) => p.id));
    return {
      rows: people.map((p) => ({ id: p.id, name: p.name, email: p.email, slackId: p.slackId, role: p.role, active: p.active, unitId: p.unitId, unitName: p.unit?.name ?? null, stores: stores.get(p.id) ?? 0 })),
      total,
      page: v.page,
      pageSize: v.pageSize,
      pages: Math.max(1, Math.ceil(total / v.pageSize)),
    };
  });
}

export interface PersonDetail {
  person: Person;
  unitName: string | null;
  stores: number;
  leads: { id: number; name: string }[];
}

export async function getPerson(deps: Deps, actor: Actor, personId: number): Promise<PersonDetail> {
  const id = parse(idSchema, personId);
  return inTransaction(deps.db, async (tx) => {
    const access = await peopleAccess(tx, actor);
    const person = await personFor(tx, access, id);
    const [unit, stores, leads] = await Promise.all([
      person.unitId === null ? null : tx.orgUnit.findUnique({ where: { id: person.unitId }, select: { name: true } }),
      storeCounts(tx, [person.id]),
      tx.orgUnit.findMany({ where: { leadId: person.id }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),
    ]);
    return { person, unitName: unit?.name ?? null, stores: stores.get(person.id) ?? 0, leads };
  });
}

export async function addPerson(deps: Deps, actor: Actor, input: z.input<typeof addPersonSchema>): Promise<Person> {
  const v = parse(addPersonSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const access = await peopleAccess(tx, actor);
    const unitId = v.unitId ?? null;
    await checkPlacement(tx, access, v.role, unitId);
    await checkSlackIdFree(tx, v.slackId, null);
    const person = await tx.person.create({
      data: { name: v.name, ...personSearchKeys(v.name), role: v.role, unitId, email: v.email ?? null, locale: v.locale ?? null, timezone: v.timezone ?? null, slackId: v.slackId ?? null },
    });
    await tx.personChange.create({ data: { personId: person.id, fromRole: null, toRole: person.role, fromUnitId: null, toUnitId: unitId, byId: actor.id, at: now } });
    await audit(tx, { actorId: actor.id, action: 'person.create', entity: 'person', entityId: person.id, after: editable(person), at: now });
    return person;
  });
}

const editable = (p: Person) => ({ name: p.name, role: p.role, unitId: p.unitId, email: p.email, locale: p.locale, timezone: p.timezone, slackId: p.slackId });
type Editable = ReturnType<typeof editable>;

/** Leads that the person's new role or unit no longer allows are cleared (a demoted supervisor leads no team). */
async function dropLeadsNoLongerHeld(tx: Tx, access: OrgAccess, person: Person, actorId: number, now: Date): Promise<void> {
  const led = await tx.orgUnit.findMany({ where: { leadId: person.id }, select: { id: true } });
  for (const u of led) {
    if (!leadProblem(access.tree, u.id, person)) continue;
    await tx.orgUnit.update({ where: { id: u.id }, data: { leadId: null } });
    await audit(tx, { actorId, action: 'unit.lead', entity: 'unit', entityId: u.id, before: { leadId: person.id }, after: { leadId: null }, at: now });
  }
}

/** Only the fields given change; a role or unit change is kept in the person's history. */
export async function updatePerson(deps: Deps, actor: Actor, input: z.input<typeof updatePersonSchema>): Promise<Person> {
  const v = parse(updatePersonSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const access = await peopleAccess(tx, actor);
    const before = await personFor(tx, access, v.personId);
    if (!access.all && before.role === 'admin') throw new ForbiddenError('person.cannot_edit_admin', { name: before.name });
    const old = editable(before);
    const next: Editable = { ...old };
    for (const k of Object.keys(old) as (keyof Editable)[]) {
      if (v[k] !== undefined) (next as Record<string, unknown>)[k] = v[k];
    }
    const roleChanged = next.role !== old.role;
    const unitChanged = next.unitId !== old.unitId;
    if ((roleChanged || unitChanged) && before.id === actor.id) throw new ForbiddenError('person.own_position');
    if (roleChanged || unitChanged) await checkPlacement(tx, access, next.role as Role, next.unitId);
    if (next.slackId !== old.slackId) await checkSlackIdFree(tx, next.slackId, before.id);
    if (roleChanged && next.role === 'admin') {
      const owned = await tx.store.count({ where: { ownerId: before.id } });
      if (owned) throw new ConflictError('person.admin_owns_stores', { name: before.name, count: owned });
    }
    const changed = (Object.keys(old) as (keyof Editable)[]).filter((k) => next[k] !== old[k]);
    if (!changed.length) return before;
    const after = await tx.person.update({ where: { id: before.id }, data: { ...next, ...(next.name !== old.name ? personSearchKeys(next.name) : {}) } });
    if (roleChanged || unitChanged) {
      await tx.personChange.create({ data: { personId: before.id, fromRole: old.role, toRole: next.role, fromUnitId: old.unitId, toUnitId: next.unitId, byId: actor.id, at: now } });
      await dropLeadsNoLongerHeld(tx, access, after, actor.id, now);
    }
    const pick = (o: Editable) => Object.fromEntries(changed.map((k) => [k, o[k]]));
    await audit(tx, { actorId: actor.id, action: 'person.update', entity: 'person', entityId: before.id, before: pick(old), after: pick(next), at: now });
    return after;
  });
}

export interface PersonChangeRow {
  id: number;
  at: Date;
  fromRole: string | null;
  toRole: string;
  fromUnit: { id: number; name: string | null } | null;
  toUnit: { id: number; name: string | null } | null;
  by: { id: number; name: string } | null;
}

/** Role and unit changes, newest first; a unit deleted since keeps its id and loses its name. */
export async function personHistory(deps: Deps, actor: Actor, personId: number): Promise<PersonChangeRow[]> {
  const id = parse(idSchema, personId);
  return inTransaction(deps.db, async (tx) => {
    const access = await peopleAccess(tx, actor);
    await personFor(tx, access, id);
    const rows = await tx.personChange.findMany({ where: { personId: id }, orderBy: [{ at: 'desc' }, { id: 'desc' }] });
    const unitIds = [...new Set(rows.flatMap((r) => [r.fromUnitId, r.toUnitId]).filter((x): x is number => x !== null))];
    const byIds = [...new Set(rows.map((r) => r.byId).filter((x): x is number => x !== null))];
    const [units, by] = await Promise.all([
      tx.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } }),
      tx.person.findMany({ where: { id: { in: byIds } }, select: { id: true, name: true } }),
    ]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const byName = new Map(by.map((p) => [p.id, p.name]));
    const unit = (uid: number | null) => (uid === null ? null : { id: uid, name: unitName.get(uid) ?? null });
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      fromRole: r.fromRole,
      toRole: r.toRole,
      fromUnit: unit(r.fromUnitId),
      toUnit: unit(r.toUnitId),
      by: r.byId === null ? null : { id: r.byId, name: byName.get(r.byId) ?? '?' },
    }));
  });
}

// ---- Slack import -------------------------------------------------------------------------------

/** The fields of a `users.list` member that matter here; Slack sends many more. */
const slackMemberSchema = z.object({
  id: z.string(),
  team_id: z.string().optional(),
  name: z.string().optional(),
  real_name: z.string().optional(),
  deleted: z.boolean().optional(),
  is_bot: z.boolean().optional(),
  tz: z.string().nullable().optional(),
  locale: z.string().optional(),
  profile: z.object({ real_name: z.string().optional(), display_name: z.string().optional(), email: z.string().optional() }).partial().optional(),
});
export type SlackMember = z.input<typeof slackMemberSchema>;

export const slackImportSchema = z.object({ unitId: idSchema, users: z.array(z.unknown()).max(100_000) });

export type SkipReason = 'bot' | 'deleted' | 'invalid' | 'duplicate';
export interface SlackImportReport {
  created: number;
  updated: number;
  unchanged: number;
  skipped: { id: string; name: string; reason: SkipReason }[];
}

interface SlackProfile {
  slackId: string;
  teamId: string | null;
  name: string;
  email?: string;
  locale?: string;
  timezone?: string;
}

/** What a member says about a person; fields Slack left out (no email scope, no locale) are left as they are. */
function profileOf(m: z.output<typeof slackMemberSchema>): SlackProfile | null {
  if (!slackIdSchema.safeParse(m.id).success) return null;
  const name = [m.profile?.real_name, m.real_name, m.profile?.display_name, m.name].map((s) => s?.trim()).find((s) => s);
  if (!name) return null;
  const email = m.profile?.email?.trim();
  return {
    slackId: m.id,
    teamId: m.team_id ?? null,
    name: name.slice(0, 80),
    ...(email && emailSchema.safeParse(email).success ? { email } : {}),
    ...(matchLocale(m.locale) ? { locale: matchLocale(m.locale)! } : {}),
    ...(m.tz && isValidTimeZone(m.tz) ? { timezone: m.tz } : {}),
  };
}

/**
 * Brings the workspace's members in (the `members` of every page of Slack's `users.list`): known Slack
 * ids get their name, email, locale and time zone refreshed; new ones become reps of the chosen unit.
 * Bots, Slackbot and deleted users are skipped (a leaver is deactivated with a handover, not here).
 */
export async function importSlackUsers(deps: Deps, actor: Actor, input: z.input<typeof slackImportSchema>): Promise<SlackImportReport> {
  const v = parse(slackImportSchema, input);
  const now = deps.clock.now();
  if (actor.role !== 'admin') throw new ForbiddenError('person.import_needs_admin');
  return inTransaction(deps.db, async (tx) => {
    await peopleAccess(tx, actor);
    if (!(await tx.orgUnit.findUnique({ where: { id: v.unitId }, select: { id: true } }))) throw fieldError('unitId', 'org.unit_not_found', { id: v.unitId });
    const report: SlackImportReport = { created: 0, updated: 0, unchanged: 0, skipped: [] };
    const profiles: SlackProfile[] = [];
    const seen = new Set<string>();
    for (const raw of v.users) {
      const parsed = slackMemberSchema.safeParse(raw);
      const m = parsed.success ? parsed.data : null;
      const id = m?.id ?? String((raw as { id?: unknown } | null)?.id ?? '?');
      const label = m?.real_name ?? m?.name ?? id;
      const profile = m && profileOf(m);
      const reason: SkipReason | null = !m ? 'invalid' : m.is_bot || m.id === 'USLACKBOT' ? 'bot' : m.deleted ? 'deleted' : !profile ? 'invalid' : seen.has(m.id) ? 'duplicate' : null;
      if (reason || !profile) {
        report.skipped.push({ id, name: label, reason: reason ?? 'invalid' });
        continue;
      }
      seen.add(profile.slackId);
      profiles.push(profile);
    }
    const known = new Map(
      (await tx.person.findMany({ where: { slackId: { in: profiles.map((p) => p.slackId) } } })).map((p) => [p.slackId!, p]),
    );
    const audits: AuditEntry[] = [];
    for (const p of profiles) {
      const person = known.get(p.slackId);
      const data = { name: p.name, ...(p.email ? { email: p.email } : {}), ...(p.locale ? { locale: p.locale } : {}), ...(p.timezone ? { timezone: p.timezone } : {}) };
      if (!person) {
        const created = await tx.person.create({ data: { ...data, ...personSearchKeys(p.name), slackId: p.slackId, slackTeamId: p.teamId, role: 'rep', unitId: v.unitId } });
        await tx.personChange.create({ data: { personId: created.id, fromRole: null, toRole: 'rep', fromUnitId: null, toUnitId: v.unitId, byId: actor.id, at: now } });
        audits.push({ actorId: actor.id, action: 'person.create', entity: 'person', entityId: created.id, after: { ...editable(created), source: 'slack' }, at: now });
        report.created++;
        continue;
      }
      const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => data[k] !== person[k]);
      if (!changed.length) {
        report.unchanged++;
        continue;
      }
      await tx.person.update({ where: { id: person.id }, data: { ...data, ...(data.name !== person.name ? personSearchKeys(data.name) : {}) } });
      const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, o[k]]));
      audits.push({ actorId: actor.id, action: 'person.update', entity: 'person', entityId: person.id, before: pick(person), after: { ...pick(data), source: 'slack' }, at: now });
      report.updated++;
    }
    await auditMany(tx, audits);
    return report;
  });
}

