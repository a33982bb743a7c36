// A store import in a process of its own, to be killed midway (test/integration/domain/imports/store-import-load.test.ts):
// `tsx test/support/import-child.ts <database file> <csv file>` applies the file as the example
// company's admin (U0ADM1) and prints the result.
import { readFileSync } from 'node:fs';
import { openDatabase } from '../../src/db/client.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { applyStoreImport, readStoreFile } from '../../src/domain/imports/store-import.ts';
import { actorBySlackId } from '../../src/domain/people/people.ts';
import { T0 } from './world.ts';

const [file, csv] = process.argv.slice(2);
const database = await openDatabase(`file:${file}`);
const admin = await actorBySlackId(database.db, 'U0ADM1');
if (!admin) throw new Error('no admin U0ADM1');
const bytes = readFileSync(csv!);
const result = await applyStoreImport({ db: database.db, clock: fixedClock(T0) }, admin, { bytes, mapping: readStoreFile(bytes).guess });
console.log(JSON.stringify(result));
await database.close();
