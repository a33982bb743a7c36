// The benchmark data set: a company of 2,000 people, 200 sales regions, 100,000 stores and
// 1,000,000 visits, generated deterministically (seeded) into a SQLite file under data/bench/.
//
// Rows are written with better-sqlite3 directly (Prisma would take far too long for a million rows),
// into a file created by the real migration runner, so every table, column and index is the app's.
// Values are written the way Prisma's better-sqlite3 adapter writes them: DateTime as ISO-8601 text
// with an explicit offset (`2026-11-22T02:00:00.000+00:00`), Boolean as 0/1, JSON as text.
//
// The file is cached under a key made of GENERATOR_VERSION, the scale, and a hash of the SQLite
// migrations and of the store-name normaliser (the data depends on both): a second run reuses it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { backfillSearchKeys } from '../src/domain/search/backfill.ts';
import { DAY_MS } from '../src/domain/clock.ts';
import { bbox, parseRing, pointInRing, ringsOverlap, toGeoJson, type LngLat } from '../src/domain/geo/polygon.ts';
import { computeGrade } from '../src/domain/grades/grades.ts';
import { defaultSettings, settingKeys } from '../src/domain/settings/settings.ts';
import { nameKey, phoneKey } from '../src/domain/stores/normalize.ts';
import { dayKey } from '../src/domain/time/zone.ts';
import {
  address,
  chineseName,
  contactTitles,
  englishFirst,
  englishLast,
  followUpNotes,
  mobile,
  personName,
  releaseReasons,
  storeName,
  visitOutcomes,
  visitSummaries,
} from './names.ts';
import { cumulative, rng, type Rng } from '../src/demo/random.ts';

/** Bump when the generator's output changes; a cached file with another version is regenerated. */
export const GENERATOR_VERSION = 1;
const SEED = 20261122;

/** The data set's "now": 10:00 in Shanghai, like the tests' T0. */
export const DATASET_NOW = new Date('2026-11-22T02:00:00.000Z');
const TZ = defaultSettings.timezone;
const HOUR_MS = 3_600_000;

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const benchDataDir = join(repoRoot, 'data', 'bench');

export interface DatasetShape {
  stores: number;
  visits: number;
  openFollowUps: number;
  doneFollowUps: number;
  people: number;
  regions: number;
}

/** The shape; SEABOARD_BENCH_SCALE (e.g. 0.1) shrinks stores, visits and follow-ups for a quick try. */
export function datasetShape(): DatasetShape {
  const scale = Number(process.env.SEABOARD_BENCH_SCALE ?? '1');
  if (!(scale > 0 && scale <= 10)) throw new Error(`SEABOARD_BENCH_SCALE must be in (0, 10], got ${process.env.SEABOARD_BENCH_SCALE}`);
  return {
    stores: Math.round(100_000 * scale),
    visits: Math.round(1_000_000 * scale),
    openFollowUps: Math.round(50_000 * scale),
    doneFollowUps: Math.round(100_000 * scale),
    people: 2_000,
    regions: 200,
  };
}

export interface DatasetInfo {
  key: string;
  path: string;
  now: Date;
  shape: DatasetShape;
  counts: Record<string, number>;
  /** How long the generation took when the file was made (ms). */
  generatedMs: number;
  fromCache: boolean;
  bytes: number;
}

function cacheKey(shape: DatasetShape): string {
  const h = createHash('sha256');
  h.update(`v${GENERATOR_VERSION}:${JSON.stringify(shape)}:${SEED}:${DATASET_NOW.toISOString()}`);
  const migrations = join(repoRoot, 'prisma', 'migrations', 'sqlite');
  for (const name of readdirSync(migrations).sort()) {
    const file = join(migrations, name, 'migration.sql');
    if (existsSync(file)) h.update(name).update(readFileSync(file));
  }
  h.update(readFileSync(join(repoRoot, 'src', 'domain', 'stores', 'normalize.ts')));
  // The search keys (pinyin, initials) are derived by these.
  for (const f of ['keys.ts', 'fold.ts']) h.update(readFileSync(join(repoRoot, 'src', 'domain', 'search', f)));
  return `dataset-v${GENERATOR_VERSION}-${shape.stores}-${h.digest('hex').slice(0, 10)}`;
}

