import type { Db, Tx } from '../../db/client.ts';
import { parseRing, pointInRing, type LngLat } from '../geo/polygon.ts';

export interface IndexedRegion {
  id: number;
  key: string;
  unitId: number;
  ring: LngLat[];
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** All regions in memory for bulk point-in-polygon (imports, re-assignment after an edit). */
export class RegionIndex {
  constructor(readonly regions: IndexedRegion[]) {}

  /** The region containing the point; with overlapping data, the first by id wins. */
  locate(lng: number, lat: number): IndexedRegion | null {
    for (const r of this.regions) {
      if (lng < r.minLng || lng > r.maxLng || lat < r.minLat || lat > r.maxLat) continue;
      if (pointInRing(lng, lat, r.ring)) return r;
    }
    return null;
  }
}

export async function loadRegionIndex(db: Db | Tx): Promise<RegionIndex> {
  const rows = await db.region.findMany({ orderBy: { id: 'asc' } });
  return new RegionIndex(rows.map((r) => ({ ...r, ring: parseRing(JSON.parse(r.polygon)) })));
}

/** One point: only the regions whose bounding box holds it are read. */
export async function regionAt(db: Db | Tx, lng: number, lat: number): Promise<IndexedRegion | null> {
  const rows = await db.region.findMany({
    where: { minLng: { lte: lng }, maxLng: { gte: lng }, minLat: { lte: lat }, maxLat: { gte: lat } },
    orderBy: { id: 'asc' },
  });
  return new RegionIndex(rows.map((r) => ({ ...r, ring: parseRing(JSON.parse(r.polygon)) }))).locate(lng, lat);
}
