/** Time is a dependency: the domain never reads the system clock itself, so tests can fix "now". */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(start: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (d) => {
      current = new Date(d);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const addMs = (d: Date, ms: number): Date => new Date(d.getTime() + ms);
export const addDaysUtc = (d: Date, days: number): Date => addMs(d, days * DAY_MS);
