import { housekeepingJob } from './housekeeping.job.ts';
import type { Job } from './job.ts';
import { sweepJob } from './sweep.job.ts';

/** Every scheduled job, in the order a tick runs them. A new job is one line here (src/jobs/job.ts is the contract). */
export const jobs: readonly Job[] = [sweepJob, housekeepingJob];
