import type { Tx } from '../../db/client.ts';
import { dayKey } from '../time/zone.ts';

/** `CRM` + local date + daily sequence: CRM202611220001. The counter row is upserted atomically. */
export async function nextStoreCode(tx: Tx, now: Date, timezone: string): Promise<string> {
  const day = dayKey(now, timezone);
  const seq = await tx.storeCodeSeq.upsert({
    where: { day },
    create: { day, last: 1 },
    update: { last: { increment: 1 } },
  });
  return `CRM${day}${String(seq.last).padStart(4, '0')}`;
}

/**
 * `count` consecutive codes of the same day reserved in one statement (imports): the counter jumps by
 * `count`, so codes handed out meanwhile by `nextStoreCode` never collide with these. Returns the i-th
 * code (0-based) on demand: 100,000 codes need not sit in memory.
 */
export async function reserveStoreCodes(tx: Tx, now: Date, timezone: string, count: number): Promise<(i: number) => string> {
  const day = dayKey(now, timezone);
  const seq = await tx.storeCodeSeq.upsert({
    where: { day },
    create: { day, last: count },
    update: { last: { increment: count } },
  });
  const first = seq.last - count + 1;
  return (i) => `CRM${day}${String(first + i).padStart(4, '0')}`;
}
