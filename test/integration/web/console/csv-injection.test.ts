import iconv from 'iconv-lite';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInertCell } from '../../../../src/domain/csv-cells.ts';
import { parse } from 'csv-parse/sync';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let admin: ConsoleClient;
beforeAll(async () => {
  cw = await consoleWorld();
  admin = await cw.as('admin');
});
afterAll(async () => cw?.stop());

/** Known formula-injection payloads (OWASP's list and the review's). */
const PAYLOADS = [`-1+1+cmd|' /C calc'!A0`, '+1+HYPERLINK("http://evil.example","x")', '-2+3', '=1+1', '@SUM(A1)'];
/** These cannot come in through a form or a file (control characters are refused); an old row may hold them. */
const CONTROL_PAYLOADS = ['\tx', '\rx'];

const mapped = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [`mapping.${k}`, v]));

async function importFile(name: string, content: Buffer): Promise<void> {
  const up = await admin.upload('/console/stores/import', {}, { name, content });
  expect(up.status).toBe(303);
  const id = /\/console\/stores\/import\/([A-Za-z0-9_-]+)$/.exec(up.headers.get('location') ?? '')![1]!;
  const chosen = mapped({ name: 'name', phone: 'phone', address: 'address', lng: 'lng', lat: 'lat', source: 'source' });
  const applied = await admin.post(`/console/stores/import/${id}/apply`, chosen);
  expect(applied.status, applied.text.slice(0, 2000)).toBe(303);
}

/** Every cell of the console's store export, read back as a spreadsheet program would get it. */
async function exportedCells(): Promise<{ cells: string[]; rows: string[][] }> {
  const res = await admin.get('/console/stores.csv');
  expect(res.status).toBe(200);
  // Raw cells: the app's own reader would take the guarding apostrophes off again.
  const rows = (parse(res.text.replace(/^\uFEFF/, ''), { relax_column_count: true, bom: true }) as string[][]).map((r) => r.map((c) => c.replace(/\r\n?/g, '\n')));
  return { cells: rows.flat(), rows };
}

describe('CSV export and formula injection', () => {
  it('round-trips known payloads from a UTF-8 and a GBK file through /console/stores.csv, every one neutralised', async () => {
    const header = ['name', 'phone', 'address', 'lng', 'lat', 'source'];
    const utf8 = stringify([header, ...PAYLOADS.map((p, i) => [`${p} utf8 ${i}`, `-1-2-3-4-${i}`, p, '120.12', '30.24', p.slice(0, 40)])]);
    await importFile('payloads-utf8.csv', Buffer.from(utf8, 'utf8'));
    // GBK, as Chinese Excel saves it; full-width signs too (Chinese input methods type them).
    const gbkPayloads = [...PAYLOADS, '＝1+1', '＋1+1', '－2+3', '＠SUM(A1)'];
    const gbk = stringify([header, ...gbkPayloads.map((p, i) => [`${p} 面馆${i}`, `+86 139 0000 00${10 + i}`, `${p}号`, '120.13', '30.25', '导入'])]);
    await importFile('payloads-gbk.csv', iconv.encode(gbk, 'gbk'));

    const { cells } = await exportedCells();
    for (const c of cells) expect(isInertCell(c), JSON.stringify(c)).toBe(true);
    for (const [i, p] of PAYLOADS.entries()) {
      expect(cells, p).toContain(`'${p} utf8 ${i}`);
      expect(cells, p).toContain(`'${p}`); // the address (and the source)
      expect(cells, p).toContain(`'${p} 面馆${i}`);
      expect(cells, p).toContain(`'-1-2-3-4-${i}`); // a phone number is text a spreadsheet would compute
    }
    for (const p of gbkPayloads.slice(PAYLOADS.length)) expect(cells).toContain(`'${p}号`);
    expect(cells).toContain(`'+86 139 0000 0010`);
    // Coordinates the app stored stay numbers.
    expect(cells).toContain('120.12');
  });

  it('neutralises tab and carriage-return cells already in the database, in every text column', async () => {
    const stores = await cw.w.db.store.findMany({ orderBy: { id: 'asc' }, take: CONTROL_PAYLOADS.length });
    for (const [i, p] of CONTROL_PAYLOADS.entries()) {
      await cw.w.db.store.update({ where: { id: stores[i]!.id }, data: { name: p, address: p, phone: p, source: p } });
    }
    const { cells } = await exportedCells();
    for (const c of cells) expect(isInertCell(c), JSON.stringify(c)).toBe(true);
    // (the reader turns a quoted lone CR into LF)
    expect(cells.filter((c) => c === `'\tx`).length).toBe(4);
    expect(cells.filter((c) => c === `'\nx` || c === `'\rx`).length).toBe(4);
  });
});
