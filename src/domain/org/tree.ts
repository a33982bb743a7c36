import type { Db, Tx } from '../../db/client.ts';

// The org tree is small (hundreds of units): it is read whole and walked in memory.
export interface UnitNode {
  id: number;
  parentId: number | null;
}

export interface OrgTree {
  parentOf: Map<number, number | null>;
  childrenOf: Map<number, number[]>;
}

export async function loadTree(db: Db | Tx): Promise<OrgTree> {
  const units = await db.orgUnit.findMany({ select: { id: true, parentId: true } });
  return buildTree(units);
}

export function buildTree(units: UnitNode[]): OrgTree {
  const parentOf = new Map<number, number | null>();
  const childrenOf = new Map<number, number[]>();
  for (const u of units) {
    parentOf.set(u.id, u.parentId);
    if (u.parentId !== null) childrenOf.set(u.parentId, [...(childrenOf.get(u.parentId) ?? []), u.id]);
  }
  return { parentOf, childrenOf };
}

/** The unit and everything below it. */
export function subtree(tree: OrgTree, unitId: number): number[] {
  const out: number[] = [];
  const stack = [unitId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.includes(id)) continue; // a cycle in bad data must not loop forever
    out.push(id);
    stack.push(...(tree.childrenOf.get(id) ?? []));
  }
  return out;
}

/** The unit's parents, nearest first (the unit itself excluded). */
export function ancestors(tree: OrgTree, unitId: number): number[] {
  const out: number[] = [];
  let cur = tree.parentOf.get(unitId) ?? null;
  while (cur !== null && !out.includes(cur)) {
    out.push(cur);
    cur = tree.parentOf.get(cur) ?? null;
  }
  return out;
}

export function rootOf(tree: OrgTree, unitId: number): number {
  const up = ancestors(tree, unitId);
  return up.length ? up[up.length - 1]! : unitId;
}

export const isWithin = (tree: OrgTree, unitId: number | null, topId: number): boolean =>
  unitId !== null && (unitId === topId || ancestors(tree, unitId).includes(topId));
