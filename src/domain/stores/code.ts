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
