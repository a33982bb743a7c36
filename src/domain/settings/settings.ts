import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';

// The rules of the pools and grades, editable by admins. Stored one row per key; every key has a
// default so that an empty database behaves as PRODUCT.md describes.
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'validation.time_hhmm');

export const settingsSchema = z.object({
  timezone: z.string().min(1).default('Asia/Shanghai'),
  poolCap: z.number().int().min(0).max(100_000).default(100),
  protectionDays: z.number().int().min(1).max(3650).default(30),
  visitExtendsDays: z.number().int().min(0).max(3650).default(14),
  maxHoldDays: z.number().int().min(1).max(3650).default(90),
  reclaimCooldownDays: z.number().int().min(0).max(3650).default(7),
  /** team: regions of the rep's unit, its ancestors and its sub-units; citywide: every region of its tree. */
  claimScope: z.enum(['team', 'citywide']).default('team'),
  returnWarningDays: z.array(z.number().int().min(1).max(60)).max(5).default([3, 1]),
  gradeOrderDaysA: z.number().int().min(1).max(3650).default(7),
  gradeOrderDaysB: z.number().int().min(1).max(3650).default(30),
  gradeVisitDaysC: z.number().int().min(1).max(3650).default(30),
  /**
   * Per approval flow, in minor units (fen / cents): from this amount on, the first approver cannot
   * approve finally but sends the request up to the next unit's lead. Default 50,000.00.
   */
  approvalThresholds: z
    .object({
      report: z.number().int().min(0).max(1_000_000_000),
      sign: z.number().int().min(0).max(1_000_000_000),
      terminate: z.number().int().min(0).max(1_000_000_000),
    })
    .strict()
    .default({ report: 5_000_000, sign: 5_000_000, terminate: 5_000_000 }),
  /** Local times (in `timezone`) of the scheduled jobs. */
  reminderTimes: z
    .object({ digest: hhmm, dailyReport: hhmm, sweep: hhmm })
    .strict()
    .default({ digest: '08:30', dailyReport: '18:00', sweep: '02:00' }),
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which digests and nudges go out. */
  workingDays: z
    .array(z.number().int().min(1).max(7))
    .min(1)
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'validation.duplicates')
    .default([1, 2, 3, 4, 5]),
  /** A pending approval step is reminded after this many hours and escalated to the level above after the second. */
  approvalReminderHours: z.number().int().min(1).max(720).default(24),
  approvalEscalateHours: z.number().int().min(1).max(2160).default(72),
  /** Map tiles for the console's region map, `https://…/{z}/{x}/{y}.png`; empty: a plain background. */
  tileUrl: z
    .string()
    .trim()
    .max(500)
    .regex(/^$|^https?:\/\/[^\s]*\{z\}[^\s]*\{x\}[^\s]*\{y\}[^\s]*$/, 'settings.tile_url')
    .default(''),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
export const settingKeys = Object.keys(settingsSchema.shape) as (keyof Settings)[];

/**
 * Some settings, for a change: every key optional and without its default, so that a key left out
 * is left as it is (zod's `.partial()` would still fill in the defaults).
 */
export const settingsPatchSchema = z
  .object(Object.fromEntries(Object.entries(settingsSchema.shape).map(([k, v]) => [k, v.unwrap().optional()])) as {
    [K in keyof typeof settingsSchema.shape]: z.ZodOptional<ReturnType<(typeof settingsSchema.shape)[K]['unwrap']>>;
  })
  .strict();

export const defaultSettings: Settings = settingsSchema.parse({});

export async function loadSettings(db: Db | Tx): Promise<Settings> {
  const rows = await db.setting.findMany();
  const raw: Record<string, unknown> = {};
  for (const row of rows) {
    if ((settingKeys as string[]).includes(row.key)) raw[row.key] = JSON.parse(row.value);
  }
  // A stored value that no longer validates falls back to the default rather than stopping the app.
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const settings = { ...defaultSettings };
  for (const key of settingKeys) {
    const one = settingsSchema.shape[key].safeParse(raw[key]);
    if (one.success) (settings as Record<string, unknown>)[key] = one.data;
  }
  return settings;
}

/** Writes the given keys (already validated by the caller's schema). */
export async function writeSettings(tx: Tx, values: Partial<Settings>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const json = JSON.stringify(value);
    await tx.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
  }
}
