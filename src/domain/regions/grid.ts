import { bbox, pointInRing, type BBox } from '../geo/polygon.ts';
import type { IndexedRegion } from './locate.ts';

/** Cells per side at most: 200 regions over a city give a few regions per cell. */
const MAX_SIDE = 128;

/**
 * RegionIndex's answer for many points: the regions are bucketed by a uniform grid over their
 * extent, so a point is tested against the few regions whose box meets its cell, not all of them.
 * Within a cell the regions keep their order (by id), so with overlapping data the same one wins.
 */
export class RegionGrid {
  private readonly extent: BBox;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cellW: number;
  private readonly cellH: number;
  private readonly cells: IndexedRegion[][];

  constructor(regions: IndexedRegion[]) {
    this.extent = regions.length
      ? bbox(regions.flatMap((r) => [[r.minLng, r.minLat] as [number, number], [r.maxLng, r.maxLat] as [number, number]]))
      : { minLng: 0, minLat: 0, maxLng: 0, maxLat: 0 };
    const side = Math.min(MAX_SIDE, Math.max(1, Math.ceil(Math.sqrt(regions.length) * 2)));
    this.cols = side;
    this.rows = side;
    this.cellW = (this.extent.maxLng - this.extent.minLng) / side || 1;
    this.cellH = (this.extent.maxLat - this.extent.minLat) / side || 1;
    this.cells = Array.from({ length: side * side }, () => []);
    for (const r of regions) {
      const [c0, c1] = [this.col(r.minLng), this.col(r.maxLng)];
      const [r0, r1] = [this.row(r.minLat), this.row(r.maxLat)];
      for (let y = r0; y <= r1; y++) for (let x = c0; x <= c1; x++) this.cells[y * this.cols + x]!.push(r);
    }
  }

  private col(lng: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((lng - this.extent.minLng) / this.cellW)));
  }

  private row(lat: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((lat - this.extent.minLat) / this.cellH)));
  }

  locate(lng: number, lat: number): IndexedRegion | null {
    const e = this.extent;
    if (lng < e.minLng || lng > e.maxLng || lat < e.minLat || lat > e.maxLat) return null;
    for (const r of this.cells[this.row(lat) * this.cols + this.col(lng)]!) {
      if (lng < r.minLng || lng > r.maxLng || lat < r.minLat || lat > r.maxLat) continue;
      if (pointInRing(lng, lat, r.ring)) return r;
    }
    return null;
  }
}
