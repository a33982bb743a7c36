import type { Prisma } from '../../db/client.ts';
import type { Scope } from '../org/scope.ts';

/**
 * The visits of a store a person may read (PRODUCT.md "Roles and what they see"): a rep its own and
 * those of leads, a lead those of its subtree as well, an admin all.
 */
export function visitsVisibleWhere(scope: Scope, storeId: number): Prisma.VisitWhereInput {
  if (scope.all) return { storeId };
  const or: Prisma.VisitWhereInput[] = [{ personId: scope.actor.id }, { person: { role: { not: 'rep' } } }];
  if (scope.memberIds.length) or.push({ personId: { in: scope.memberIds } });
  return { storeId, OR: or };
}
