import { csvRows } from '../csv-cells.ts';
import type { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor } from '../org/scope.ts';
import { formatDateTime } from '../time/zone.ts';
import { parse } from '../validation.ts';
import { searchedFilter, storeFilterSchema, storeFilterWhere } from './console-list.ts';

// The stores the actor sees, with the console list's filters, as CSV: UTF-8 with a byte-order mark
// (without it, Excel reads Chinese as mojibake), CRLF line ends, written a page at a time so that
// 100,000 stores never sit in memory. The owner column holds what the import reads back (Slack id,
// else e-mail), so an exported file can be edited and imported again.

export const exportColumns = [
  'code', 'name', 'phone', 'address', 'lng', 'lat', 'region', 'owner', 'ownerName',
  'status', 'stage', 'grade', 'source', 'protectedUntil', 'lastVisitAt', 'createdAt',
] as const;
export type ExportColumn = (typeof exportColumns)[number];

const PAGE = 1_000;

/** Kept for callers of the store export; every export writes its cells through csvCell. */
export { safeCell } from '../csv-cells.ts';

export interface StoreExport {
  /** Header text of each column, in the reader's language. */
  labels: Record<ExportColumn, string>;
  timezone: string;
  /** Receives the file a piece at a time; awaited (a slow client slows the export, not the memory). */
  write(chunk: string): Promise<void> | void;
}

export async function exportStores(deps: Deps, actor: Actor, filterInput: z.input<typeof storeFilterSchema>, out: StoreExport): Promise<{ rows: number }> {
  const f = parse(storeFilterSchema, filterInput);
  const { scope } = await scopeFor(deps.db, actor);
  const where = (await searchedFilter(deps, actor, scope, f))?.where ?? storeFilterWhere(scope, f);
  const when = (d: Date | null) => (d ? formatDateTime(d, out.timezone) : '');
  await out.write(`\ufeff${csvRows([exportColumns.map((c) => out.labels[c])])}`);
  let rows = 0;
  let after = 0;
  for (;;) {
    const page = await deps.db.store.findMany({
      where: { AND: [where, { id: { gt: after } }] },
      orderBy: { id: 'asc' },
      take: PAGE,
      select: {
        id: true, code: true, name: true, phone: true, address: true, lng: true, lat: true, status: true, stage: true, grade: true,
        source: true, protectedUntil: true, lastVisitAt: true, createdAt: true,
        region: { select: { name: true } },
        owner: { select: { name: true, slackId: true, email: true } },
      },
    });
    if (!page.length) break;
    after = page[page.length - 1]!.id;
    rows += page.length;
    const records = page.map((s) => {
      // csvRows neutralises every text cell (csv-cells.ts); lng and lat are numbers the app stored.
      const cells: Record<ExportColumn, string | number | null> = {
        code: s.code,
        name: s.name,
        phone: s.phone ?? '',
        address: s.address ?? '',
        lng: s.lng,
        lat: s.lat,
        region: s.region?.name ?? '',
        owner: s.owner ? (s.owner.slackId ?? s.owner.email ?? '') : '',
        ownerName: s.owner?.name ?? '',
        status: s.status,
        stage: s.stage,
        grade: s.grade,
        source: s.source,
        protectedUntil: when(s.protectedUntil),
        lastVisitAt: when(s.lastVisitAt),
        createdAt: when(s.createdAt),
      };
      return exportColumns.map((c) => cells[c]);
    });
    await out.write(csvRows(records));
    if (page.length < PAGE) break;
  }
  return { rows };
}
