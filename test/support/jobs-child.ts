// One app process's scheduler, driven line by line from stdin (test/integration/jobs/replicas.test.ts):
// `tsx test/support/jobs-child.ts <database url> <owner>` reads `tick <ISO time>` and answers each with one
// JSON line (the slots it ran); `exit` ends it. The clock is fixed at each tick's time, so that two
// processes can tick the same instants. With JOBS_CHILD_PAUSE=<slot key>, the sweep of that slot does
// its work and then hangs before the run is recorded as done (the test kills the process there).
import { createInterface } from 'node:readline';
import { openDatabase } from '../../src/db/client.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { jobs } from '../../src/jobs/index.ts';
import type { Job } from '../../src/jobs/job.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';

const [url, owner] = process.argv.slice(2);
const pause = process.env.JOBS_CHILD_PAUSE;
const database = await openDatabase(url!);
const clock = fixedClock('2000-01-01T00:00:00Z');
const list: Job[] = jobs.map((j) =>
  j.name === 'sweep' && pause
    ? {
        ...j,
        run: async (ctx, slot) => {
          const outcome = await j.run(ctx, slot);
          if (slot.key === pause) {
            console.log(JSON.stringify({ paused: slot.key }));
            await new Promise(() => undefined);
          }
          return outcome;
        },
      }
    : j,
);
const scheduler = createScheduler({ deps: { db: database.db, clock }, jobs: list, owner: owner!, leaseMs: 120_000, log: (line) => console.error(line) });

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'exit') break;
  if (command !== 'tick' || !arg) continue;
  clock.set(arg);
  const started = Date.now();
  const r = await scheduler.tick(clock.now());
  console.log(JSON.stringify({ tick: arg, results: r.results.map((x) => ({ job: x.job, slot: x.slot, status: x.status, ...(x.status === 'failed' ? { error: x.error } : {}) })), ms: Date.now() - started }));
}
await database.close();
// stdin stays open (a pipe) after the last line read: end here.
process.exit(0);
