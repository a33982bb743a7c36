import type { Tx } from '../../db/client.ts';
import { loadRegionIndex } from './locate.ts';

const PAGE = 5000;

/**
 * After regions change, every store with a location takes the region its point falls in (or none).
 * Reads in pages, writes only the stores that moved, one update per destination region and page.
 */
export async function relocateStores(tx: Tx): Promise<{ moved: number }> {
  const index = await loadRegionIndex(tx);
  let moved = 0;
  let after = 0;
  for (;;) {
    const page = await tx.store.findMany({
      where: { id: { gt: after }, lng: { not: null }, lat: { not: null } },
      select: { id: true, lng: true, lat: true, regionId: true },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const byRegion = new Map<number | null, number[]>();
    for (const s of page) {
      const regionId = index.locate(s.lng!, s.lat!)?.id ?? null;
      if (regionId !== s.regionId) byRegion.set(regionId, [...(byRegion.get(regionId) ?? []), s.id]);
    }
    for (const [regionId, ids] of byRegion) {
      await tx.store.updateMany({ where: { id: { in: ids } }, data: { regionId } });
      moved += ids.length;
    }
  }
  return { moved };
}
