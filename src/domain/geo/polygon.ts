// Planar polygon helpers for sales regions, in plain lng/lat degrees (regions are small enough that
// treating degrees as a flat plane is fine; rings crossing the antimeridian are not supported).
import { InvalidInputError } from '../errors.ts';

export type LngLat = [number, number];

export interface BBox {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: LngLat[][];
}

// Boundary tolerance in degrees (about 0.1 mm on the ground): far above float rounding at these
// magnitudes (~1e-14) and far below anything drawn on a map. It keeps a border shared by two
// neighbouring regions "shared" even when one side has an extra vertex in the middle of the edge.
const EPS = 1e-9;
const EPS2 = EPS * EPS;

/** The open outer ring of a `[lng, lat][]`, GeoJSON Polygon or Feature<Polygon>; validated. */
export function parseRing(input: unknown): LngLat[] {
  const points = outerRing(input).map(toPosition);
  for (const [lng, lat] of points) {
    if (lng < -180 || lng > 180 || lat < -90 || lat > 90) {
      throw new InvalidInputError('region.polygon_out_of_range');
    }
  }
  const ring = withoutRepeats(points);
  const count = new Set(ring.map(([lng, lat]) => `${lng},${lat}`)).size;
  if (count < 3) throw new InvalidInputError('region.polygon_too_few_points', { count });
  if (hasZeroArea(ring) || isSelfIntersecting(ring)) {
    throw new InvalidInputError('region.polygon_self_intersecting');
  }
  return ring;
}

/** A closed, counter-clockwise (RFC 7946) GeoJSON Polygon for an open ring. */
export function toGeoJson(ring: LngLat[]): GeoJsonPolygon {
  const open = ring.length > 1 && samePoint(ring[0]!, ring[ring.length - 1]!) ? ring.slice(0, -1) : ring;
  // Reverse but keep the same first vertex, so the stored text changes as little as possible.
  const ccw = signedArea(open) >= 0 ? open : [open[0]!, ...open.slice(1).reverse()];
  const coords = ccw.map(([lng, lat]): LngLat => [lng, lat]);
  if (coords.length > 0) coords.push([coords[0]![0], coords[0]![1]]);
  return { type: 'Polygon', coordinates: [coords] };
}

export function bbox(ring: LngLat[]): BBox {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const [lng, lat] of ring) {
    if (lng < minLng) minLng = lng;
    if (lng > maxLng) maxLng = lng;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return { minLng, minLat, maxLng, maxLat };
}

/** Ray casting; a point on the boundary (within ~0.1 mm) counts as inside. */
export function pointInRing(lng: number, lat: number, ring: LngLat[]): boolean {
  return locate(lng, lat, ring) !== OUTSIDE;
}

/**
 * Whether the interiors overlap. Rings that only share edges or vertices do not: neighbouring
 * sales regions share their borders.
 */
export function ringsOverlap(a: LngLat[], b: LngLat[]): boolean {
  const ba = bbox(a);
  const bb = bbox(b);
  if (
    ba.maxLng - bb.minLng <= EPS ||
    bb.maxLng - ba.minLng <= EPS ||
    ba.maxLat - bb.minLat <= EPS ||
    bb.maxLat - ba.minLat <= EPS
  ) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (crossProperly(a[i]!, a[(i + 1) % a.length]!, b[j]!, b[(j + 1) % b.length]!)) return true;
    }
  }
  // No edges cross, so each boundary lies inside, outside or along the other one, piece by piece.
  const aInB = boundaryAgainst(a, b);
  if (aInB === INSIDE || boundaryAgainst(b, a) === INSIDE) return true;
  // A boundary lying entirely along the other one encloses the same region.
  return aInB === ON_BOUNDARY;
}

// ---------------------------------------------------------------------------------------------

const INSIDE = 1;
const ON_BOUNDARY = 0;
const OUTSIDE = -1;
type Location = typeof INSIDE | typeof ON_BOUNDARY | typeof OUTSIDE;

