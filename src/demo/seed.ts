// Loads the demo company (src/demo/company.ts) into an empty database: the org, people and regions
// through the org import, the stores through the console's store import, console sign-ins for the
// admin and the manager, and sixty days of history played through the domain (src/demo/history.ts).
// The sandbox calls it at start; it does nothing once the database has people.
import { stringify } from 'csv-stringify/sync';
import { inTransaction, Prisma } from '../db/client.ts';
import { audit } from '../domain/audit/audit.ts';
import { fixedClock } from '../domain/clock.ts';
import { hashPassword } from '../domain/console/passwords.ts';
import type { Deps } from '../domain/deps.ts';
import { regradeAll } from '../domain/grades/grades.ts';
import { importOrg } from '../domain/imports/org-import.ts';
import { applyStoreImport } from '../domain/imports/store-import.ts';
import { roleSchema, type Actor } from '../domain/org/roles.ts';
import { loadSettings } from '../domain/settings/settings.ts';
import { DEMO_ADMIN, DEMO_MANAGER, DEMO_SEED, demoOrgFile, demoPeople, demoSettings, demoStores } from './company.ts';
import { DemoHistory, historyStart, type HistoryStats } from './history.ts';
import { markDemo } from './marker.ts';

export { DEMO_ADMIN, DEMO_MANAGER } from './company.ts';

export interface SeedResult {
  seeded: boolean;
  ms: number;
  /** What the history met on the way (only when seeded). */
  stats?: HistoryStats;
}

/**
 * The demo company and its last 60 days before `now` (default: the clock's now), when the database
 * has nobody in it yet. Deterministic for a given `now`.
 */
export async function seedDemoIfEmpty(deps: Deps, opts: { now?: Date } = {}): Promise<SeedResult> {
  const t0 = performance.now();
  if ((await deps.db.person.count()) > 0) return { seeded: false, ms: performance.now() - t0 };
  const now = opts.now ?? deps.clock.now();
  // Marked first: a seed cut short still leaves a database that only the sandbox may use.
  await markDemo(deps.db, now);
  // scrypt runs on the thread pool: the two hashes are made while the org and the stores go in.
  const hashes = Promise.all([hashPassword(DEMO_ADMIN.password), hashPassword(DEMO_MANAGER.password)]);
  const clock = fixedClock(historyStart(now, demoSettings.timezone));
  const d = { db: deps.db, clock };

  const stores = demoStores();
  const { stores: _none, ...org } = demoOrgFile(stores);
  await importOrg(d, org);
  const people = await loadActors(deps);
  const admin = people.find((p) => p.role === 'admin')!;
  await importStores(d, admin, stores);
  await addConsoleAccounts(d, await hashes);

  const settings = await loadSettings(deps.db);
  const stats = await new DemoHistory(d, settings, now, DEMO_SEED).play(people);
  // What the daily re-grade would have left: grades as of now.
  await regradeAll(deps.db, now);
  await settleOutbox(deps);
  return { seeded: true, ms: performance.now() - t0, stats };
}

async function loadActors(deps: Deps): Promise<Actor[]> {
  const rows = await deps.db.person.findMany({
    select: { id: true, name: true, role: true, unitId: true, active: true, locale: true, timezone: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((p) => ({ ...p, role: roleSchema.parse(p.role) }));
}

/** The stores as the admin would bring them in: a CSV file through the console's store import, with the reps' first pools. */
async function importStores(deps: Deps, admin: Actor, stores: ReturnType<typeof demoStores>): Promise<void> {
  const header = ['name', 'phone', 'address', 'lng', 'lat', 'source', 'owner', 'contactName', 'contactPhone'];
  const rows = stores.map((s) => [s.name, s.phone, s.address, s.lng, s.lat, s.source, s.owner ?? '', s.contact?.name ?? '', s.contact?.phone ?? '']);
  const bytes = Buffer.from(stringify([header, ...rows]), 'utf8');
  const mapping = Object.fromEntries(header.map((h) => [h, h]));
  await applyStoreImport(deps, admin, { bytes, mapping, filename: 'demo-stores.csv' });
}

/** Console sign-ins with the documented demo password, already chosen (no change asked at first sign-in). */
async function addConsoleAccounts(deps: Deps, [adminHash, managerHash]: string[]): Promise<void> {
  const now = deps.clock.now();
  const accounts = [
    { email: DEMO_ADMIN.email, hash: adminHash!, role: 'admin' },
    { email: DEMO_MANAGER.email, hash: managerHash!, role: 'manager' },
  ];
  await inTransaction(deps.db, async (tx) => {
    for (const a of accounts) {
      const slackId = demoPeople.find((p) => p.email === a.email)!.slackId;
      const person = await tx.person.findUniqueOrThrow({ where: { slackId }, select: { id: true } });
      await tx.consoleAccount.create({ data: { personId: person.id, email: a.email, passwordHash: a.hash, mustChangePassword: false, createdAt: now, updatedAt: now } });
      await audit(tx, { actorId: null, action: 'console.account_create', entity: 'person', entityId: person.id, after: { email: a.email, demo: true }, at: now });
    }
  });
}

/**
 * A real workspace would have delivered the notices of the past 60 days long ago: they are marked
 * skipped, so that starting the sandbox does not replay two months of messages. What is still
 * open stays to be sent: the cards and notices of requests that are pending or returned.
 */
async function settleOutbox(deps: Deps): Promise<void> {
  const open = await deps.db.approvalRequest.findMany({ where: { status: { in: ['pending', 'returned'] } }, select: { id: true } });
  const openIds = new Set(open.map((r) => r.id));
  const rows = await deps.db.outbox.findMany({ where: { kind: { startsWith: 'approval.' } }, select: { id: true, payload: true } });
  const keep = rows.filter((r) => openIds.has((JSON.parse(r.payload) as { requestId?: number }).requestId ?? -1)).map((r) => r.id);
  // Sent when written: the dispatcher prunes them by that time, like the rest of a workspace's history.
  await deps.db.$executeRaw`UPDATE "Outbox" SET "status" = 'skipped', "lastError" = 'demo history: sent before the sandbox started', "sentAt" = "createdAt"
    WHERE "status" = 'pending' ${keep.length ? Prisma.sql`AND "id" NOT IN (${Prisma.join(keep)})` : Prisma.empty}`;
}
