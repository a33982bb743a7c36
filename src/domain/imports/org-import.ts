import { z } from 'zod';
import { inTransaction, type Db, type Tx } from '../../db/client.ts';
import { auditMany, type AuditEntry } from '../audit/audit.ts';
import { addDaysUtc } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { DomainError, InvalidInputError, type Issue } from '../errors.ts';
import { bbox, parseRing, ringsOverlap, toGeoJson, type LngLat } from '../geo/polygon.ts';
import { roleSchema } from '../org/roles.ts';
import { RegionIndex, loadRegionIndex } from '../regions/locate.ts';
import { loadSettings, settingsPatchSchema, writeSettings } from '../settings/settings.ts';
import { nextStoreCode } from '../stores/code.ts';
import { addressSchema, latSchema, lngSchema, phoneSchema, storeNameSchema, storeStageSchema, storeStatusSchema } from '../stores/fields.ts';
import { nameKey, phoneKey } from '../stores/normalize.ts';
import { isValidTimeZone } from '../time/zone.ts';
import { issuesFromZod } from '../validation.ts';
import { relocateStores } from '../regions/relocate.ts';
import { personSearchKeys, searchKeys } from '../search/keys.ts';
import { matchLocale } from '../../i18n/locale.ts';

const keySchema = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
const slackIdSchema = z.string().trim().regex(/^[UW][A-Z0-9]{2,20}$/);

const unitSchema = z.object({ key: keySchema, name: z.string().trim().min(1).max(80), parent: keySchema.optional(), lead: slackIdSchema.optional() }).strict();
const personSchema = z
  .object({
    slackId: slackIdSchema,
    name: z.string().trim().min(1).max(80),
    role: roleSchema,
    unit: keySchema.optional(),
    email: z.string().trim().max(120).pipe(z.email()).optional(),
    // Any locale tag (`en-US`, `zh-Hans`, `zh_CN`): mapped to a catalog; one we have none for is a warning.
    locale: z.string().trim().max(35).optional(),
    timezone: z.string().trim().max(64).optional(),
    active: z.boolean().optional(),
  })
  .strict();
const regionSchema = z.object({ key: keySchema, name: z.string().trim().min(1).max(80), unit: keySchema, polygon: z.unknown() }).strict();
const storeSchema = z
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
  .strict();

/** The file's outline; each list item is checked on its own so that one bad row hides no other problem. */
const envelopeSchema = z
  .object({
    settings: settingsPatchSchema.optional(),
    units: z.array(z.unknown()).default([]),
    people: z.array(z.unknown()).default([]),
    regions: z.array(z.unknown()).default([]),
    stores: z.array(z.unknown()).max(100_000).default([]),
  })
  .strict();

export const orgFileSchema = envelopeSchema.extend({
  units: z.array(unitSchema).default([]),
  people: z.array(personSchema).default([]),
  regions: z.array(regionSchema).default([]),
  stores: z.array(storeSchema).default([]),
});
export type OrgFile = z.infer<typeof orgFileSchema>;

export interface ImportReport {
  units: { created: number; updated: number };
  people: { created: number; updated: number };
  regions: { created: number; updated: number };
  stores: { created: number; updated: number; relocated: number };
  settings: number;
  /** What was read differently from the file without refusing it: a locale tag with no catalog. */
  warnings: Issue[];
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
    people: new Map(people.flatMap((p) => (p.slackId ? [[p.slackId, p.role] as const] : []))),
    regions: new Map(regions.map((r) => [r.key, parseRing(JSON.parse(r.polygon))])),
  };
}

const issue = (path: string, key: string, params?: Issue['params']): Issue => ({ path, key, params });

/** Every problem of a parsed file, by path, against the file itself and what the database holds. */
const present = <T>(rows: Rows<T>): [number, T][] => rows.flatMap((r, i) => (r === undefined ? [] : [[i, r] as [number, T]]));

