import { z } from 'zod';
import { inTransaction, type Db, type Tx } from '../../db/client.ts';
import { auditMany, type AuditEntry } from '../audit/audit.ts';
import { addDaysUtc } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { DomainError, InvalidInputError, type Issue } from '../errors.ts';
import { bbox, parseRing, ringsOverlap, toGeoJson, type LngLat } from '../geo/polygon.ts';
import { roleSchema } from '../org/roles.ts';
import { RegionIndex, loadRegionIndex } from '../regions/locate.ts';
import { loadSettings, settingsSchema, writeSettings } from '../settings/settings.ts';
import { nextStoreCode } from '../stores/code.ts';
import { addressSchema, latSchema, lngSchema, phoneSchema, storeNameSchema, storeStageSchema, storeStatusSchema } from '../stores/fields.ts';
import { nameKey, phoneKey } from '../stores/normalize.ts';
import { isValidTimeZone } from '../time/zone.ts';
import { issuesFromZod } from '../validation.ts';
import { relocateStores } from '../regions/relocate.ts';

const keySchema = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
const slackIdSchema = z.string().trim().regex(/^[UW][A-Z0-9]{2,20}$/);
export const locales = ['en', 'zh-CN'] as const;

export const orgFileSchema = z
  .object({
    settings: settingsSchema.partial().strict().optional(),
    units: z.array(z.object({ key: keySchema, name: z.string().trim().min(1).max(80), parent: keySchema.optional(), lead: slackIdSchema.optional() }).strict()).default([]),
    people: z
      .array(
        z
          .object({
            slackId: slackIdSchema,
            name: z.string().trim().min(1).max(80),
            role: roleSchema,
            unit: keySchema.optional(),
            email: z.string().trim().max(120).pipe(z.email()).optional(),
            locale: z.enum(locales).optional(),
            timezone: z.string().trim().max(64).optional(),
            active: z.boolean().optional(),
          })
          .strict(),
      )
      .default([]),
    regions: z.array(z.object({ key: keySchema, name: z.string().trim().min(1).max(80), unit: keySchema, polygon: z.unknown() }).strict()).default([]),
    stores: z
      .array(
        z
          .object({
            name: storeNameSchema,
            phone: phoneSchema.optional(),
            address: addressSchema.optional(),
            lng: lngSchema,
            lat: latSchema,
            owner: slackIdSchema.optional(),
            status: storeStatusSchema.optional(),
            stage: storeStageSchema.optional(),
            source: z.string().trim().min(1).max(40).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type OrgFile = z.infer<typeof orgFileSchema>;

export interface ImportReport {
  units: { created: number; updated: number };
  people: { created: number; updated: number };
  regions: { created: number; updated: number };
  stores: { created: number; updated: number; relocated: number };
  settings: number;
}

interface Known {
  units: Set<string>;
  people: Map<string, string>; // slackId → role
  regions: Map<string, LngLat[]>;
}

async function loadKnown(db: Db | Tx): Promise<Known> {
  const [units, people, regions] = await Promise.all([
    db.orgUnit.findMany({ select: { key: true } }),
    db.person.findMany({ select: { slackId: true, role: true } }),
    db.region.findMany({ select: { key: true, polygon: true } }),
  ]);
  return {
    units: new Set(units.map((u) => u.key)),
    people: new Map(people.map((p) => [p.slackId, p.role])),
    regions: new Map(regions.map((r) => [r.key, parseRing(JSON.parse(r.polygon))])),
  };
}

const issue = (path: string, key: string, params?: Issue['params']): Issue => ({ path, key, params });

/** Every problem of a parsed file, by path, against the file itself and what the database holds. */
function checkReferences(file: OrgFile, known: Known, rings: Map<number, LngLat[]>): Issue[] {
  const issues: Issue[] = [];
  const unitKeys = new Set([...known.units, ...file.units.map((u) => u.key)]);
  const people = new Map(known.people);
  for (const p of file.people) people.set(p.slackId, p.role);

  const dup = <T>(items: T[], key: (t: T) => string, path: string, field: string) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) issues.push(issue(`${path}[${i}].${field}`, 'import.duplicate', { value: k, first: `${path}[${seen.get(k)}]` }));
      else seen.set(k, i);
    });
  };
  dup(file.units, (u) => u.key, 'units', 'key');
  dup(file.people, (p) => p.slackId, 'people', 'slackId');
  dup(file.regions, (r) => r.key, 'regions', 'key');
  dup(file.stores.filter((s) => s.phone), (s) => phoneKey(s.phone) ?? '', 'stores', 'phone');

  const parentOf = new Map(file.units.map((u) => [u.key, u.parent]));
  file.units.forEach((u, i) => {
    if (u.parent && !unitKeys.has(u.parent)) issues.push(issue(`units[${i}].parent`, 'import.no_unit', { value: u.parent }));
    if (u.lead && !people.has(u.lead)) issues.push(issue(`units[${i}].lead`, 'import.no_person', { value: u.lead }));
    const seen = new Set<string>([u.key]);
    for (let p = u.parent; p; p = parentOf.get(p)) {
      if (seen.has(p)) {
        issues.push(issue(`units[${i}].parent`, 'import.unit_cycle', { value: u.key }));
        break;
      }
      seen.add(p);
    }
  });
  file.people.forEach((p, i) => {
    if (p.unit && !unitKeys.has(p.unit)) issues.push(issue(`people[${i}].unit`, 'import.no_unit', { value: p.unit }));
    if (!p.unit && p.role !== 'admin') issues.push(issue(`people[${i}].unit`, 'import.unit_required', { role: p.role }));
    if (p.timezone && !isValidTimeZone(p.timezone)) issues.push(issue(`people[${i}].timezone`, 'import.bad_timezone', { value: p.timezone }));
  });
  if (file.settings?.timezone && !isValidTimeZone(file.settings.timezone)) {
    issues.push(issue('settings.timezone', 'import.bad_timezone', { value: file.settings.timezone }));
  }
  file.regions.forEach((r, i) => {
    if (!unitKeys.has(r.unit)) issues.push(issue(`regions[${i}].unit`, 'import.no_unit', { value: r.unit }));
    try {
      rings.set(i, parseRing(r.polygon));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      issues.push(issue(`regions[${i}].polygon`, e.key, e.params));
    }
  });
  // The regions as they will be: the database's, replaced or joined by the file's.
  const finalRings = new Map(known.regions);
  file.regions.forEach((r, i) => rings.has(i) && finalRings.set(r.key, rings.get(i)!));
  file.regions.forEach((r, i) => {
    const ring = rings.get(i);
    if (!ring) return;
    for (const [otherKey, other] of finalRings) {
      if (otherKey !== r.key && ringsOverlap(ring, other)) {
        issues.push(issue(`regions[${i}].polygon`, 'region.overlaps', { other: otherKey }));
      }
    }
  });
  const index = new RegionIndex(
    [...finalRings].map(([key, ring], id) => ({ id, key, unitId: 0, ring, ...bbox(ring) })),
  );
  file.stores.forEach((s, i) => {
    if (s.owner && !people.has(s.owner)) issues.push(issue(`stores[${i}].owner`, 'import.no_person', { value: s.owner }));
    else if (s.owner && people.get(s.owner) === 'admin') issues.push(issue(`stores[${i}].owner`, 'pool.admin_cannot_own'));
    if (!index.locate(s.lng, s.lat)) issues.push(issue(`stores[${i}]`, 'store.outside_regions', { lng: s.lng, lat: s.lat }));
  });
  return issues;
}

/** Validates the whole file; throws InvalidInputError listing every problem, or returns the parsed file. */
export async function validateOrgFile(db: Db | Tx, input: unknown): Promise<{ file: OrgFile; rings: Map<number, LngLat[]> }> {
  const parsed = orgFileSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError('import.invalid', { count: issues.length }, issues);
  }
  const rings = new Map<number, LngLat[]>();
  const issues = checkReferences(parsed.data, await loadKnown(db), rings);
  if (issues.length) throw new InvalidInputError('import.invalid', { count: issues.length }, issues);
  return { file: parsed.data, rings };
}

