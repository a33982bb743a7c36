import { approvalRemindersJob } from './approval-reminders.job.ts';
import { awayJob } from './away.job.ts';
import { digestJob } from './digest.job.ts';
import { followUpRemindersJob } from './followup-reminders.job.ts';
import { housekeepingJob } from './housekeeping.job.ts';
import type { Job } from './job.ts';
import { sweepJob } from './sweep.job.ts';
import { warningsJob } from './warnings.job.ts';

/** Every scheduled job, in the order a tick runs them. A new job is one line here (src/jobs/job.ts is the contract). */
export const jobs: readonly Job[] = [sweepJob, warningsJob, followUpRemindersJob, digestJob, awayJob, approvalRemindersJob, housekeepingJob];
