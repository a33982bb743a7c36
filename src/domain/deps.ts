import type { Db } from '../db/client.ts';
import type { Clock } from './clock.ts';

/** What every domain service needs; passed in, never imported, so tests choose the database and time. */
export interface Deps {
  db: Db;
  clock: Clock;
}
