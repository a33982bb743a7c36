import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { fixedClock, systemClock } from '../domain/clock.ts';
import { createFirstAdmin, resetConsolePassword } from '../domain/console/accounts.ts';
import { isDomainError } from '../domain/errors.ts';
import { importOrg, type ImportReport } from '../domain/imports/org-import.ts';
import { sweepAutoReturn } from '../domain/pools/sweep.ts';
import { regradeAll } from '../domain/grades/grades.ts';
import { formatDateTime } from '../domain/time/zone.ts';
import { describeError, describeIssue } from '../i18n/index.ts';
import { loadSettings } from '../domain/settings/settings.ts';
import { jobTitle, noteText, outcomeText } from '../i18n/jobs.ts';
import { jobs } from '../jobs/index.ts';
import { createScheduler, type SlotResult } from '../jobs/scheduler.ts';
import { backfillSearchKeys } from '../domain/search/backfill.ts';

const usage = `usage: npm run crm -- <command>
  import FILE [--dry-run]   apply an org file (YAML or JSON): settings, units, people, regions, stores
  sweep [--now ISO-TIME]    return stores whose protection ended; tell their owners and supervisors
  regrade                   recompute every store's A–D grade
  jobs                      the scheduled jobs: schedule, next run and last run (company time)
  jobs run NAME             run the job now, on its own (as the console's Run now): it uses up no
                            slot of the schedule, and sends nothing anyone has had already
  jobs run NAME --now ISO-TIME
                            run the slot the schedule had due at that past time, once (catching up
                            by hand); a time in the future is refused
  admin create EMAIL [--name NAME]
                            a console account for the person with that email (an admin or a manager),
                            or a new console-only admin; prints a one-time password
  admin reset EMAIL         a new one-time password for a console account; its sessions end`;

const reader = { locale: 'en' as const, timezone: process.env.TZ ?? 'UTC' };

function readDataFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