const notPolygon = () => new InvalidInputError('region.polygon_not_polygon');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function outerRing(input: unknown): unknown[] {
  if (Array.isArray(input)) return input;
  const geometry = isRecord(input) && input.type === 'Feature' ? input.geometry : input;
  if (isRecord(geometry) && geometry.type === 'Polygon' && Array.isArray(geometry.coordinates)) {
    const outer: unknown = geometry.coordinates[0];
    if (Array.isArray(outer)) return outer;
  }
  throw notPolygon();
}

// GeoJSON positions may carry an altitude as a third number; it is dropped.
function toPosition(p: unknown): LngLat {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3) throw notPolygon();
  if (!p.every((v) => typeof v === 'number' && Number.isFinite(v))) throw notPolygon();
  return [p[0] as number, p[1] as number];
}

const samePoint = (a: LngLat, b: LngLat) => a[0] === b[0] && a[1] === b[1];

function withoutRepeats(points: LngLat[]): LngLat[] {
  const ring: LngLat[] = [];
  for (const p of points) {
    const last = ring[ring.length - 1];
    if (!last || !samePoint(last, p)) ring.push(p);
  }
  while (ring.length > 1 && samePoint(ring[0]!, ring[ring.length - 1]!)) ring.pop();
  return ring;
}

/** Twice the signed area of triangle abc: > 0 when counter-clockwise. */
const orient = (a: LngLat, b: LngLat, c: LngLat) =>
  (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

// Fan from the first vertex: coordinates relative to it keep the products small and precise.
function signedArea(ring: LngLat[]): number {
  let twice = 0;
  for (let i = 1; i + 1 < ring.length; i++) twice += orient(ring[0]!, ring[i]!, ring[i + 1]!);
  return twice / 2;
}

// Collinear points rarely give exactly zero in floating point, so the area is compared with the
// size of the products it was computed from.
function hasZeroArea(ring: LngLat[]): boolean {
  const [x0, y0] = ring[0]!;
  let twice = 0;
  let scale = 0;
  for (let i = 1; i + 1 < ring.length; i++) {
    const ax = ring[i]![0] - x0;
    const ay = ring[i]![1] - y0;
    const bx = ring[i + 1]![0] - x0;
    const by = ring[i + 1]![1] - y0;
    twice += ax * by - ay * bx;
    scale += Math.abs(ax * by) + Math.abs(ay * bx);
  }
  return Math.abs(twice) <= 1e-10 * scale;
}

const onSegmentBox = (p: LngLat, a: LngLat, b: LngLat) =>
  p[0] >= Math.min(a[0], b[0]) &&
  p[0] <= Math.max(a[0], b[0]) &&
  p[1] >= Math.min(a[1], b[1]) &&
  p[1] <= Math.max(a[1], b[1]);

/** Exact test: the closed segments ab and cd share at least one point. */
function segmentsTouch(a: LngLat, b: LngLat, c: LngLat, d: LngLat): boolean {
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && onSegmentBox(a, c, d)) ||
    (d2 === 0 && onSegmentBox(b, c, d)) ||
    (d3 === 0 && onSegmentBox(c, a, b)) ||
    (d4 === 0 && onSegmentBox(d, a, b))
  );
}

