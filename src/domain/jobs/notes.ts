import { z } from 'zod';

// What a job run found or did beyond its sent / skipped / failed, kept as data so that the console and
// the CLI can say it in the reader's language with real plurals ("1 store returned", "3 stores
// returned"), instead of a machine line ("returned:3"). Stored as JSON in JobRun.note (a text column:
// no migration); rows written before this (plain "returned:1", "late:3600000", an error message) are
// read back into the same shape.

/** Why a run did nothing, or was recorded without running. */
export const runReasons = ['late', 'superseded', 'not_working_day'] as const;
export type RunReason = (typeof runReasons)[number];

export interface RunNote {
  /** Named figures of the run: { returned: 3 }, { steps: 2, reminded: 2, escalated: 0 }. */
  counts?: Record<string, number>;
  reason?: RunReason;
  /** How late a slot was when it was skipped as late. */
  lateMs?: number;
  /** What a failed run threw (its first line), or the first of several failures. */
  error?: string;
  /** Free text of a row written before notes were structured. */
  text?: string;
}

/** An error is a line on the console, not a stack trace. */
export const NOTE_ERROR_MAX = 400;
const COUNT_NAME = /^[a-z][a-z_]{0,39}$/;

/** A note as a job gives it (runs.ts checks it with this before writing). */
export const noteSchema = z
  .object({
    counts: z.record(z.string().regex(COUNT_NAME), z.number().int().min(0)).optional(),
    reason: z.enum(runReasons).optional(),
    lateMs: z.number().min(0).optional(),
    error: z.string().optional(),
    text: z.string().optional(),
  })
  .strict();

const cutError = (s: string): string => (s.length > NOTE_ERROR_MAX ? `${s.slice(0, NOTE_ERROR_MAX - 1)}…` : s);

/** The column's text for a note; null when there is nothing to say. Throws on a count that is not a named non-negative integer (a job's bug). */
export function encodeNote(note: RunNote | null | undefined): string | null {
  if (!note) return null;
  const clean: RunNote = {};
  if (note.counts && Object.keys(note.counts).length) clean.counts = note.counts;
  if (note.reason) clean.reason = note.reason;
  if (note.lateMs !== undefined) clean.lateMs = Math.max(0, Math.round(note.lateMs));
  if (note.error) clean.error = cutError(note.error);
  if (note.text) clean.text = cutError(note.text);
  if (!Object.keys(clean).length) return null;
  return JSON.stringify(noteSchema.parse(clean));
}

/** A note as stored, back as data: JSON, or the plain lines of rows from before. */
export function decodeNote(raw: string | null): RunNote | null {
  if (raw === null || raw === '') return null;
  if (raw.startsWith('{')) {
    try {
      const r = noteSchema.safeParse(JSON.parse(raw));
      if (r.success) return r.data;
    } catch {
      // not JSON after all: read as a plain line below
    }
  }
  const late = /^late:(\d+)$/.exec(raw);
  if (late) return { reason: 'late', lateMs: Number(late[1]) };
  if (raw === 'superseded') return { reason: 'superseded' };
  // "returned:1", "steps:2 reminded:2 escalated:0", "people:18 late"
  const counts: Record<string, number> = {};
  let reason: RunReason | undefined;
  for (const part of raw.split(' ')) {
    const m = /^([a-z_]+):(\d+)$/.exec(part);
    if (m && COUNT_NAME.test(m[1]!)) counts[m[1]!] = Number(m[2]);
    else if ((runReasons as readonly string[]).includes(part)) reason = part as RunReason;
    else return { text: raw };
  }
  return { ...(Object.keys(counts).length ? { counts } : {}), ...(reason ? { reason } : {}) };
}
