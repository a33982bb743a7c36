import type { Db } from '../../db/client.ts';
import { inTransaction } from '../../db/client.ts';
import { DAY_MS } from '../clock.ts';
import type { Settings } from '../settings/settings.ts';
import { loadSettings } from '../settings/settings.ts';

export type Grade = 'A' | 'B' | 'C' | 'D';

/** A: ordered in the last 7 days; B: in the last 30; C: visited in the last 30, no order; D: neither. */
export function computeGrade(
  s: { lastOrderAt: Date | null; lastVisitAt: Date | null },
  now: Date,
  settings: Pick<Settings, 'gradeOrderDaysA' | 'gradeOrderDaysB' | 'gradeVisitDaysC'>,
): Grade {
  const ago = (d: Date | null) => (d ? (now.getTime() - d.getTime()) / DAY_MS : Infinity);
  if (ago(s.lastOrderAt) <= settings.gradeOrderDaysA) return 'A';
  if (ago(s.lastOrderAt) <= settings.gradeOrderDaysB) return 'B';
  if (ago(s.lastVisitAt) <= settings.gradeVisitDaysC) return 'C';
  return 'D';
}

/**
 * Grades drift with time alone (an order ages from A to B): a daily job re-grades every store.
 * Stores are read in pages and only changed grades are written, grouped per grade.
 */
export async function regradeAll(db: Db, now: Date): Promise<{ changed: number }> {
  const settings = await loadSettings(db);
  let changed = 0;
  let after = 0;
  for (;;) {
    const page = await db.store.findMany({
      where: { id: { gt: after } },
      select: { id: true, grade: true, lastOrderAt: true, lastVisitAt: true },
      orderBy: { id: 'asc' },
      take: 5000,
    });
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const byGrade = new Map<Grade, number[]>();
    for (const s of page) {
      const g = computeGrade(s, now, settings);
      if (g !== s.grade) byGrade.set(g, [...(byGrade.get(g) ?? []), s.id]);
    }
    if (byGrade.size) {
      await inTransaction(db, async (tx) => {
        for (const [grade, ids] of byGrade) await tx.store.updateMany({ where: { id: { in: ids } }, data: { grade } });
      });
    }
    for (const ids of byGrade.values()) changed += ids.length;
  }
  return { changed };
}
