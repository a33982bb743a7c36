// What the console's region changes share: who may touch which region, and the checks of an outline.
import { z } from 'zod';
import { plainText } from '../validation.ts';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError, ForbiddenError, InvalidInputError, type Issue, type MessageParams } from '../errors.ts';
import { bbox, parseRing, ringsOverlap, type BBox, type LngLat } from '../geo/polygon.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive } from '../org/scope.ts';
import { orgSnapshot } from '../org/snapshot.ts';
import { subtree } from '../org/tree.ts';

export const regionKeySchema = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'region.key_format');
export const regionNameSchema = plainText(z.string().trim().min(1).max(80));

/** Hand-drawn regions have tens of points, administrative borders a few thousand. */
const MAX_POINTS = 10_000;

/** Everything (admin) or the regions of the units in the manager's subtree. */
export interface RegionAccess {
  all: boolean;
  units: Set<number>;
}

export async function regionAccess(db: Db | Tx, actor: Actor): Promise<RegionAccess> {
  assertActive(actor);
  if (actor.role === 'admin') return { all: true, units: new Set() };
  if (actor.role !== 'manager') throw new ForbiddenError('region.needs_manager');
  const { tree } = await orgSnapshot(db);
  return { all: false, units: new Set(actor.unitId === null ? [] : subtree(tree, actor.unitId)) };
}

export const mayEdit = (a: RegionAccess, unitId: number): boolean => a.all || a.units.has(unitId);

export const fieldError = (path: string, key: string, params: MessageParams = {}): InvalidInputError =>
  new InvalidInputError('validation.failed', { field: path, count: 1 }, [{ path, key, params }]);

/**
 * The outline of a form's or a file's polygon (JSON text, `[[lng, lat], …]`, a GeoJSON Polygon or
 * Feature), or the issue at `path` saying what is wrong with it.
 */
export function readOutline(input: unknown, path: string): { ring: LngLat[] } | { issue: Issue } {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { issue: { path, key: 'region.polygon_not_polygon' } };
    }
  }
  const geometry = isRecord(value) && value.type === 'Feature' ? value.geometry : value;
  if (isRecord(geometry) && geometry.type === 'Polygon' && Array.isArray(geometry.coordinates) && geometry.coordinates.length > 1) {
    return { issue: { path, key: 'region.polygon_holes' } };
  }
  const outer: unknown = Array.isArray(geometry) ? geometry : isRecord(geometry) && Array.isArray(geometry.coordinates) ? geometry.coordinates[0] : null;
  if (Array.isArray(outer) && outer.length > MAX_POINTS) {
    return { issue: { path, key: 'region.polygon_too_many_points', params: { max: MAX_POINTS } } };
  }
  try {
    return { ring: parseRing(value) };
  } catch (e) {
    if (e instanceof DomainError) return { issue: { path, key: e.key, params: e.params } };
    throw e;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The error for a bad outline, its sentence saying what is wrong (self-intersection above all). */
export function outlineError(issue: Issue): InvalidInputError {
  const summary = issue.key === 'region.polygon_self_intersecting' ? 'region.outline_crosses_itself' : 'region.outline_invalid';
  return new InvalidInputError(summary, {}, [issue]);
}

export interface StoredRegion {
  id: number;
  key: string;
  name: string;
  polygon: string;
}

/** How a region is named in messages: its name, and its key when that says something more. */
export const regionLabel = (r: { key: string; name: string }): string => (r.key === r.name ? r.name : `${r.name} (${r.key})`);

/** Regions whose bounding box meets `box`: the only ones an outline inside it can overlap. */
export async function regionsNear(tx: Db | Tx, box: BBox): Promise<StoredRegion[]> {
  return tx.region.findMany({
    where: { minLng: { lte: box.maxLng }, maxLng: { gte: box.minLng }, minLat: { lte: box.maxLat }, maxLat: { gte: box.minLat } },
    select: { id: true, key: true, name: true, polygon: true },
    orderBy: { id: 'asc' },
  });
}

/** The first stored region (other than those in `except`) whose interior the outline overlaps. */
export async function overlappingRegion(tx: Db | Tx, ring: LngLat[], except: Set<number>): Promise<StoredRegion | null> {
  for (const other of await regionsNear(tx, bbox(ring))) {
    if (except.has(other.id)) continue;
    if (ringsOverlap(ring, parseRing(JSON.parse(other.polygon)))) return other;
  }
  return null;
}

export function overlapError(other: { key: string; name: string }): InvalidInputError {
  const label = regionLabel(other);
  return new InvalidInputError('region.overlaps_region', { other: label }, [{ path: 'polygon', key: 'region.overlaps', params: { other: label } }]);
}
