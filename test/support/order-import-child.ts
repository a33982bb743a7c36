// An order import in a process of its own, to be killed midway (test/integration/domain/orders/order-import-load.test.ts):
// `tsx test/support/order-import-child.ts <database file> <csv file>` applies the file (columns
// order_no, store_code, amount, ordered_at) as the example company's admin (U0ADM1) and prints the report's counts.
import { readFileSync } from 'node:fs';
import { openDatabase } from '../../src/db/client.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { applyOrderImport } from '../../src/domain/orders/order-import.ts';
import { actorBySlackId } from '../../src/domain/people/people.ts';
import { T0 } from './world.ts';

const [file, csv] = process.argv.slice(2);
const database = await openDatabase(`file:${file}`);
const admin = await actorBySlackId(database.db, 'U0ADM1');
if (!admin) throw new Error('no admin U0ADM1');
const mapping = { orderNo: 'order_no', storeCode: 'store_code', amount: 'amount', orderedAt: 'ordered_at' };
const report = await applyOrderImport({ db: database.db, clock: fixedClock(T0) }, admin, readFileSync(csv!), mapping);
console.log(JSON.stringify({ created: report.created, unchanged: report.unchanged }));
await database.close();
