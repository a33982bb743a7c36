import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor } from '../org/scope.ts';
import { parse } from '../validation.ts';

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
  const rows = await deps.db.person.findMany({
    where: {
      active: true,
      role: { not: 'admin' },
      ...(scope.all ? {} : { unitId: { in: scope.memberUnitIds } }),
      ...(v.excludeId ? { id: { not: v.excludeId } } : {}),
    },
    select: { id: true, name: true, role: true, unit: { select: { name: true } } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  const needle = v.text.toLowerCase();
  const matching = needle ? rows.filter((r) => r.name.toLowerCase().includes(needle)) : rows;
  return {
    people: matching.slice(0, v.limit).map((r) => ({ id: r.id, name: r.name, role: r.role, unitName: r.unit?.name ?? null })),
    more: matching.length > v.limit,
  };
}
