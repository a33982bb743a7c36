// Sales regions in the console: the list with store counts, the store dots of the map, drawing a
// region (create or edit), deleting one. GeoJSON import and export are in geojson.ts.
import { z } from 'zod';
import { Prisma, inTransaction, isUniqueViolation, type Db, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import { bbox, parseRing, toGeoJson, type LngLat } from '../geo/polygon.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeVisibleSql } from '../org/scope.ts';
import { idSchema } from '../stores/fields.ts';
import { issuesFromZod, parse } from '../validation.ts';
import { fieldError, mayEdit, outlineError, overlapError, overlappingRegion, readOutline, regionAccess, regionKeySchema, regionNameSchema } from './access.ts';
import { dialectOf } from '../imports/bulk-sql.ts';
import { SqliteWorkerError } from '../imports/sqlite-worker.ts';
import { regionsMeeting, relocateArea, unionBox } from './relocate.ts';
import { newRegionId, saveRegionStaged, type PlannedSave, type SaveOptions } from './save-staged.ts';

export { exportRegions, importRegions, type RegionImportReport } from './geojson.ts';

export interface RegionView {
  id: number;
  key: string;
  name: string;
  unitId: number;
  unitKey: string;
  unitName: string;
  /** Stores in the region, deleted ones left out. */
  storeCount: number;
  /** The outline, open (the first point is not repeated), `[lng, lat]`. */
  ring: LngLat[];
}

const regionWithUnit = { unit: { select: { key: true, name: true } } } as const;

type RegionRow = Prisma.RegionGetPayload<{ include: typeof regionWithUnit }>;

const view = (r: RegionRow, storeCount: number): RegionView => ({
  id: r.id,
  key: r.key,
  name: r.name,
  unitId: r.unitId,
  unitKey: r.unit.key,
  unitName: r.unit.name,
  storeCount,
  ring: parseRing(JSON.parse(r.polygon)),
});

async function storeCounts(db: Deps['db'] | Tx, regionIds: number[]): Promise<Map<number, number>> {
  if (regionIds.length === 0) return new Map();
  const rows = await db.store.groupBy({
    by: ['regionId'],
    where: { regionId: { in: regionIds }, status: { not: 'deleted' } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.regionId!, r._count._all]));
}

/** The regions the actor manages (admin: all; manager: those of its subtree's units), by name. */
export async function listRegions(deps: Deps, actor: Actor): Promise<RegionView[]> {
  const access = await regionAccess(deps.db, actor);
  const rows = await deps.db.region.findMany({
    where: access.all ? {} : { unitId: { in: [...access.units] } },
    include: regionWithUnit,
    orderBy: [{ name: 'asc' }, { key: 'asc' }],
  });
  const counts = await storeCounts(deps.db, rows.map((r) => r.id));
  return rows.map((r) => view(r, counts.get(r.id) ?? 0));
}

export async function getRegion(deps: Deps, actor: Actor, id: number): Promise<RegionView> {
  const access = await regionAccess(deps.db, actor);
  const row = await deps.db.region.findUnique({ where: { id }, include: regionWithUnit });
  // A region outside the actor's subtree reads as not found, so that ids cannot be probed for names.
  if (!row || !mayEdit(access, row.unitId)) throw new NotFoundError('region.not_found', { id });
  const counts = await storeCounts(deps.db, [row.id]);
  return view(row, counts.get(row.id) ?? 0);
}

/** The units a region may be given to: every unit for an admin, the manager's subtree otherwise. */
export async function assignableUnits(deps: Deps, actor: Actor): Promise<{ id: number; key: string; name: string }[]> {
  const access = await regionAccess(deps.db, actor);
  return deps.db.orgUnit.findMany({
    where: access.all ? {} : { id: { in: [...access.units] } },
    select: { id: true, key: true, name: true },
    orderBy: [{ name: 'asc' }, { key: 'asc' }],
  });
}

/**
 * The map's dots: the location of every store the actor may see (not deleted), `[lng, lat]`.
 * Raw and two columns: an admin's map of 100,000 stores must not take seconds to read.
 */
export async function storePoints(deps: Deps, actor: Actor): Promise<LngLat[]> {
  await regionAccess(deps.db, actor);
  const { scope } = await scopeFor(deps.db, actor);
  const rows = await deps.db.$queryRaw<{ lng: number; lat: number }[]>`SELECT s."lng", s."lat" FROM "Store" s
    WHERE s."lng" IS NOT NULL AND s."lat" IS NOT NULL AND ${storeVisibleSql(scope, 's', { viaOwnerAndRegion: true })}`;
  return rows.map((r) => [r.lng, r.lat]);
}

const saveRegionSchema = z.object({
  /** Absent: a new region. */
  id: idSchema.optional(),
  key: regionKeySchema,
  name: regionNameSchema,
  /** null: none chosen (a form's empty choice), refused as a missing field. */
  unitId: idSchema
    .nullable()
    .refine((v) => v !== null, 'validation.required')
    .transform((v) => v!),
});
export type SaveRegionInput = z.input<typeof saveRegionSchema> & {
  /** `[[lng, lat], …]`, a GeoJSON Polygon or Feature, or either as JSON text (a form's field). */
  polygon: unknown;
};

/** The fields and the outline, every problem of both reported at once. */
function parseSave(input: SaveRegionInput): { v: z.output<typeof saveRegionSchema>; ring: LngLat[] } {
  const fields = saveRegionSchema.safeParse(input);
  const outline = readOutline(input.polygon, 'polygon');
  if (fields.success && 'ring' in outline) return { v: fields.data, ring: outline.ring };
  if (fields.success && 'issue' in outline) throw outlineError(outline.issue);
  const issues = [...(fields.success ? [] : issuesFromZod(fields.error)), ...('issue' in outline ? [outline.issue] : [])];
  throw new InvalidInputError('validation.failed', { field: issues[0]!.path, count: issues.length }, issues);
}

export interface SaveRegionResult {
  region: RegionView;
  created: boolean;
  /** Stores whose region changed because of the new outline. */
  moved: number;
}

/**
 * Creates or edits a region. The outline must be a simple polygon overlapping no other region
 * (sharing borders is fine); the stores that the change puts in or out of it are re-assigned.
 *
 * On a SQLite file the stores to move are worked out before a short transaction (save-staged.ts);
 * on PostgreSQL (and an in-memory SQLite) all of it is one transaction, paced between statements.
 */
export async function saveRegion(deps: Deps, actor: Actor, input: SaveRegionInput, o: SaveOptions = {}): Promise<SaveRegionResult> {
  const { v, ring } = parseSave(input);
  const now = deps.clock.now();
  try {
    if (dialectOf(deps.db) === 'sqlite') {
      const saved = await saveRegionStaged(deps, async () => planSave(deps.db, actor, v, ring, await checkSave(deps.db, actor, v, ring)), o);
      if (saved) {
        const row = await deps.db.region.findUniqueOrThrow({ where: { id: saved.ids[0]! }, include: regionWithUnit });
        const counts = await storeCounts(deps.db, [row.id]);
        return { region: view(row, counts.get(row.id) ?? 0), created: v.id === undefined, moved: saved.moved };
      }
    }
    return await inTransaction(deps.db, async (tx) => {
      const { before, unit } = await checkSave(tx, actor, v, ring);
      const box = bbox(ring);
      const data = { key: v.key, name: v.name, unitId: unit.id, polygon: JSON.stringify(toGeoJson(ring)), ...box };
      const row = before
        ? await tx.region.update({ where: { id: before.id }, data, include: regionWithUnit })
        : await tx.region.create({ data, include: regionWithUnit });
      const reshaped = !before || before.polygon !== data.polygon;
      const moved = reshaped ? (await relocateArea(tx, before ? unionBox([boxOf(before), box]) : box)).moved : 0;
      await audit(tx, {
        actorId: actor.id,
        action: before ? 'region.update' : 'region.create',
        entity: 'region',
        entityId: row.id,
        before: before ? described(before) : undefined,
        after: { ...described(row), moved },
        at: now,
      });
      const counts = await storeCounts(tx, [row.id]);
      return { region: view(row, counts.get(row.id) ?? 0), created: !before, moved };
    });
  } catch (e) {
    // Two people creating the same key at once: the second is told as if it had been there before.
    if (isUniqueViolation(e) || (e instanceof SqliteWorkerError && e.code === 'SQLITE_CONSTRAINT_UNIQUE')) throw fieldError('key', 'region.key_taken', { name: v.key });
    throw e;
  }
}

type Unit = { id: number; key: string; name: string };

/** Who may save what, the unit, the key, the overlap: throws what is wrong with the edit. */
async function checkSave(db: Db | Tx, actor: Actor, v: z.output<typeof saveRegionSchema>, ring: LngLat[]): Promise<{ before: RegionRow | null; unit: Unit }> {
  const access = await regionAccess(db, actor);
  const before = v.id === undefined ? null : await db.region.findUnique({ where: { id: v.id }, include: regionWithUnit });
  if (v.id !== undefined && (!before || !mayEdit(access, before.unitId))) throw new NotFoundError('region.not_found', { id: v.id });
  const unit = await db.orgUnit.findUnique({ where: { id: v.unitId }, select: { id: true, key: true, name: true } });
  if (!unit) throw fieldError('unitId', 'region.no_unit');
  if (!mayEdit(access, unit.id)) throw new ForbiddenError('region.unit_outside_subtree', { name: unit.name });

  const holder = await db.region.findUnique({ where: { key: v.key }, select: { id: true, name: true } });
  if (holder && holder.id !== before?.id) throw fieldError('key', 'region.key_taken', { name: holder.name });
  const other = await overlappingRegion(db, ring, new Set(before ? [before.id] : []));
  if (other) throw overlapError(other);
  return { before, unit };
}

/** A checked edit as save-staged.ts writes it: the row, the regions that may take the area's stores, the audit. */
async function planSave(db: Db, actor: Actor, v: z.output<typeof saveRegionSchema>, ring: LngLat[], c: { before: RegionRow | null; unit: Unit }): Promise<PlannedSave> {
  const box = bbox(ring);
  const row = { key: v.key, name: v.name, unitId: c.unit.id, polygon: JSON.stringify(toGeoJson(ring)), ...box };
  const reshaped = !c.before || c.before.polygon !== row.polygon;
  let relocate: PlannedSave['relocate'] = null;
  if (reshaped) {
    const area = c.before ? unionBox([boxOf(c.before), box]) : box;
    // As relocateArea: the regions whose box meets the area, by id; the edited one with its new outline
    // (a new one last, as its id will be the highest).
    const near = (await regionsMeeting(db, area)).filter((r) => r.id !== c.before?.id);
    const edited = { id: c.before?.id ?? newRegionId(0), key: v.key, unitId: c.unit.id, ring, ...box };
    relocate = { area, regions: c.before ? [...near, edited].sort((a, b) => a.id - b.id) : [...near, edited] };
  }
  const after = { key: row.key, name: row.name, unit: c.unit.key, polygon: JSON.parse(row.polygon) as unknown };
  return {
    actorId: actor.id,
    writes: [{ id: c.before?.id ?? null, row, audit: { action: c.before ? 'region.update' : 'region.create', before: c.before ? described(c.before) : undefined, after, auditMoved: true } }],
    remove: null,
    relocate,
  };
}

/**
 * Deletes a region; its stores go to a neighbour sharing the border they lie on, or to no region.
 * On a SQLite file the moves are worked out before a short transaction, as a save's (save-staged.ts).
 */
export async function deleteRegion(deps: Deps, actor: Actor, id: number, o: SaveOptions = {}): Promise<{ key: string; name: string; moved: number }> {
  const regionId = parse(idSchema, id);
  const now = deps.clock.now();
  const find = async (db: Db | Tx) => {
    const access = await regionAccess(db, actor);
    const region = await db.region.findUnique({ where: { id: regionId }, include: regionWithUnit });
    if (!region || !mayEdit(access, region.unitId)) throw new NotFoundError('region.not_found', { id: regionId });
    return region;
  };
  if (dialectOf(deps.db) === 'sqlite') {
    let region: RegionRow | undefined;
    const saved = await saveRegionStaged(deps, async (): Promise<PlannedSave> => {
      region = await find(deps.db);
      const area = boxOf(region);
      const regions = (await regionsMeeting(deps.db, area)).filter((r) => r.id !== regionId);
      return { actorId: actor.id, writes: [], remove: { id: region.id, audit: { before: described(region) } }, relocate: { area, regions } };
    }, o);
    if (saved && region) return { key: region.key, name: region.name, moved: saved.moved };
  }
  return inTransaction(deps.db, async (tx) => {
    const region = await find(tx);
    const { moved } = await relocateArea(tx, boxOf(region), { without: region.id });
    // Stores placed in it without a location of their own.
    const rest = await tx.$executeRaw`UPDATE "Store" SET "regionId" = NULL, "updatedAt" = ${now} WHERE "regionId" = ${region.id}`;
    await tx.region.delete({ where: { id: region.id } });
    await audit(tx, { actorId: actor.id, action: 'region.delete', entity: 'region', entityId: region.id, before: described(region), after: { moved: moved + rest }, at: now });
    return { key: region.key, name: region.name, moved: moved + rest };
  });
}

const boxOf = (r: { minLng: number; minLat: number; maxLng: number; maxLat: number }) => ({ minLng: r.minLng, minLat: r.minLat, maxLng: r.maxLng, maxLat: r.maxLat });

/** What the audit log keeps of a region. */
const described = (r: RegionRow) => ({ key: r.key, name: r.name, unit: r.unit.key, polygon: JSON.parse(r.polygon) as unknown });