/** The cached data set, generated first if missing. */
export async function ensureDataset(log: (line: string) => void = console.log): Promise<DatasetInfo> {
  const shape = datasetShape();
  const key = cacheKey(shape);
  const path = join(benchDataDir, `${key}.db`);
  const metaPath = join(benchDataDir, `${key}.json`);
  if (existsSync(path) && existsSync(metaPath)) {
    if (existsSync(`${path}-wal`)) {
      // Someone opened the cached file (a look with the sqlite3 shell): fold its WAL back in, so that
      // a copy of the main file alone is the whole data set.
      const db = new BetterSqlite3(path);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, { force: true });
    }
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { counts: Record<string, number>; generatedMs: number };
    return { key, path, now: DATASET_NOW, shape, counts: meta.counts, generatedMs: meta.generatedMs, fromCache: true, bytes: statSync(path).size };
  }
  mkdirSync(benchDataDir, { recursive: true });
  // Older data sets of this size are stale now: remove them so that data/bench does not grow without end.
  for (const f of readdirSync(benchDataDir)) {
    if (f.startsWith(`dataset-v`) && f.includes(`-${shape.stores}-`) && !f.startsWith(`${key}.`)) rmSync(join(benchDataDir, f), { force: true });
  }
  const tmp = join(benchDataDir, `${key}.tmp.db`);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tmp + suffix, { force: true });
  log(`generating data set ${key} (${shape.stores.toLocaleString('en')} stores, ${shape.visits.toLocaleString('en')} visits) …`);
  const started = performance.now();
  await migrate(`file:${tmp}`);
  await checkDateFormat(tmp);
  const counts = generate(tmp, shape, log);
  // The stores' and people's search keys, as a start after migration 0008 writes them.
  const database = await openDatabase(`file:${tmp}`);
  try {
    await backfillSearchKeys(database);
  } finally {
    await database.close();
  }
  const generatedMs = performance.now() - started;
  renameSync(tmp, path);
  for (const suffix of ['-wal', '-shm']) rmSync(tmp + suffix, { force: true });
  writeFileSync(metaPath, JSON.stringify({ key, now: DATASET_NOW.toISOString(), shape, counts, generatedMs }, null, 2));
  return { key, path, now: DATASET_NOW, shape, counts, generatedMs, fromCache: false, bytes: statSync(path).size };
}

// ---------------------------------------------------------------------------------------------

/** What Prisma's better-sqlite3 adapter stores for a DateTime. */
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

/**
 * Writes one row through Prisma and reads it back raw: the generator must store dates exactly as the
 * adapter does, or text comparisons in queries (`protectedUntil <= now`) would silently go wrong.
 */
async function checkDateFormat(path: string): Promise<void> {
  const database = await openDatabase(`file:${path}`);
  try {
    await database.db.setting.create({ data: { key: '__bench_probe', value: '0', updatedAt: DATASET_NOW } });
  } finally {
    await database.close();
  }
  const db = new BetterSqlite3(path);
  try {
    const row = db.prepare(`SELECT "updatedAt" AS v FROM "Setting" WHERE "key" = '__bench_probe'`).get() as { v: unknown };
    db.prepare(`DELETE FROM "Setting" WHERE "key" = '__bench_probe'`).run();
    if (row.v !== iso(DATASET_NOW.getTime())) {
      throw new Error(`the Prisma adapter stores DateTime as ${JSON.stringify(row.v)}, the generator as ${JSON.stringify(iso(DATASET_NOW.getTime()))}: update iso() in bench/dataset.ts`);
    }
  } finally {
    db.close();
  }
}
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

interface Unit {
  id: number;
  key: string;
  name: string;
  parentId: number | null;
  leadId: number | null;
  kind: 'company' | 'city' | 'area' | 'team';
  city: number;
  district: string;
  cityName: string;
}

interface Person {
  id: number;
  slackId: string;
  name: string;
  email: string | null;
  role: 'rep' | 'supervisor' | 'manager' | 'admin';
  unitId: number | null;
  locale: string | null;
  timezone: string | null;
  active: boolean;
  createdAt: number;
}

interface Region {
  id: number;
  key: string;
  name: string;
  unitId: number;
  ring: LngLat[];
  district: string;
  cityName: string;
  /** Active reps who may own its stores (the reps of the owning unit and of the units under it). */
  reps: number[];
  /** The supervisor(s) and managers around it, for visits by leads. */
  leads: number[];
}

interface StoreSpec {
  id: number;
  createdAt: number;
  region: number;
  lng: number;
  lat: number;
  name: string;
  phone: string | null;
  address: string | null;
  status: string;
  stage: string;
  source: string;
  ownerId: number | null;
  claimedAt: number | null;
  protectedUntil: number | null;
  isCustomer: boolean;
  customerSince: number | null;
  claimedBy: number | null; // actor of the claim/assign history row
  /** An in-person visit by the owner at this instant explains an extended protection. */
  forcedVisit: number | null;
  /** In-person visits by the owner after this instant would have extended protection further. */
  inPersonMax: number;
  createdById: number | null;
  lastVisitAt: number;
  lastVisit: number; // index into the visit arrays, -1 when none
  lastOrderAt: number;
  nextFollowUpAt: number;
}

const cities = [
  { key: 'hz', name: '杭州', en: 'Hangzhou', districts: ['西湖区', '上城区', '拱墅区', '滨江区', '萧山区'], phone: '0571' },
  { key: 'sh', name: '上海', en: 'Shanghai', districts: ['浦东新区', '徐汇区', '静安区', '闵行区', '杨浦区'], phone: '021' },
  { key: 'sz', name: '苏州', en: 'Suzhou', districts: ['姑苏区', '吴中区', '相城区', '工业园区', '高新区'], phone: '0512' },
  { key: 'nb', name: '宁波', en: 'Ningbo', districts: ['海曙区', '江北区', '鄞州区', '北仑区', '镇海区'], phone: '0574' },
] as const;
const AREAS_PER_CITY = 5;
const TEAMS_PER_AREA = 8;
const REGIONS_PER_AREA = 10; // 8 owned by the area's teams, 2 by the area itself
const ADMINS = 5;

const stageWeights = { lead: 0.3, contacted: 0.35, interested: 0.22, negotiating: 0.13 } as const;
const methods = ['in_person', 'phone', 'message', 'other'] as const;

function pickStage(r: Rng, weights: Record<string, number>): string {
  let x = r.next();
  for (const [k, w] of Object.entries(weights)) {
    if ((x -= w) < 0) return k;
  }
  return Object.keys(weights)[0]!;
}