/**
 * Applies an org file in one transaction; re-applying the same file changes nothing. Units are matched
 * by key, people by Slack id, regions by key, stores by phone (else by name within their region).
 * Stores take their region from their point, never from the file.
 */
export async function importOrg(deps: Deps, input: unknown, opts: { dryRun?: boolean } = {}): Promise<ImportReport> {
  const now = deps.clock.now();
  const { file, rings } = await validateOrgFile(deps.db, input);
  const report: ImportReport = {
    units: { created: 0, updated: 0 },
    people: { created: 0, updated: 0 },
    regions: { created: 0, updated: 0 },
    stores: { created: 0, updated: 0, relocated: 0 },
    settings: 0,
  };
  const run = async (tx: Tx) => {
    const audits: AuditEntry[] = [];
    const log = (action: string, entity: string, entityId: string | number, after: unknown) =>
      audits.push({ actorId: null, action, entity, entityId, after, at: now });
    if (file.settings) {
      await writeSettings(tx, file.settings);
      report.settings = Object.keys(file.settings).length;
      log('settings.import', 'settings', 'all', file.settings);
    }
    const settings = await loadSettings(tx);

    const unitIds = new Map<string, number>();
    for (const u of file.units) {
      const existing = await tx.orgUnit.findUnique({ where: { key: u.key } });
      const row = existing
        ? await tx.orgUnit.update({ where: { id: existing.id }, data: { name: u.name } })
        : await tx.orgUnit.create({ data: { key: u.key, name: u.name } });
      report.units[existing ? 'updated' : 'created']++;
      unitIds.set(u.key, row.id);
      log(existing ? 'unit.update' : 'unit.create', 'unit', row.id, u);
    }
    const unitId = async (key: string) =>
      unitIds.get(key) ?? (await tx.orgUnit.findUniqueOrThrow({ where: { key }, select: { id: true } })).id;
    for (const u of file.units) {
      await tx.orgUnit.update({ where: { key: u.key }, data: { parentId: u.parent ? await unitId(u.parent) : null } });
    }

    const personIds = new Map<string, number>();
    for (const p of file.people) {
      const data = {
        name: p.name,
        role: p.role,
        unitId: p.unit ? await unitId(p.unit) : null,
        email: p.email ?? null,
        locale: p.locale ?? null,
        timezone: p.timezone ?? null,
        ...(p.active === undefined ? {} : { active: p.active, deactivatedAt: p.active ? null : now }),
      };
      const existing = await tx.person.findUnique({ where: { slackId: p.slackId }, select: { id: true } });
      const row = existing
        ? await tx.person.update({ where: { id: existing.id }, data })
        : await tx.person.create({ data: { slackId: p.slackId, ...data } });
      report.people[existing ? 'updated' : 'created']++;
      personIds.set(p.slackId, row.id);
      log(existing ? 'person.update' : 'person.create', 'person', row.id, p);
    }
    const personId = async (slackId: string) =>
      personIds.get(slackId) ?? (await tx.person.findUniqueOrThrow({ where: { slackId }, select: { id: true } })).id;
    for (const u of file.units) {
      if (u.lead) await tx.orgUnit.update({ where: { key: u.key }, data: { leadId: await personId(u.lead) } });
    }

    let regionsChanged = false;
    for (const [i, r] of file.regions.entries()) {
      const ring = rings.get(i)!;
      const polygon = JSON.stringify(toGeoJson(ring));
      const data = { name: r.name, unitId: await unitId(r.unit), polygon, ...bbox(ring) };
      const existing = await tx.region.findUnique({ where: { key: r.key } });
      if (existing && existing.polygon !== polygon) regionsChanged = true;
      if (!existing) regionsChanged = true;
      const row = existing ? await tx.region.update({ where: { id: existing.id }, data }) : await tx.region.create({ data: { key: r.key, ...data } });
      report.regions[existing ? 'updated' : 'created']++;
      log(existing ? 'region.update' : 'region.create', 'region', row.id, { key: r.key, name: r.name, unit: r.unit });
    }
    if (regionsChanged) report.stores.relocated = (await relocateStores(tx)).moved;

    const index = await loadRegionIndex(tx);
    for (const s of file.stores) {
      const region = index.locate(s.lng, s.lat)!;
      const pk = phoneKey(s.phone);
      const existing = pk
        ? await tx.store.findFirst({ where: { phoneKey: pk, status: { not: 'deleted' } }, orderBy: { id: 'asc' } })
        : await tx.store.findFirst({ where: { nameKey: nameKey(s.name), regionId: region.id, status: { not: 'deleted' } }, orderBy: { id: 'asc' } });
      // Without an owner in the file, an existing store keeps whoever claimed it meanwhile.
      const ownerId = s.owner ? await personId(s.owner) : existing ? existing.ownerId : null;
      const status = s.status ?? existing?.status ?? 'active';
      const sameOwner = !!existing && existing.ownerId === ownerId && status === 'active';
      const ownership = sameOwner
        ? {}
        : ownerId !== null && status === 'active'
          ? { ownerId, claimedAt: now, protectedUntil: addDaysUtc(now, settings.protectionDays) }
          : { ownerId: null, claimedAt: null, protectedUntil: null, isCustomer: false, customerSince: null };
      const data = {
        name: s.name,
        nameKey: nameKey(s.name),
        phone: s.phone ?? null,
        phoneKey: pk,
        address: s.address ?? existing?.address ?? null,
        lng: s.lng,
        lat: s.lat,
        regionId: region.id,
        status,
        ...(s.stage ? { stage: s.stage } : {}),
        ...ownership,
      };
      const row = existing
        ? await tx.store.update({ where: { id: existing.id }, data })
        : await tx.store.create({ data: { ...data, code: await nextStoreCode(tx, now, settings.timezone), source: s.source ?? 'import' } });
      if (!sameOwner && (row.ownerId !== null || existing?.ownerId)) {
        await tx.claimHistory.create({
          data: { storeId: row.id, action: row.ownerId !== null ? 'assign' : 'release', fromOwnerId: existing?.ownerId ?? null, toOwnerId: row.ownerId, reason: 'import', protectedUntil: row.protectedUntil, at: now },
        });
      }
      report.stores[existing ? 'updated' : 'created']++;
      log(existing ? 'store.update' : 'store.create', 'store', row.id, { ...s, code: row.code });
    }
    await auditMany(tx, audits);
    if (opts.dryRun) throw new DryRunDone();
  };
  try {
    await inTransaction(deps.db, run);
  } catch (e) {
    if (!(e instanceof DryRunDone)) throw e;
  }
  return report;
}

/** Rolls the dry run's transaction back once the report is complete. */
class DryRunDone extends Error {}