function checkReferences(file: CheckedFile, known: Known, rings: Map<number, LngLat[]>): Issue[] {
  const issues: Issue[] = [];
  const units = present(file.units);
  const people = present(file.people);
  const regions = present(file.regions);
  const stores = present(file.stores);
  const unitKeys = new Set([...known.units, ...units.map(([, u]) => u.key)]);
  const roleOf = new Map(known.people);
  for (const [, p] of people) roleOf.set(p.slackId, p.role);

  const dup = <T>(items: [number, T][], key: (t: T) => string | null, path: string, field: string) => {
    const seen = new Map<string, number>();
    for (const [i, item] of items) {
      const k = key(item);
      if (k === null) continue;
      if (seen.has(k)) issues.push(issue(`${path}[${i}].${field}`, 'import.duplicate', { value: k, first: `${path}[${seen.get(k)}]` }));
      else seen.set(k, i);
    }
  };
  dup(units, (u) => u.key, 'units', 'key');
  dup(people, (p) => p.slackId, 'people', 'slackId');
  dup(regions, (r) => r.key, 'regions', 'key');
  dup(stores, (s) => phoneKey(s.phone), 'stores', 'phone');

  const parentOf = new Map(units.map(([, u]) => [u.key, u.parent]));
  for (const [i, u] of units) {
    if (u.parent && !unitKeys.has(u.parent)) issues.push(issue(`units[${i}].parent`, 'import.no_unit', { value: u.parent }));
    if (u.lead && !roleOf.has(u.lead)) issues.push(issue(`units[${i}].lead`, 'import.no_person', { value: u.lead }));
    const seen = new Set<string>([u.key]);
    for (let p = u.parent; p; p = parentOf.get(p)) {
      if (seen.has(p)) {
        issues.push(issue(`units[${i}].parent`, 'import.unit_cycle', { value: u.key }));
        break;
      }
      seen.add(p);
    }
  }
  for (const [i, p] of people) {
    if (p.unit && !unitKeys.has(p.unit)) issues.push(issue(`people[${i}].unit`, 'import.no_unit', { value: p.unit }));
    if (!p.unit && p.role !== 'admin') issues.push(issue(`people[${i}].unit`, 'import.unit_required', { role: p.role }));
    if (p.timezone && !isValidTimeZone(p.timezone)) issues.push(issue(`people[${i}].timezone`, 'import.bad_timezone', { value: p.timezone }));
  }
  if (file.settings?.timezone && !isValidTimeZone(file.settings.timezone)) {
    issues.push(issue('settings.timezone', 'import.bad_timezone', { value: file.settings.timezone }));
  }
  for (const [i, r] of regions) {
    if (!unitKeys.has(r.unit)) issues.push(issue(`regions[${i}].unit`, 'import.no_unit', { value: r.unit }));
    try {
      rings.set(i, parseRing(r.polygon));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      issues.push(issue(`regions[${i}].polygon`, e.key, e.params));
    }
  }
  // The regions as they will be: the database's, replaced or joined by the file's.
  const finalRings = new Map(known.regions);
  for (const [i, r] of regions) if (rings.has(i)) finalRings.set(r.key, rings.get(i)!);
  for (const [i, r] of regions) {
    const ring = rings.get(i);
    if (!ring) continue;
    for (const [otherKey, other] of finalRings) {
      if (otherKey !== r.key && ringsOverlap(ring, other)) issues.push(issue(`regions[${i}].polygon`, 'region.overlaps', { other: otherKey }));
    }
  }
  const index = new RegionIndex([...finalRings].map(([key, ring], id) => ({ id, key, unitId: 0, ring, ...bbox(ring) })));
  for (const [i, s] of stores) {
    if (s.owner && !roleOf.has(s.owner)) issues.push(issue(`stores[${i}].owner`, 'import.no_person', { value: s.owner }));
    else if (s.owner && roleOf.get(s.owner) === 'admin') issues.push(issue(`stores[${i}].owner`, 'pool.admin_cannot_own'));
    if (!index.locate(s.lng, s.lat)) issues.push(issue(`stores[${i}]`, 'store.outside_regions', { lng: s.lng, lat: s.lat }));
  }
  return issues;
}