function isSelfIntersecting(ring: LngLat[]): boolean {
  const n = ring.length;
  const next = (i: number) => ring[(i + 1) % n]!;
  for (let i = 0; i < n; i++) {
    // Adjacent edges share a vertex by construction; they are only wrong when one doubles back
    // along the other (a spike).
    const [a, b, c] = [ring[i]!, next(i), next((i + 1) % n)];
    if (orient(a, b, c) === 0 && (a[0] - b[0]) * (c[0] - b[0]) + (a[1] - b[1]) * (c[1] - b[1]) > 0) return true;
  }
  // Sweep along longitude: only edges whose longitude ranges overlap are compared, which keeps
  // large rings (administrative borders) fast.
  const edges = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => Math.min(ring[i]![0], next(i)[0]) - Math.min(ring[j]![0], next(j)[0]),
  );
  for (let k = 0; k < n; k++) {
    const i = edges[k]!;
    const maxLng = Math.max(ring[i]![0], next(i)[0]);
    for (let m = k + 1; m < n; m++) {
      const j = edges[m]!;
      if (Math.min(ring[j]![0], next(j)[0]) > maxLng) break;
      const gap = Math.abs(i - j);
      if (gap === 1 || gap === n - 1) continue; // adjacent
      if (segmentsTouch(ring[i]!, next(i), ring[j]!, next(j))) return true;
    }
  }
  return false;
}

/** Squared distance from (x, y) to the segment (x1, y1)-(x2, y2). */
function distSq(x: number, y: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((x - x1) * dx + (y - y1) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = x1 + t * dx - x;
  const ey = y1 + t * dy - y;
  return ex * ex + ey * ey;
}

const nearSegment = (p: LngLat, a: LngLat, b: LngLat) => distSq(p[0], p[1], a[0], a[1], b[0], b[1]) <= EPS2;

// Hot path (bulk imports): no allocation, and most edges are dismissed by two comparisons.
function locate(x: number, y: number, ring: LngLat[]): Location {
  let inside = false;
  const n = ring.length;
  let prev = ring[n - 1]!;
  for (let i = 0; i < n; i++) {
    const q = prev;
    const p = ring[i]!;
    prev = p;
    const y1 = p[1];
    const y2 = q[1];
    if ((y1 > y + EPS && y2 > y + EPS) || (y1 < y - EPS && y2 < y - EPS)) continue;
    const x1 = p[0];
    const x2 = q[0];
    if (
      x >= (x1 < x2 ? x1 : x2) - EPS &&
      x <= (x1 > x2 ? x1 : x2) + EPS &&
      distSq(x, y, x1, y1, x2, y2) <= EPS2
    ) {
      return ON_BOUNDARY;
    }
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside ? INSIDE : OUTSIDE;
}

/** The segments cross at a single interior point, clear of each other's endpoints. */
function crossProperly(a: LngLat, b: LngLat, c: LngLat, d: LngLat): boolean {
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  if (!(((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))) return false;
  return !nearSegment(a, c, d) && !nearSegment(b, c, d) && !nearSegment(c, a, b) && !nearSegment(d, a, b);
}

/**
 * Where `ring`'s boundary lies relative to `other`, assuming no edges cross properly: INSIDE if
 * any piece of it is inside, ON_BOUNDARY if all of it runs along other's boundary, else OUTSIDE.
 * Each edge is cut at other's vertices lying on it; every piece is then wholly inside, outside or
 * along other's boundary, so testing its midpoint is enough.
 */
function boundaryAgainst(ring: LngLat[], other: LngLat[]): Location {
  let allOn = true;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len2 = dx * dx + dy * dy;
    if (len2 === 0) continue;
    const cuts = [0, 1];
    for (const v of other) {
      if (nearSegment(v, a, b)) cuts.push(((v[0] - a[0]) * dx + (v[1] - a[1]) * dy) / len2);
    }
    cuts.sort((s, t) => s - t);
    for (let k = 1; k < cuts.length; k++) {
      const t0 = Math.max(0, cuts[k - 1]!);
      const t1 = Math.min(1, cuts[k]!);
      if ((t1 - t0) * (t1 - t0) * len2 <= 4 * EPS2) continue; // a sliver shorter than the tolerance
      const t = (t0 + t1) / 2;
      const where = locate(a[0] + t * dx, a[1] + t * dy, other);
      if (where === INSIDE) return INSIDE;
      if (where === OUTSIDE) allOn = false;
    }
  }
  return allOn ? ON_BOUNDARY : OUTSIDE;
}
