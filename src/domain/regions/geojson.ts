// Regions in and out as GeoJSON: a FeatureCollection of Polygon features with the properties key,
// name and unit (the unit's key). An import is all or nothing and reports every bad feature.
import { z } from 'zod';
import { inTransaction, type Db, type Tx } from '../../db/client.ts';
import { auditMany, type AuditEntry } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, InvalidInputError, type Issue } from '../errors.ts';
import { bbox, parseRing, ringsOverlap, toGeoJson, type BBox, type GeoJsonPolygon, type LngLat } from '../geo/polygon.ts';
import type { Actor } from '../org/roles.ts';
import { issuesFromZod } from '../validation.ts';
import { mayEdit, readOutline, regionAccess, regionKeySchema, regionLabel, regionNameSchema } from './access.ts';
import { dialectOf } from '../imports/bulk-sql.ts';
import { noPace, type Pace } from '../imports/pace.ts';
import type { IndexedRegion } from './locate.ts';
import { regionsMeeting, relocateArea, unionBox } from './relocate.ts';
import { newRegionId, saveRegionStaged, type PlannedSave, type RegionWrite, type SaveOptions } from './save-staged.ts';

export interface RegionFeature {
  type: 'Feature';
  properties: { key: string; name: string; unit: string };
  geometry: GeoJsonPolygon;
}

export interface RegionCollection {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

/** The regions the actor manages, as a FeatureCollection (by key, so that exports compare well). */
export async function exportRegions(deps: Deps, actor: Actor): Promise<RegionCollection> {
  const access = await regionAccess(deps.db, actor);
  const rows = await deps.db.region.findMany({
    where: access.all ? {} : { unitId: { in: [...access.units] } },
    include: { unit: { select: { key: true } } },
    orderBy: { key: 'asc' },
  });
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      properties: { key: r.key, name: r.name, unit: r.unit.key },
      geometry: JSON.parse(r.polygon) as GeoJsonPolygon,
    })),
  };
}

export interface RegionImportReport {
  created: number;
  updated: number;
  /** Stores whose region changed. */
  moved: number;
}

const MAX_FEATURES = 5_000;

const propertiesSchema = z.object({ key: regionKeySchema, name: regionNameSchema, unit: regionKeySchema });

interface Parsed {
  index: number;
  key: string;
  name: string;
  unit: string;
  ring: LngLat[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The file's features, each checked on its own; every problem is listed by its feature's index. */
function readFeatures(input: unknown, issues: Issue[]): Parsed[] {
  let value = input;
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value.replace(/^\uFEFF/, ''));
    } catch {
      throw new InvalidInputError('region.import_not_json');
    }
  }
  if (!isRecord(value) || value.type !== 'FeatureCollection' || !Array.isArray(value.features)) {
    throw new InvalidInputError('region.import_not_collection', { type: isRecord(value) && typeof value.type === 'string' ? value.type : typeof value });
  }
  if (value.features.length === 0) throw new InvalidInputError('region.import_empty');
  if (value.features.length > MAX_FEATURES) throw new InvalidInputError('region.import_too_many', { max: MAX_FEATURES });
  const parsed: Parsed[] = [];
  value.features.forEach((feature: unknown, index) => {
    const at = `features[${index}]`;
    if (!isRecord(feature) || feature.type !== 'Feature') {
      issues.push({ path: at, key: 'region.import_not_feature', params: { index } });
      return;
    }
    const props = propertiesSchema.safeParse(feature.properties ?? {});
    if (!props.success) issues.push(...issuesFromZod(props.error, [`${at}.properties`]));
    const geometry = feature.geometry;
    const type = isRecord(geometry) && typeof geometry.type === 'string' ? geometry.type : null;
    if (type !== 'Polygon') {
      issues.push({ path: `${at}.geometry`, key: type ? 'region.geometry_not_polygon' : 'region.geometry_missing', params: { index, type: type ?? '' } });
      return;
    }
    const outline = readOutline(geometry, `${at}.geometry`);
    if ('issue' in outline) issues.push(outline.issue);
    if (props.success && 'ring' in outline) parsed.push({ index, ...props.data, ring: outline.ring });
  });
  return parsed;
}

/**
 * Creates the file's regions and replaces those whose key exists. Nothing is written unless every
 * feature is good: a polygon, known unit, no duplicate key, no overlap with another feature or with
 * a region the file leaves in place. The stores are re-assigned once, at the end.
 *
 * On a SQLite file the file is checked and the stores' moves worked out before one short transaction
 * (save-staged.ts, as a single region's save); elsewhere it is all one transaction.
 */
export async function importRegions(deps: Deps, actor: Actor, input: unknown, o: SaveOptions = {}): Promise<RegionImportReport> {
  const now = deps.clock.now();
  if (dialectOf(deps.db) === 'sqlite') {
    let checked: Checked | undefined;
    const saved = await saveRegionStaged(deps, async (pace) => {
      checked = await check(deps.db, actor, input, pace);
      return plan(deps.db, actor, checked);
    }, o);
    if (saved && checked) return { created: checked.features.filter((f) => !checked!.existing.has(f.key)).length, updated: checked.features.filter((f) => checked!.existing.has(f.key)).length, moved: saved.moved };
  }
  return inTransaction(deps.db, async (tx) => {
    const { features, units, existing } = await check(tx, actor, input, noPace);
    const report: RegionImportReport = { created: 0, updated: 0, moved: 0 };
    const changedBoxes: BBox[] = [];
    const audits: AuditEntry[] = [];
    for (const f of features) {
      const box = bbox(f.ring);
      const data = { key: f.key, name: f.name, unitId: units.get(f.unit)!, polygon: JSON.stringify(toGeoJson(f.ring)), ...box };
      const before = existing.get(f.key);
      const row = before ? await tx.region.update({ where: { id: before.id }, data }) : await tx.region.create({ data });
      report[before ? 'updated' : 'created']++;
      if (!before || before.polygon !== data.polygon) changedBoxes.push(box, ...(before ? [before] : []));
      audits.push({ actorId: actor.id, entity: 'region', entityId: row.id, ...auditOf(f, data.polygon, before), at: now });
    }
    if (changedBoxes.length) report.moved = (await relocateArea(tx, unionBox(changedBoxes))).moved;
    await auditMany(tx, audits);
    return report;
  });
}