/** Items that passed their own schema, by their index in the file (bad items leave a hole). */
type Rows<T> = (T | undefined)[];
interface CheckedFile {
  settings: OrgFile['settings'];
  units: Rows<z.infer<typeof unitSchema>>;
  people: Rows<z.infer<typeof personSchema>>;
  regions: Rows<z.infer<typeof regionSchema>>;
  stores: Rows<z.infer<typeof storeSchema>>;
}

function parseRows<S extends z.ZodType>(schema: S, rows: unknown[], path: string, issues: Issue[]): Rows<z.output<S>> {
  return rows.map((row, i) => {
    const r = schema.safeParse(row);
    if (r.success) return r.data;
    issues.push(...issuesFromZod(r.error, [path, i]));
    return undefined;
  });
}

/** Names that a bad row still declares, so that rows referring to it are not reported as well. */
const declared = (rows: unknown[], field: string): string[] =>
  rows.flatMap((r) => (r && typeof r === 'object' && typeof (r as Record<string, unknown>)[field] === 'string' ? [(r as Record<string, string>)[field]!] : []));

/** Validates the whole file; throws InvalidInputError listing every problem, or returns the parsed file. */
export async function validateOrgFile(db: Db | Tx, input: unknown): Promise<{ file: OrgFile; rings: Map<number, LngLat[]> }> {
  const outline = envelopeSchema.safeParse(input);
  if (!outline.success) {
    const issues = issuesFromZod(outline.error);
    throw new InvalidInputError('import.invalid', { count: issues.length }, issues);
  }
  const o = outline.data;
  const issues: Issue[] = [];
  const checked: CheckedFile = {
    settings: o.settings,
    units: parseRows(unitSchema, o.units, 'units', issues),
    people: parseRows(personSchema, o.people, 'people', issues),
    regions: parseRows(regionSchema, o.regions, 'regions', issues),
    stores: parseRows(storeSchema, o.stores, 'stores', issues),
  };
  const known = await loadKnown(db);
  for (const key of declared(o.units, 'key')) known.units.add(key);
  for (const id of declared(o.people, 'slackId')) if (!known.people.has(id)) known.people.set(id, 'rep');
  const rings = new Map<number, LngLat[]>();
  issues.push(...checkReferences(checked, known, rings));
  if (issues.length) throw new InvalidInputError('import.invalid', { count: issues.length }, issues);
  return { file: checked as OrgFile, rings };
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
    warnings: [],
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
    for (const [i, p] of file.people.entries()) {
      // A tag we have no catalog for leaves the person on the default (their Slack's language, else English).
      const locale = p.locale === undefined || p.locale === '' ? null : matchLocale(p.locale);
      if (p.locale && !locale) report.warnings.push(issue(`people[${i}].locale`, 'import.unknown_locale', { value: p.locale }));
      const data = {
        name: p.name,
        ...personSearchKeys(p.name),
        role: p.role,
        unitId: p.unit ? await unitId(p.unit) : null,
        email: p.email ?? null,
        locale,
        timezone: p.timezone ?? null,
        ...(p.active === undefined ? {} : { active: p.active, deactivatedAt: p.active ? null : now }),
      };
      const existing = await tx.person.findUnique({ where: { slackId: p.slackId }, select: { id: true } });
      const row = existing
        ? await tx.person.update({ where: { id: existing.id }, data })
        : await tx.person.create({ data: { slackId: p.slackId, ...data } });
      report.people[existing ? 'updated' : 'created']++;
      personIds.set(p.slackId, row.id);
      log(existing ? 'person.update' : 'person.create', 'person', row.id, { ...p, locale });
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
        ...searchKeys(s.name),
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
