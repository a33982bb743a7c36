// One run of the store-import bench in a fresh process (bench/store-import.bench.ts starts it):
// `tsx bench/store-import-child.ts <database file> <csv file>` imports the file as the admin U0ADMIN,
// then prints the time and the process's peak resident memory as one JSON line. It imports only what
// the import needs, so that the peak is the import's and not the bench harness's.
import { readFileSync } from 'node:fs';
import { openDatabase } from '../src/db/client.ts';
import { fixedClock } from '../src/domain/clock.ts';
import { readCsvHeader } from '../src/domain/imports/csv.ts';
import { applyStoreImport, guessMapping, type StoreImportResult } from '../src/domain/imports/store-import.ts';
import { actorBySlackId } from '../src/domain/people/people.ts';

export interface ChildReport {
  /** The import (parse, validate, apply), wall clock; the file already read, as the upload step leaves it. */
  ms: number;
  /** CPU time of the process meanwhile (less than `ms` when the machine is busy with other work). */
  cpuMs: number;
  /** VmHWM: the most resident memory the process ever had. */
  peakMB: number;
  result: StoreImportResult;
}

const [dbPath, csvPath] = process.argv.slice(2);
if (dbPath && csvPath) {
  const database = await openDatabase(`file:${dbPath}`);
  const deps = { db: database.db, clock: fixedClock('2026-11-22T02:00:00Z') };
  const admin = await actorBySlackId(database.db, 'U0ADMIN');
  if (!admin) throw new Error('no admin U0ADMIN in the bench database');
  const bytes = readFileSync(csvPath);
  // The mapping step (a request of its own in the console): the columns as guessed from the headers.
  const guess = guessMapping(readCsvHeader(bytes).headers);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await applyStoreImport(deps, admin, { bytes, mapping: guess, filename: 'stores.csv' });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await database.close();
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  const peakMB = hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ms, cpuMs, peakMB, result } satisfies ChildReport));
}