function generate(path: string, shape: DatasetShape, log: (line: string) => void): Record<string, number> {
  const r = rng(SEED);
  const now = DATASET_NOW.getTime();
  const phase = (() => {
    let t = performance.now();
    return (what: string) => {
      const t2 = performance.now();
      log(`  ${what.padEnd(44)} ${((t2 - t) / 1000).toFixed(1).padStart(6)} s`);
      t = t2;
    };
  })();

  // ---- org tree and people --------------------------------------------------------------------
  const units: Unit[] = [];
  const addUnit = (u: Omit<Unit, 'id' | 'leadId'>) => {
    const unit = { ...u, id: units.length + 1, leadId: null };
    units.push(unit);
    return unit;
  };
  const company = addUnit({ key: 'seaboard', name: '海潮食品销售有限公司', parentId: null, kind: 'company', city: -1, district: '', cityName: '' });
  const teamsOfArea = new Map<number, Unit[]>();
  const areasOfCity: Unit[][] = [];
  cities.forEach((c, ci) => {
    const city = addUnit({ key: c.key, name: `${c.name}分公司`, parentId: company.id, kind: 'city', city: ci, district: '', cityName: c.name });
    areasOfCity.push([]);
    c.districts.forEach((d, ai) => {
      const areaName = d.replace(/(新区|区)$/u, '');
      const area = addUnit({ key: `${c.key}-a${ai + 1}`, name: `${areaName}片区`, parentId: city.id, kind: 'area', city: ci, district: d, cityName: c.name });
      areasOfCity[ci]!.push(area);
      const teams: Unit[] = [];
      for (let t = 0; t < TEAMS_PER_AREA; t++) {
        teams.push(addUnit({ key: `${area.key}-t${t + 1}`, name: `${areaName}${t + 1}组`, parentId: area.id, kind: 'team', city: ci, district: d, cityName: c.name }));
      }
      teamsOfArea.set(area.id, teams);
    });
  });

  const people: Person[] = [];
  const usedSlack = new Set<string>();
  const addPerson = (role: Person['role'], unitId: number | null): Person => {
    const id = people.length + 1;
    let slackId: string;
    do slackId = `U0${r.int(0x10000000, 0x7fffffff).toString(36).toUpperCase()}`;
    while (usedSlack.has(slackId));
    usedSlack.add(slackId);
    const name = personName(r);
    const ascii = /^[A-Za-z ]+$/.test(name);
    const p: Person = {
      id,
      slackId,
      name,
      email: r.chance(0.85) ? (ascii ? `${name.toLowerCase().replace(' ', '.')}${id}@seaboard.example` : `u${id}@seaboard.example`) : null,
      role,
      unitId,
      locale: ascii ? (r.chance(0.7) ? 'en' : null) : r.chance(0.6) ? 'zh-CN' : null,
      timezone: r.chance(0.3) ? 'Asia/Shanghai' : null,
      active: true,
      createdAt: now - r.int(30, 700) * DAY_MS - r.int(0, 86_399) * 1000,
    };
    people.push(p);
    return p;
  };
  for (let i = 0; i < ADMINS; i++) addPerson('admin', company.id);
  const repsOfTeam = new Map<number, number[]>();
  const supOfTeam = new Map<number, number>();
  for (const u of units) {
    if (u.kind === 'city' || u.kind === 'area') u.leadId = addPerson('manager', u.id).id;
    if (u.kind === 'team') {
      u.leadId = addPerson('supervisor', u.id).id;
      supOfTeam.set(u.id, u.leadId);
    }
  }
  const teams = units.filter((u) => u.kind === 'team');
  const repCount = shape.people - people.length;
  for (let i = 0; i < repCount; i++) {
    const team = teams[i % teams.length]!;
    const p = addPerson('rep', team.id);
    // About one rep in a hundred has left: inactive, owns nothing.
    if (r.chance(0.01)) p.active = false;
    else repsOfTeam.set(team.id, [...(repsOfTeam.get(team.id) ?? []), p.id]);
  }
  const personById = (id: number) => people[id - 1]!;
  phase(`org: ${units.length} units, ${people.length} people`);

  // ---- regions: a 20 × 10 grid of jittered quadrilaterals (shared vertices, so they tile) ------
  const COLS = cities.length * 5;
  const ROWS = AREAS_PER_CITY * 2;
  const CELL_LNG = 0.03;
  const CELL_LAT = 0.025;
  const vertex: LngLat[][] = [];
  for (let i = 0; i <= COLS; i++) {
    vertex.push([]);
    for (let j = 0; j <= ROWS; j++) {
      const inner = i > 0 && i < COLS && j > 0 && j < ROWS;
      const jx = inner ? r.between(-0.2, 0.2) * CELL_LNG : 0;
      const jy = inner ? r.between(-0.2, 0.2) * CELL_LAT : 0;
      vertex[i]!.push([round6(119.9 + i * CELL_LNG + jx), round6(30.1 + j * CELL_LAT + jy)]);
    }
  }
  const regions: Region[] = [];
  for (let ci = 0; ci < cities.length; ci++) {
    for (let ai = 0; ai < AREAS_PER_CITY; ai++) {
      const area = areasOfCity[ci]![ai]!;
      const areaTeams = teamsOfArea.get(area.id)!;
      for (let n = 0; n < REGIONS_PER_AREA; n++) {
        const col = ci * 5 + (n % 5);
        const row = ai * 2 + Math.floor(n / 5);
        const ring: LngLat[] = [vertex[col]![row]!, vertex[col + 1]![row]!, vertex[col + 1]![row + 1]!, vertex[col]![row + 1]!];
        parseRing(ring); // the domain's own validation
        const owner = n < TEAMS_PER_AREA ? areaTeams[n]! : area;
        const ownerTeams = owner.kind === 'team' ? [owner] : areaTeams;
        const reps = ownerTeams.flatMap((t) => repsOfTeam.get(t.id) ?? []);
        const leads = [...ownerTeams.map((t) => supOfTeam.get(t.id)!), area.leadId!];
        const id = regions.length + 1;
        regions.push({
          id,
          key: `r${String(id).padStart(3, '0')}`,
          name: `${area.district.replace(/(新区|区)$/u, '')}${n + 1}号区域`,
          unitId: owner.id,
          ring,
          district: area.district,
          cityName: area.cityName,
          reps,
          leads,
        });
      }
    }
  }
  if (regions.length !== shape.regions) throw new Error(`expected ${shape.regions} regions, made ${regions.length}`);
  for (let a = 0; a < regions.length; a++) {
    for (let b = a + 1; b < regions.length; b++) {
      if (ringsOverlap(regions[a]!.ring, regions[b]!.ring)) throw new Error(`regions ${a + 1} and ${b + 1} overlap`);
    }
  }
  phase(`regions: ${regions.length}, tiling checked`);

  // ---- stores ---------------------------------------------------------------------------------
  const regionPick = cumulative(regions.map(() => r.between(0.5, 1.5)));
  const heldBy = new Map<number, number>();
  const specs: StoreSpec[] = [];
  const YEAR = 365 * DAY_MS;
  for (let i = 0; i < shape.stores; i++) {
    const ri = r.weighted(regionPick);
    const region = regions[ri]!;
    const b = bbox(region.ring);
    let lng = 0;
    let lat = 0;
    do {
      lng = round6(r.between(b.minLng, b.maxLng));
      lat = round6(r.between(b.minLat, b.maxLat));
    } while (!pointInRing(lng, lat, region.ring));
    const city = cities.find((c) => c.name === region.cityName)!;
    const phone = r.chance(0.85) ? (r.chance(0.8) ? mobile(r) : `${city.phone}-${r.int(5, 8)}${String(r.int(0, 9_999_999)).padStart(7, '0')}`) : null;
    const s: StoreSpec = {
      id: 0,
      createdAt: now - r.between(1, 730) * DAY_MS,
      region: ri,
      lng,
      lat,
      name: storeName(r, region.cityName),
      phone,
      address: r.chance(0.9) ? address(r, region.district) : null,
      status: 'active',
      stage: 'lead',
      source: r.pick(['manual', 'manual', 'manual', 'import', 'import', 'slack']),
      ownerId: null,
      claimedAt: null,
      protectedUntil: null,
      isCustomer: false,
      customerSince: null,
      claimedBy: null,
      forcedVisit: null,
      inPersonMax: Infinity,
      createdById: null,
      lastVisitAt: -Infinity,
      lastVisit: -1,
      lastOrderAt: -Infinity,
      nextFollowUpAt: Infinity,
    };
    const x = r.next();
    if (x < 0.03) s.status = 'disabled';
    else if (x < 0.05) s.status = 'invalid';
    else if (x < 0.06) s.status = 'deleted';
    // 35% of all stores are private: only active ones, owned by a rep of the region's unit.
    const owner = s.status === 'active' && r.chance(0.35 / 0.94) && region.reps.length ? r.pick(region.reps) : null;
    if (owner !== null && (heldBy.get(owner) ?? 0) < 90) {
      s.ownerId = owner;
      if (r.chance(0.18)) {
        // A customer: claimed months ago, visited often (protection at its hard maximum), ordered inside it.
        s.isCustomer = true;
        s.claimedAt = now - r.between(30, 360) * DAY_MS;
        s.protectedUntil = s.claimedAt + 90 * DAY_MS;
        s.customerSince = s.claimedAt + r.between(1, 29) * DAY_MS;
        s.stage = 'signed';
      } else {
        heldBy.set(owner, (heldBy.get(owner) ?? 0) + 1);
        const y = r.next();
        // A few percent ran out since the last sweep, some run out within 3 days, the rest later.
        const until = y < 0.04 ? now - r.between(0.01, 3) * DAY_MS : y < 0.12 ? now + r.between(0.01, 3) * DAY_MS : now + r.between(3, 30) * DAY_MS;
        s.protectedUntil = until;
        if (until <= now + 14 * DAY_MS && r.chance(0.6)) {
          // Extended by an in-person visit of the owner 14 days before the end (never past claim + 90 days).
          s.claimedAt = until - 30 * DAY_MS - r.between(0, 60) * DAY_MS;
          s.forcedVisit = until - 14 * DAY_MS;
        } else {
          s.claimedAt = until - 30 * DAY_MS;
        }
        s.inPersonMax = until - 14 * DAY_MS;
        s.stage = pickStage(r, stageWeights);
      }
      s.claimedBy = r.chance(0.85) ? owner : supOfTeam.get(personById(owner).unitId!)!;
      if (s.createdAt > s.claimedAt) s.createdAt = s.claimedAt - r.between(0.05, 20) * DAY_MS;
      s.createdById = s.claimedBy;
    } else {
      s.stage = pickStage(r, { lead: 0.6, contacted: 0.25, lost: 0.1, interested: 0.05 });
      s.createdById = s.source === 'import' || !region.reps.length ? null : r.pick(region.reps);
    }
    if (s.source === 'import') s.createdById = null;
    specs.push(s);
  }
  // Ids and codes in order of creation, like the app would have given them.
  specs.sort((a, b) => a.createdAt - b.createdAt);
  const seqOfDay = new Map<string, number>();
  const codes: string[] = [];
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    s.id = i + 1;
    const day = dayKey(new Date(s.createdAt), TZ);
    const seq = (seqOfDay.get(day) ?? 0) + 1;
    seqOfDay.set(day, seq);
    codes.push(`CRM${day}${String(seq).padStart(4, '0')}`);
  }
  phase(`stores: ${specs.length.toLocaleString('en')} specs`);

  // ---- visits (typed arrays: a million objects would be slow and large) -------------------------
  const N = shape.visits;
  const forced = specs.filter((s) => s.forcedVisit !== null).length;
  const weights = new Float64Array(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    weights[i] = s.status !== 'active' ? 2 : s.isCustomer ? 22 : s.ownerId !== null ? 14 : 6;
  }
  const counts = new Uint32Array(specs.length);
  const storePick = cumulative(weights);
  for (let v = 0; v < N - forced; v++) counts[r.weighted(storePick)]!++;
  const vStore = new Int32Array(N);
  const vPerson = new Int32Array(N);
  const vAt = new Float64Array(N);
  const vMethod = new Uint8Array(N);
  const vSummary = new Uint16Array(N);
  const vOutcome = new Int16Array(N);
  const vStage = new Int8Array(N);
  const vNext = new Float64Array(N).fill(NaN);
  const vCold = new Uint8Array(N);
  const visitStages = ['contacted', 'interested', 'negotiating'] as const;
  let v = 0;
  const put = (s: StoreSpec, person: number, at: number, method: number, cold: boolean) => {
    vStore[v] = s.id;
    vPerson[v] = person;
    vAt[v] = Math.floor(at);
    vMethod[v] = method;
    vSummary[v] = r.int(0, visitSummaries.length - 1);
    vOutcome[v] = r.chance(0.4) ? r.int(0, visitOutcomes.length - 1) : -1;
    vStage[v] = r.chance(0.08) ? r.int(0, visitStages.length - 1) : -1;
    vCold[v] = cold ? 1 : 0;
    if (vAt[v]! > s.lastVisitAt) {
      s.lastVisitAt = vAt[v]!;
      s.lastVisit = v;
    }
    v++;
  };
  const randomMethod = () => {
    const x = r.next();
    return x < 0.6 ? 0 : x < 0.85 ? 1 : x < 0.95 ? 2 : 3;
  };
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    const region = regions[s.region]!;
    const lo = Math.max(s.createdAt, now - YEAR);
    const hi = now - 60_000;
    const visitors = region.reps.length ? region.reps : region.leads;
    if (s.forcedVisit !== null) put(s, s.ownerId!, s.forcedVisit, 0, false);
    for (let k = 0; k < counts[i]!; k++) {
      if (s.ownerId !== null && s.claimedAt !== null) {
        const from = Math.max(s.claimedAt, lo);
        const x = r.next();
        if (x < 0.85) {
          const at = r.between(from, hi);
          let method = randomMethod();
          // An in-person visit later than this would have pushed the protection further.
          if (method === 0 && at > s.inPersonMax) method = r.chance(0.7) ? 1 : 2;
          put(s, s.ownerId, at, method, false);
        } else if (x < 0.93 && s.claimedAt > lo) {
          put(s, r.pick(visitors), r.between(lo, s.claimedAt), randomMethod(), true);
        } else {
          const lead = supOfTeam.get(personById(s.ownerId).unitId!)!;
          put(s, lead, r.between(from, hi), r.chance(0.5) ? 0 : 1, true);
        }
      } else {
        put(s, r.chance(0.9) ? r.pick(visitors) : r.pick(region.leads), r.between(lo, hi), randomMethod(), true);
      }
    }
  }
  if (v !== N) throw new Error(`made ${v} visits, expected ${N}`);
  // Ids in time order, as they would have been given.
  const order = new Uint32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((a, b) => vAt[a]! - vAt[b]! || a - b);
  const visitId = new Int32Array(N);
  for (let i = 0; i < N; i++) visitId[order[i]!] = i + 1;
  phase(`visits: ${N.toLocaleString('en')} in memory`);

  // ---- follow-ups ---------------------------------------------------------------------------
  interface FollowUpRow {
    storeId: number;
    personId: number;
    dueAt: number;
    note: string | null;
    status: string;
    doneAt: number | null;
    visitId: number | null;
    snoozes: number;
    createdAt: number;
    updatedAt: number;
  }
  const followUps: FollowUpRow[] = [];
  // Done (and a few cancelled) ones from past visits that planned a next contact.
  for (let k = 0; k < shape.doneFollowUps; k++) {
    let idx = r.int(0, N - 1);
    for (let tries = 0; tries < 10 && (vAt[idx]! > now - 10 * DAY_MS || !Number.isNaN(vNext[idx]!)); tries++) idx = r.int(0, N - 1);
    if (vAt[idx]! > now - 10 * DAY_MS || !Number.isNaN(vNext[idx]!)) continue;
    const due = vAt[idx]! + r.between(1, 7) * DAY_MS;
    vNext[idx] = due;
    const cancelled = r.chance(0.1);
    const doneAt = cancelled ? null : Math.min(now - HOUR_MS, due + r.between(-1, 1) * DAY_MS);
    followUps.push({
      storeId: vStore[idx]!,
      personId: vPerson[idx]!,
      dueAt: due,
      note: r.chance(0.5) ? r.pick(followUpNotes) : null,
      status: cancelled ? 'cancelled' : 'done',
      doneAt,
      visitId: visitId[idx]!,
      snoozes: r.chance(0.1) ? 1 : 0,
      createdAt: vAt[idx]! + 60_000,
      updatedAt: doneAt ?? due,
    });
  }
  // Open ones, due around now: mostly on the owner's own stores, some on public stores a rep visited.
  const privateActive = specs.filter((s) => s.ownerId !== null);
  const publicActive = specs.filter((s) => s.ownerId === null && s.status === 'active' && regions[s.region]!.reps.length);
  const todayStart = startOfLocalDay(now);
  for (let k = 0; k < shape.openFollowUps; k++) {
    const mine = r.chance(0.9);
    const s = mine ? r.pick(privateActive) : r.pick(publicActive);
    const personId = mine ? s.ownerId! : r.pick(regions[s.region]!.reps);
    const x = r.next();
    const due =
      x < 0.25
        ? r.between(now - 14 * DAY_MS, todayStart)
        : x < 0.4
          ? r.between(todayStart, todayStart + DAY_MS)
          : r.between(todayStart + DAY_MS, now + 14 * DAY_MS);
    const created = Math.min(now - HOUR_MS, due - r.between(1, 10) * DAY_MS);
    followUps.push({
      storeId: s.id,
      personId,
      dueAt: Math.floor(due),
      note: r.chance(0.7) ? r.pick(followUpNotes) : null,
      status: 'open',
      doneAt: null,
      visitId: null,
      snoozes: r.chance(0.08) ? r.int(1, 3) : 0,
      createdAt: Math.floor(created),
      updatedAt: Math.floor(created),
    });
    if (due < s.nextFollowUpAt) s.nextFollowUpAt = Math.floor(due);
  }
  followUps.sort((a, b) => a.createdAt - b.createdAt);
  phase(`follow-ups: ${followUps.length.toLocaleString('en')}`);

  // ---- claim history -------------------------------------------------------------------------
  interface HistoryRow {
    storeId: number;
    action: string;
    fromOwnerId: number | null;
    toOwnerId: number | null;
    actorId: number | null;
    reason: string | null;
    protectedUntil: number | null;
    at: number;
  }
  const history: HistoryRow[] = [];
  for (const s of specs) {
    if (s.ownerId !== null) {
      const assigned = s.claimedBy !== s.ownerId;
      history.push({
        storeId: s.id,
        action: assigned ? 'assign' : 'claim',
        fromOwnerId: null,
        toOwnerId: s.ownerId,
        actorId: s.claimedBy,
        reason: assigned ? '分配跟进' : null,
        protectedUntil: s.claimedAt! + 30 * DAY_MS,
        at: s.claimedAt!,
      });
    } else if (s.status === 'active' && regions[s.region]!.reps.length && r.chance(0.12)) {
      // Once private, then released or returned; a few of those within the re-claim cool-down.
      const rep = r.pick(regions[s.region]!.reps);
      const t1 = r.between(Math.max(s.createdAt, now - YEAR), now - 31 * DAY_MS);
      if (t1 <= s.createdAt) continue;
      const auto = r.chance(0.6);
      const t2 = auto ? t1 + 30 * DAY_MS : t1 + r.between(1, 29) * DAY_MS;
      history.push({ storeId: s.id, action: 'claim', fromOwnerId: null, toOwnerId: rep, actorId: rep, reason: null, protectedUntil: t1 + 30 * DAY_MS, at: t1 });
      history.push({
        storeId: s.id,
        action: auto ? 'auto_return' : 'release',
        fromOwnerId: rep,
        toOwnerId: null,
        actorId: auto ? null : rep,
        reason: auto ? 'protection_ended' : r.pick(releaseReasons),
        protectedUntil: t1 + 30 * DAY_MS,
        at: t2,
      });
    }
  }
  history.sort((a, b) => a.at - b.at);

  // ---- orders --------------------------------------------------------------------------------
  interface OrderRow {
    storeId: number;
    personId: number | null;
    amount: number;
    orderedAt: number;
  }
  const orders: OrderRow[] = [];
  for (const s of specs) {
    if (s.isCustomer) {
      const more = r.int(0, 10);
      const times = [s.customerSince!, ...Array.from({ length: more }, () => r.between(s.customerSince!, now - HOUR_MS))];
      for (const t of times) orders.push({ storeId: s.id, personId: s.ownerId, amount: r.int(50, 20_000) * 100, orderedAt: Math.floor(t) });
    } else if (s.ownerId === null && s.status === 'active' && r.chance(0.03)) {
      const n = r.int(1, 3);
      for (let k = 0; k < n; k++) orders.push({ storeId: s.id, personId: null, amount: r.int(50, 5_000) * 100, orderedAt: Math.floor(r.between(Math.max(s.createdAt, now - YEAR), now - 45 * DAY_MS)) });
    }
  }
  orders.sort((a, b) => a.orderedAt - b.orderedAt);
  for (const o of orders) {
    const s = specs[o.storeId - 1]!;
    if (o.orderedAt > s.lastOrderAt) s.lastOrderAt = o.orderedAt;
  }
  phase(`history ${history.length.toLocaleString('en')}, orders ${orders.length.toLocaleString('en')}`);

  // ---- write ---------------------------------------------------------------------------------
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -262144'); // 256 MB
  db.pragma('temp_store = MEMORY');

  // Secondary indexes of the big tables are dropped and then re-created with their exact SQL from
  // the migration: building an index once is much faster than a million random inserts into it.
  const bigTables = ['Store', 'Visit', 'FollowUp', 'ClaimHistory', 'Order', 'Contact'];
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${bigTables.map(() => '?').join(',')})`)
    .all(...bigTables) as { name: string; sql: string }[];
  for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`);

  const nowIso = iso(now);
  db.transaction(() => {
    const setting = db.prepare('INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?)');
    for (const k of settingKeys) setting.run(k, JSON.stringify(defaultSettings[k]), iso(now - 200 * DAY_MS));

    const unit = db.prepare('INSERT INTO "OrgUnit" ("id", "key", "name", "parentId", "leadId", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const u of units) unit.run(u.id, u.key, u.name, u.parentId, u.leadId, iso(now - 720 * DAY_MS), iso(now - 720 * DAY_MS));

    const person = db.prepare(
      'INSERT INTO "Person" ("id", "slackId", "slackTeamId", "name", "email", "role", "unitId", "locale", "timezone", "active", "deactivatedAt", "lockVersion", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const p of people) {
      const left = p.active ? null : now - r.between(1, 200) * DAY_MS;
      person.run(p.id, p.slackId, 'T0SEABOARD', p.name, p.email, p.role, p.unitId, p.locale, p.timezone, p.active ? 1 : 0, isoOrNull(left), 0, iso(p.createdAt), iso(left ?? p.createdAt));
    }

    const region = db.prepare(
      'INSERT INTO "Region" ("id", "key", "name", "unitId", "polygon", "minLng", "minLat", "maxLng", "maxLat", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const g of regions) {
      const b = bbox(g.ring);
      region.run(g.id, g.key, g.name, g.unitId, JSON.stringify(toGeoJson(g.ring)), b.minLng, b.minLat, b.maxLng, b.maxLat, iso(now - 700 * DAY_MS), iso(now - 700 * DAY_MS));
    }

    const codeSeq = db.prepare('INSERT INTO "StoreCodeSeq" ("day", "last") VALUES (?, ?)');
    for (const [day, last] of seqOfDay) codeSeq.run(day, last);
  })();

  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  db.transaction(() => {
    const store = db.prepare(
      `INSERT INTO "Store" ("id", "code", "name", "nameKey", "phone", "phoneKey", "address", "lng", "lat", "regionId", "status", "stage", "grade",
        "ownerId", "claimedAt", "protectedUntil", "isCustomer", "customerSince", "lastVisitAt", "lastOrderAt", "latestProgress", "nextFollowUpAt",
        "source", "mergedIntoId", "createdById", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const contact = db.prepare(
      'INSERT INTO "Contact" ("storeId", "name", "title", "phone", "email", "isPrimary", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const s of specs) {
      const lastVisitAt = fin(s.lastVisitAt);
      const lastOrderAt = fin(s.lastOrderAt);
      const grade = computeGrade(
        { lastOrderAt: lastOrderAt === null ? null : new Date(lastOrderAt), lastVisitAt: lastVisitAt === null ? null : new Date(lastVisitAt) },
        DATASET_NOW,
        defaultSettings,
      );
      let progress: string | null = null;
      if (s.lastVisit >= 0) {
        const summary = visitSummaries[vSummary[s.lastVisit]!]!;
        const o = vOutcome[s.lastVisit]!;
        progress = (o >= 0 ? `${summary} — ${visitOutcomes[o]}` : summary).slice(0, 500);
      }
      const updatedAt = Math.max(s.createdAt, s.claimedAt ?? 0, lastVisitAt ?? 0, lastOrderAt ?? 0);
      store.run(
        s.id,
        codes[s.id - 1]!,
        s.name,
        nameKey(s.name),
        s.phone,
        phoneKey(s.phone),
        s.address,
        s.lng,
        s.lat,
        regions[s.region]!.id,
        s.status,
        s.stage,
        grade,
        s.ownerId,
        isoOrNull(s.claimedAt === null ? null : Math.floor(s.claimedAt)),
        isoOrNull(s.protectedUntil === null ? null : Math.floor(s.protectedUntil)),
        s.isCustomer ? 1 : 0,
        isoOrNull(s.customerSince === null ? null : Math.floor(s.customerSince)),
        isoOrNull(lastVisitAt),
        isoOrNull(lastOrderAt),
        progress,
        isoOrNull(fin(s.nextFollowUpAt)),
        s.source,
        null,
        s.createdById,
        iso(Math.floor(s.createdAt)),
        iso(Math.floor(updatedAt)),
      );
      if (r.chance(0.8)) {
        const n = r.chance(0.25) ? 2 : 1;
        for (let k = 0; k < n; k++) {
          const en = r.chance(0.2);
          const name = en ? `${r.pick(englishFirst)} ${r.pick(englishLast)}` : chineseName(r);
          const email = r.chance(0.3) ? `contact${s.id}${k}@example.com` : null;
          contact.run(s.id, name, r.pick(contactTitles), r.chance(0.9) ? mobile(r) : null, email, k === 0 ? 1 : 0, iso(Math.floor(s.createdAt)), iso(Math.floor(s.createdAt)));
        }
      }
    }
  })();
  phase('write: settings, org, people, regions, stores, contacts');

  db.transaction(() => {
    const visit = db.prepare(
      'INSERT INTO "Visit" ("id", "storeId", "personId", "at", "method", "summary", "outcome", "stage", "nextFollowUpAt", "cold", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (let i = 0; i < N; i++) {
      const k = order[i]!;
      const at = vAt[k]!;
      const next = vNext[k]!;
      visit.run(
        i + 1,
        vStore[k]!,
        vPerson[k]!,
        iso(at),
        methods[vMethod[k]!]!,
        visitSummaries[vSummary[k]!]!,
        vOutcome[k]! >= 0 ? visitOutcomes[vOutcome[k]!]! : null,
        vStage[k]! >= 0 ? visitStages[vStage[k]!]! : null,
        Number.isNaN(next) ? null : iso(Math.floor(next)),
        vCold[k]!,
        iso(Math.min(now, at + ((k * 7919) % 180) * 60_000)),
      );
    }
  })();
  phase(`write: visits`);

  db.transaction(() => {
    const followUp = db.prepare(
      'INSERT INTO "FollowUp" ("id", "storeId", "personId", "dueAt", "note", "status", "doneAt", "visitId", "snoozes", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    followUps.forEach((f, i) =>
      followUp.run(i + 1, f.storeId, f.personId, iso(Math.floor(f.dueAt)), f.note, f.status, isoOrNull(f.doneAt === null ? null : Math.floor(f.doneAt)), f.visitId, f.snoozes, iso(Math.floor(f.createdAt)), iso(Math.floor(f.updatedAt))),
    );
    const claim = db.prepare(
      'INSERT INTO "ClaimHistory" ("id", "storeId", "action", "fromOwnerId", "toOwnerId", "actorId", "reason", "protectedUntil", "at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    history.forEach((h, i) =>
      claim.run(i + 1, h.storeId, h.action, h.fromOwnerId, h.toOwnerId, h.actorId, h.reason, isoOrNull(h.protectedUntil === null ? null : Math.floor(h.protectedUntil)), iso(Math.floor(h.at))),
    );
    const orderRow = db.prepare('INSERT INTO "Order" ("id", "orderNo", "storeId", "personId", "amount", "orderedAt", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)');
    orders.forEach((o, i) => orderRow.run(i + 1, `SO${String(i + 1).padStart(8, '0')}`, o.storeId, o.personId, o.amount, iso(o.orderedAt), iso(Math.min(now, o.orderedAt + HOUR_MS))));
  })();
  phase('write: follow-ups, claim history, orders');

  for (const ix of indexes) db.exec(ix.sql);
  phase(`indexes: ${indexes.length} re-created`);

  const problems = db.prepare('PRAGMA foreign_key_check').all();
  if (problems.length) throw new Error(`generated data breaks foreign keys: ${JSON.stringify(problems.slice(0, 5))}`);
  const badDates = db.prepare(`SELECT count(*) AS n FROM "Store" WHERE "protectedUntil" IS NOT NULL AND "protectedUntil" NOT LIKE '____-__-__T__:__:__.___+00:00'`).get() as { n: number };
  if (badDates.n) throw new Error(`${badDates.n} stores have a date in the wrong format`);
  phase('checks: foreign keys, date format');

  const result: Record<string, number> = {};
  for (const t of ['OrgUnit', 'Person', 'Region', 'Store', 'Contact', 'Visit', 'FollowUp', 'ClaimHistory', 'Order']) {
    result[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
  }
  const q = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
  result.privateStores = q('SELECT count(*) AS n FROM "Store" WHERE "ownerId" IS NOT NULL');
  result.customers = q('SELECT count(*) AS n FROM "Store" WHERE "isCustomer" = 1');
  result.expiredAtNow = q('SELECT count(*) AS n FROM "Store" WHERE "ownerId" IS NOT NULL AND "isCustomer" = 0 AND "protectedUntil" <= ?', nowIso);
  result.expiringIn3Days = q(
    'SELECT count(*) AS n FROM "Store" WHERE "ownerId" IS NOT NULL AND "isCustomer" = 0 AND "protectedUntil" > ? AND "protectedUntil" <= ?',
    nowIso,
    iso(now + 3 * DAY_MS),
  );
  result.openFollowUps = q(`SELECT count(*) AS n FROM "FollowUp" WHERE "status" = 'open'`);

  db.pragma('journal_mode = WAL'); // as migrate() left it, and as the app expects
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  phase('finish');
  return result;
}

/** Midnight in the data set's time zone (Asia/Shanghai has no DST: a fixed +08:00). */
function startOfLocalDay(ms: number): number {
  const offset = 8 * HOUR_MS;
  return Math.floor((ms + offset) / DAY_MS) * DAY_MS - offset;
}