function printReport(r: ImportReport, dryRun: boolean): void {
  const line = (name: string, c: { created: number; updated: number }) => `  ${name.padEnd(8)} ${c.created} created, ${c.updated} updated`;
  console.log(dryRun ? 'Dry run (nothing written):' : 'Imported:');
  console.log(line('units', r.units));
  console.log(line('people', r.people));
  console.log(line('regions', r.regions));
  console.log(`${line('stores', r.stores)}, ${r.stores.relocated} moved to another region`);
  if (r.settings) console.log(`  settings ${r.settings} set`);
  for (const w of r.warnings) console.log(`  warning: ${describeIssue(reader, w)}`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(usage);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  await migrate(config.DATABASE_URL);
  const database = await openDatabase(config.DATABASE_URL);
  const deps = { db: database.db, clock: systemClock };
  await backfillSearchKeys(deps);
  try {
    switch (command) {
      case 'import': {
        const file = rest.find((a) => !a.startsWith('--'));
        if (!file) throw new UsageError('import needs a FILE');
        let data: unknown;
        try {
          data = readDataFile(file);
        } catch (e) {
          console.error(`${file}: cannot read it: ${(e as Error).message}`);
          return 1;
        }
        const dryRun = rest.includes('--dry-run');
        printReport(await importOrg(deps, data, { dryRun }), dryRun);
        return 0;
      }
      case 'sweep': {
        const i = rest.indexOf('--now');
        const now = i >= 0 ? new Date(rest[i + 1] ?? '') : systemClock.now();
        if (Number.isNaN(now.getTime())) throw new UsageError('--now needs an ISO time, e.g. 2026-11-22T08:00:00+08:00');
        const r = await sweepAutoReturn(deps, now);
        console.log(`${r.returned} store(s) returned to the public pool, ${r.notified} notice(s) queued`);
        return 0;
      }
      case 'jobs': {
        const [sub, name] = rest;
        const i = rest.indexOf('--now');
        const real = systemClock.now();
        const now = i >= 0 ? new Date(rest[i + 1] ?? '') : real;
        if (Number.isNaN(now.getTime())) throw new UsageError('--now needs an ISO time, e.g. 2026-11-22T02:00:00+08:00');
        // A slot run before its time would be done when its time comes: the schedule would then skip it,
        // and what it sent (a digest for a day not yet begun, stores returned early) cannot be taken back.
        if (sub === 'run' && now.getTime() > real.getTime()) {
          throw new UsageError(`--now ${rest[i + 1]} is in the future. --now runs a slot that has passed (a catch-up by hand); to run a job now, leave --now out: "jobs run NAME".`);
        }
        // The job's own reads and writes happen at that time too.
        const scheduler = createScheduler({ deps: { db: database.db, clock: i >= 0 ? fixedClock(now) : systemClock }, jobs });
        const { timezone } = await loadSettings(database.db);
        const en = { locale: 'en' as const, timezone };
        const when = (d: Date) => `${formatDateTime(d, timezone)} ${timezone}`;
        const title = (job: string) => `${jobTitle(en, job)} (${job})`;
        if (sub === undefined || sub.startsWith('--')) {
          for (const j of await scheduler.overview(now, 'en')) {
            const last = j.last ? `${j.last.status} ${when(j.last.scheduledAt)}${j.last.status === 'skipped' ? ` — ${noteText(en, j.last.note)}` : ` — ${outcomeText(en, j.last)}`}` : 'not run yet';
            console.log(`${title(j.name)}: ${j.schedule}`);
            console.log(`  next ${j.nextAt ? when(j.nextAt) : '—'}; last ${last}`);
          }
          return 0;
        }
        if (sub !== 'run' || !name || name.startsWith('--')) throw new UsageError('jobs needs nothing, or run and a job NAME');
        if (!jobs.some((j) => j.name === name)) throw new UsageError(`no job named "${name}" (jobs: ${jobs.map((j) => j.name).join(', ')})`);
        const describe = (r: SlotResult): string => {
          const head = r.slot.startsWith('manual:') ? `${title(name)}, run now at ${when(r.at)}` : `${title(name)}, slot ${when(r.at)}`;
          if (r.status === 'skipped') return `${head}: skipped — ${noteText(en, r.note)}`;
          if (r.status === 'taken') return `${head}: already ${r.run.status} — ${r.run.status === 'skipped' ? noteText(en, r.run.note) : outcomeText(en, r.run)}`;
          if (r.status === 'failed') return `${head}: failed — ${r.error ?? ''}`;
          return `${head}: done — ${outcomeText(en, r.outcome)}`;
        };
        // --now: the slot the schedule had due then (catching up by hand); without it, a run of its own now.
        const results = i >= 0 ? await scheduler.runDue(name, now, null) : [await scheduler.runNow(name, now, null)];
        if (results.length === 0) console.log(`${title(name)}: no slot due by ${when(now)}`);
        for (const r of results) console.log(describe(r));
        return results.some((r) => r.status === 'failed') ? 1 : 0;
      }
      case 'regrade': {
        const r = await regradeAll(database.db, systemClock.now());
        console.log(`${r.changed} store grade(s) changed`);
        return 0;
      }
      case 'admin': {
        const [sub, email] = rest;
        if ((sub !== 'create' && sub !== 'reset') || !email || email.startsWith('--')) throw new UsageError('admin needs create or reset and an EMAIL');
        const i = rest.indexOf('--name');
        const issued = sub === 'create' ? await createFirstAdmin(deps, { email, name: i >= 0 ? rest[i + 1] : undefined }) : await resetConsolePassword(deps, null, email);
        console.log(`Console account ${issued.email} ${sub === 'create' ? 'created' : 'reset'}.`);
        console.log(`One-time password: ${issued.password}`);
        console.log('Sign in at /console with it; you will be asked to choose your own password.');
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${usage}`);
      return 2;
    }
    if (isDomainError(e)) {
      console.error(describeError(reader, e));
      return 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

process.exitCode = await main(process.argv.slice(2));
