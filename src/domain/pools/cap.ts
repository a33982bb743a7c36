import type { Db, Tx } from '../../db/client.ts';

/** Stores that count toward a person's cap: owned and not yet a customer. */
export function countTowardCap(db: Db | Tx, personId: number): Promise<number> {
  return db.store.count({ where: { ownerId: personId, isCustomer: false } });
}

export interface PoolUsage {
  held: number;
  cap: number;
  customers: number;
}

export async function poolUsage(db: Db | Tx, personId: number, cap: number): Promise<PoolUsage> {
  const [held, customers] = await Promise.all([
    countTowardCap(db, personId),
    db.store.count({ where: { ownerId: personId, isCustomer: true } }),
  ]);
  return { held, cap, customers };
}