type ExistingRegion = { id: number; key: string; name: string; polygon: string; unitId: number; unit: { key: string }; minLng: number; minLat: number; maxLng: number; maxLat: number };
interface Checked {
  features: Parsed[];
  units: Map<string, number>;
  existing: Map<string, ExistingRegion>;
}

const auditOf = (f: Parsed, polygon: string, before: ExistingRegion | undefined) => ({
  action: before ? 'region.update' : 'region.create',
  before: before ? { key: before.key, name: before.name, unit: before.unit.key, polygon: JSON.parse(before.polygon) as unknown } : undefined,
  after: { key: f.key, name: f.name, unit: f.unit, polygon: JSON.parse(polygon) as unknown, source: 'geojson' },
});

/** The file read and checked against the database as it is: throws every problem at once. */
async function check(db: Db | Tx, actor: Actor, input: unknown, pace: Pace): Promise<Checked> {
  const access = await regionAccess(db, actor);
  const issues: Issue[] = [];
  const features = readFeatures(input, issues);

  const units = new Map((await db.orgUnit.findMany({ select: { id: true, key: true } })).map((u) => [u.key, u.id]));
  const existing = new Map(
    (await db.region.findMany({ where: { key: { in: features.map((f) => f.key) } }, include: { unit: { select: { key: true } } } })).map((r) => [r.key, r]),
  );
  const firstOfKey = new Map<string, number>();
  for (const f of features) {
    const at = `features[${f.index}]`;
    const unitId = units.get(f.unit);
    if (unitId === undefined) issues.push({ path: `${at}.properties.unit`, key: 'import.no_unit', params: { value: f.unit } });
    const before = existing.get(f.key);
    if ((unitId !== undefined && !mayEdit(access, unitId)) || (before && !mayEdit(access, before.unitId))) {
      throw new ForbiddenError('region.import_outside_subtree', { index: f.index, key: f.key, unit: before && !mayEdit(access, before.unitId) ? before.unit.key : f.unit });
    }
    const first = firstOfKey.get(f.key);
    if (first === undefined) firstOfKey.set(f.key, f.index);
    else issues.push({ path: `${at}.properties.key`, key: 'import.duplicate', params: { value: f.key, first: `features[${first}]` } });
  }

  // Overlaps: with the file's earlier features, and with stored regions the file does not replace.
  const replaced = new Set([...existing.values()].map((r) => r.id));
  const kept = (await db.region.findMany({ select: { id: true, key: true, name: true, polygon: true }, orderBy: { id: 'asc' } }))
    .filter((r) => !replaced.has(r.id))
    .map((r) => ({ ...r, ring: parseRing(JSON.parse(r.polygon)) }));
  for (const [i, f] of features.entries()) {
    // Every pair of outlines: thousands of polygon tests for a file of a few hundred regions.
    await pace();
    const at = `features[${f.index}].geometry`;
    const clash = features.slice(0, i).find((g) => g.key !== f.key && ringsOverlap(f.ring, g.ring));
    if (clash) issues.push({ path: at, key: 'region.overlaps', params: { other: `${clash.key} (features[${clash.index}])` } });
    const other = kept.find((r) => ringsOverlap(f.ring, r.ring));
    if (other) issues.push({ path: at, key: 'region.overlaps', params: { other: regionLabel(other) } });
  }
  if (issues.length) throw new InvalidInputError('import.invalid', { count: issues.length }, issues);
  return { features, units, existing };
}

/**
 * The checked file as save-staged.ts writes it: each region's row and audit, and the regions that may
 * take the stores of the changed area — those stored, with the file's outlines for the ones it
 * replaces, then the new ones in the file's order (as their ids will be).
 */
async function plan(db: Db, actor: Actor, c: Checked): Promise<PlannedSave> {
  const writes: RegionWrite[] = [];
  const changedBoxes: BBox[] = [];
  const edited = new Map<number, IndexedRegion>();
  const created: IndexedRegion[] = [];
  for (const f of c.features) {
    const box = bbox(f.ring);
    const unitId = c.units.get(f.unit)!;
    const row = { key: f.key, name: f.name, unitId, polygon: JSON.stringify(toGeoJson(f.ring)), ...box };
    const before = c.existing.get(f.key);
    writes.push({ id: before?.id ?? null, row, audit: auditOf(f, row.polygon, before) });
    if (before && before.polygon === row.polygon) continue;
    changedBoxes.push(box, ...(before ? [before] : []));
    const indexed = { id: before?.id ?? newRegionId(created.length), key: f.key, unitId, ring: f.ring, ...box };
    if (before) edited.set(before.id, indexed);
    else created.push(indexed);
  }
  if (!changedBoxes.length) return { actorId: actor.id, writes, remove: null, relocate: null };
  const area = unionBox(changedBoxes);
  const stored = (await regionsMeeting(db, area)).map((r) => edited.get(r.id) ?? r);
  return { actorId: actor.id, writes, remove: null, relocate: { area, regions: [...stored, ...created] } };
}
