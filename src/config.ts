import { z } from 'zod';

// Read and checked once at start; a bad value stops the app with a message naming the variable.
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql://')
    .default('file:./data/seaboard.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Slack app credentials; without a signing secret and a bot token the Slack endpoint is off. */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Socket Mode instead of HTTP when set (an app-level xapp- token). */
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…)').optional(),
  /** The Web API base URL: a local stand-in in tests and the sandbox. */
  SLACK_API_URL: z.url().optional(),
  /** The outbox's least time between two messages to one channel (Slack allows about one a second). */
  OUTBOX_PACE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /**
   * The sandbox (a local stand-in Slack at /sandbox, and the demo company in an empty database): on by
   * itself when no SLACK_BOT_TOKEN is set; `1` turns it on anyway, `0` keeps it off (src/sandbox/mode.ts).
   */
  SANDBOX: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
  /**
   * The scheduled jobs (src/jobs: the nightly sweep, digests, reminders, housekeeping): `1` runs the
   * scheduler in this process, `0` leaves it off (a web-only replica). Any number of processes may run
   * it on one database: each slot is claimed once.
   */
  JOBS: z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('1'),
  /** Behind a TLS-terminating proxy: Express's "trust proxy" value (e.g. `1` or `loopback`), so that console cookies are marked Secure. */
  TRUST_PROXY: z.string().optional(),
});

export type Config = z.infer<typeof envSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
