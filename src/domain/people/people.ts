import { z } from 'zod';
import { inTransaction, type Db, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { parse } from '../validation.ts';
import { NotFoundError } from '../errors.ts';
import { roleSchema, type Actor } from '../org/roles.ts';
import { loadSettings } from '../settings/settings.ts';

const actorSelect = { id: true, name: true, role: true, unitId: true, active: true, locale: true, timezone: true } as const;

type ActorRow = { id: number; name: string; role: string; unitId: number | null; active: boolean; locale: string | null; timezone: string | null };

const toActor = (p: ActorRow): Actor => ({ ...p, role: roleSchema.parse(p.role) });

export async function actorById(db: Db | Tx, id: number): Promise<Actor> {
  const p = await db.person.findUnique({ where: { id }, select: actorSelect });
  if (!p) throw new NotFoundError('person.not_found', { id });
  return toActor(p);
}

/** A person's name (a message after an action that named them by id); null when there is no such person. */
export async function personName(deps: Deps, id: number): Promise<string | null> {
  if (!Number.isInteger(id)) return null;
  const p = await deps.db.person.findUnique({ where: { id }, select: { name: true } });
  return p?.name ?? null;
}

/** null when the Slack user is not a person of the company (the caller explains how to get access). */
export async function actorBySlackId(db: Db | Tx, slackId: string): Promise<Actor | null> {
  const p = await db.person.findUnique({ where: { slackId }, select: actorSelect });
  return p ? toActor(p) : null;
}

/**
 * Who a Slack user is for the adapter that serves it: the person (null when it is none of the
 * company's), and the company's time zone, spoken in when the person has none of its own.
 */
export async function slackUser(deps: Deps, slackId: string): Promise<{ actor: Actor | null; timezone: string }> {
  const [actor, settings] = await Promise.all([actorBySlackId(deps.db, slackId), loadSettings(deps.db)]);
  return { actor, timezone: settings.timezone };
}

/**
 * Serialises changes to one person's pool: the first statement of a transaction that checks a cap.
 * A write takes the row lock on PostgreSQL and the write lock on SQLite, so a burst of claims by one
 * rep is counted one after another.
 */
export async function lockPerson(tx: Tx, personId: number): Promise<void> {
  // Raw: on the claim path every statement counts, and the lock must not touch updatedAt.
  await tx.$executeRaw`UPDATE "Person" SET "lockVersion" = "lockVersion" + 1 WHERE "id" = ${personId}`;
}

/** A person chooses the language Seaboard speaks to them. */
export async function setLocale(deps: Deps, actor: Actor, locale: string): Promise<void> {
  const v = parse(z.enum(['en', 'zh-CN']), locale);
  const now = deps.clock.now();
  await inTransaction(deps.db, async (tx) => {
    await tx.person.update({ where: { id: actor.id }, data: { locale: v } });
    await audit(tx, { actorId: actor.id, action: 'person.locale', entity: 'person', entityId: actor.id, before: { locale: actor.locale }, after: { locale: v }, at: now });
  });
}

/** Whether the company has anyone yet (an empty database: the sandbox loads the demo company). */
export async function hasPeople(db: Db): Promise<boolean> {
  return (await db.person.count({ take: 1 })) > 0;
}

export interface SlackPerson {
  slackId: string;
  name: string;
  role: string;
  unitName: string | null;
  locale: string | null;
  /** Their own, else the company's. */
  timezone: string;
  active: boolean;
}

/** Everyone with a Slack id, as a workspace knows them (the sandbox's stand-in Slack answers users.info from this). */
export async function slackPeople(db: Db): Promise<SlackPerson[]> {
  const [people, settings] = await Promise.all([
    db.person.findMany({ where: { slackId: { not: null } }, select: { slackId: true, name: true, role: true, locale: true, timezone: true, active: true, unit: { select: { name: true } } } }),
    loadSettings(db),
  ]);
  return people.map((p) => ({ slackId: p.slackId!, name: p.name, role: p.role, unitName: p.unit?.name ?? null, locale: p.locale, timezone: p.timezone ?? settings.timezone, active: p.active }));
}
