import { z } from 'zod';
import { Prisma } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, type Scope } from '../org/scope.ts';
import { parse } from '../validation.ts';

const filterSchema = z.object({
  /** A person's id, or 'system' for entries without one (jobs, the org import, the API). */
  actor: z.union([z.literal('system'), z.number().int().positive()]).optional(),
  action: z.string().trim().min(1).max(80).optional(),
  entity: z.string().trim().min(1).max(40).optional(),
  entityId: z.string().trim().min(1).max(80).optional(),
  from: z.date().optional(),
  /** Exclusive. */
  to: z.date().optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type AuditFilter = z.input<typeof filterSchema>;

export interface AuditRow {
  id: number;
  at: Date;
  actorId: number | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: string | null;
  after: string | null;
}

/**
 * Which entries a lead may read, as SQL on "AuditLog" a: those made by people of its subtree, and
 * those about its units, people, regions and stores. An entry about anything else (an approval, a
 * setting, a token) is not shown to a manager unless someone of its subtree made it: when in doubt,
 * hidden. Raw SQL: a manager's stores may be tens of thousands, read by a subquery, not a list.
 */
function visibleSql(scope: Scope): Prisma.Sql {
  if (scope.all) return Prisma.sql`1 = 1`;
  const texts = (ids: number[]) => Prisma.join(ids.map(String));
  const or: Prisma.Sql[] = [];
  if (scope.memberIds.length) {
    or.push(Prisma.sql`a."actorId" IN (${Prisma.join(scope.memberIds)})`);
    or.push(Prisma.sql`(a."entity" = 'person' AND a."entityId" IN (${texts(scope.memberIds)}))`);
  }
  if (scope.memberUnitIds.length) or.push(Prisma.sql`(a."entity" = 'unit' AND a."entityId" IN (${texts(scope.memberUnitIds)}))`);
  if (scope.ownedRegionIds.length) or.push(Prisma.sql`(a."entity" = 'region' AND a."entityId" IN (${texts(scope.ownedRegionIds)}))`);
  const storeRules: Prisma.Sql[] = [];
  if (scope.memberIds.length) storeRules.push(Prisma.sql`s."ownerId" IN (${Prisma.join(scope.memberIds)})`);
  if (scope.ownedRegionIds.length) storeRules.push(Prisma.sql`s."regionId" IN (${Prisma.join(scope.ownedRegionIds)})`);
  if (storeRules.length) {
    or.push(Prisma.sql`(a."entity" = 'store' AND a."entityId" IN (SELECT CAST(s."id" AS TEXT) FROM "Store" s WHERE ${Prisma.join(storeRules, ' OR ')}))`);
  }
  return or.length ? Prisma.sql`(${Prisma.join(or, ' OR ')})` : Prisma.sql`1 = 0`;
}

function assertLead(actor: Actor): void {
  if (actor.role !== 'admin' && actor.role !== 'manager') throw new ForbiddenError('audit.needs_lead');
}

const asDate = (v: unknown) => new Date(v as string | Date);
const asId = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A page of the audit log, newest first, as the actor may see it. */
export async function listAudit(deps: Deps, actor: Actor, input: AuditFilter): Promise<{ total: number; rows: AuditRow[]; page: number; pageSize: number }> {
  const f = parse(filterSchema, input);
  const { scope } = await scopeFor(deps.db, actor);
  assertLead(actor);
  const where = [visibleSql(scope)];
  if (f.actor === 'system') where.push(Prisma.sql`a."actorId" IS NULL`);
  else if (f.actor !== undefined) where.push(Prisma.sql`a."actorId" = ${f.actor}`);
  if (f.action) where.push(Prisma.sql`a."action" = ${f.action}`);
  if (f.entity) where.push(Prisma.sql`a."entity" = ${f.entity}`);
  if (f.entityId) where.push(Prisma.sql`a."entityId" = ${f.entityId}`);
  if (f.from) where.push(Prisma.sql`a."at" >= ${f.from}`);
  if (f.to) where.push(Prisma.sql`a."at" < ${f.to}`);
  const cond = Prisma.join(where, ' AND ');
  const [counted] = await deps.db.$queryRaw<{ n: number | bigint }[]>`SELECT count(*) AS "n" FROM "AuditLog" a WHERE ${cond}`;
  const rows = await deps.db.$queryRaw<Record<string, unknown>[]>`
    SELECT a."id", a."at", a."actorId", a."action", a."entity", a."entityId", a."before", a."after" FROM "AuditLog" a
    WHERE ${cond} ORDER BY a."at" DESC, a."id" DESC LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`;
  const ids = [...new Set(rows.flatMap((r) => (r.actorId === null ? [] : [Number(r.actorId)])))];
  const people = ids.length ? await deps.db.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [];
  const nameOf = new Map(people.map((p) => [p.id, p.name]));
  return {
    total: Number(counted?.n ?? 0),
    page: f.page,
    pageSize: f.pageSize,
    rows: rows.map((r) => {
      const actorId = asId(r.actorId);
      return {
        id: Number(r.id),
        at: asDate(r.at),
        actorId,
        actorName: actorId === null ? null : (nameOf.get(actorId) ?? null),
        action: String(r.action),
        entity: String(r.entity),
        entityId: String(r.entityId),
        before: (r.before as string | null) ?? null,
        after: (r.after as string | null) ?? null,
      };
    }),
  };
}

/** What the filters offer: the actions and entities in the log, and the people the actor may filter by. */
export async function auditFilterChoices(deps: Deps, actor: Actor): Promise<{ actions: string[]; entities: string[]; people: { id: number; name: string }[] }> {
  const { scope } = await scopeFor(deps.db, actor);
  assertLead(actor);
  const [actions, entities, actors] = await Promise.all([
    deps.db.auditLog.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } }),
    deps.db.auditLog.findMany({ distinct: ['entity'], select: { entity: true }, orderBy: { entity: 'asc' } }),
    deps.db.auditLog.findMany({ distinct: ['actorId'], where: { actorId: scope.all ? { not: null } : { in: scope.memberIds } }, select: { actorId: true } }),
  ]);
  const people = await deps.db.person.findMany({
    where: { id: { in: actors.flatMap((a) => (a.actorId === null ? [] : [a.actorId])) } },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
  return { actions: actions.map((a) => a.action), entities: entities.map((e) => e.entity), people };
}
