import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive, scopeFor } from '../org/scope.ts';
import { orgSnapshot } from '../org/snapshot.ts';
import { subtree } from '../org/tree.ts';
import { parse } from '../validation.ts';
import { rankByName } from '../search/match.ts';

// The people a lead may hand stores to (transfer, assign): active, not admins, in the lead's
// subtree (everyone, for an admin). The domain checks again when the transfer is made.

export const teamQuerySchema = z.object({
  text: z.string().trim().max(100).default(''),
  /** Left out of the list, e.g. the store's current owner. */
  excludeId: z.number().int().positive().nullable().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

export interface TeamMember {
  id: number;
  name: string;
  role: string;
  unitName: string | null;
}

/** By name; `more` when the limit cut the list. Reps are refused (they hand nothing over). */
export async function transferTargets(deps: Deps, actor: Actor, input: z.input<typeof teamQuerySchema> = {}): Promise<{ people: TeamMember[]; more: boolean }> {
  const v = parse(teamQuerySchema, input);
  if (actor.role === 'rep') throw new ForbiddenError('pool.needs_lead');
  const { scope } = await scopeFor(deps.db, actor);
  if (!scope.all && !scope.memberUnitIds.length) return { people: [], more: false };
  return peopleOf(deps, scope.all ? null : scope.memberUnitIds, v.excludeId ? [v.excludeId] : [], v);
}

/**
 * The people a rep may ask to hand one of its stores to (a transfer request): its own team's, not
 * itself. Whoever approves it transfers within its own team, and checks again then.
 */
export async function requestTransferTargets(deps: Deps, actor: Actor, input: z.input<typeof teamQuerySchema> = {}): Promise<{ people: TeamMember[]; more: boolean }> {
  const v = parse(teamQuerySchema, input);
  assertActive(actor);
  if (actor.unitId === null) return { people: [], more: false };
  const { tree } = await orgSnapshot(deps.db);
  return peopleOf(deps, subtree(tree, actor.unitId), [actor.id, ...(v.excludeId ? [v.excludeId] : [])], v);
}

/** Active people who are not admins, of some units (null: of all), by name. */
async function peopleOf(deps: Deps, unitIds: number[] | null, excludeIds: number[], v: z.output<typeof teamQuerySchema>): Promise<{ people: TeamMember[]; more: boolean }> {
  const rows = await deps.db.person.findMany({
    where: {
      active: true,
      role: { not: 'admin' },
      ...(unitIds === null ? {} : { unitId: { in: unitIds } }),
      ...(excludeIds.length ? { id: { notIn: excludeIds } } : {}),
    },
    select: { id: true, name: true, pinyinKey: true, role: true, unit: { select: { name: true } } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  // By name, pinyin or initials (`zhangwei`, `zw`), best match first.
  const matching = v.text ? rankByName(rows, v.text, (r) => ({ name: r.name, pinyinKey: r.pinyinKey, person: true })).map((m) => m.item) : rows;
  return {
    people: matching.slice(0, v.limit).map((r) => ({ id: r.id, name: r.name, role: r.role, unitName: r.unit?.name ?? null })),
    more: matching.length > v.limit,
  };
}
