import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse as parseStream, type Options as ParseOptions } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import { InvalidInputError } from '../errors.ts';
import { unguardCell } from '../csv-cells.ts';

/**
 * Reading CSV files that people export from Excel, WPS or another system, for every CSV import
 * (stores, orders):
 *
 * - `decodeCsv(bytes)` → the text. Valid UTF-8 (with or without a byte-order mark) is read as UTF-8;
 *   anything else as GB18030 (a superset of GBK/GB2312: what Chinese Excel saves as "CSV"). Bytes that
 *   are neither, or that hold NUL or other control characters (a spreadsheet or an image uploaded by
 *   mistake), are refused with InvalidInputError `csv.binary` / `csv.bad_encoding`.
 * - `readCsv(bytes, opts)` → `{ encoding, headers, rows }`. The first non-blank record is the header
 *   row (names trimmed; a blank name or the same name twice is refused: columns are mapped by name).
 *   Each row keeps the line number (1-based, in the file) where it starts, so that a problem can be
 *   reported as "line 12"; a quoted value may span lines. Values are as written (not trimmed); a row
 *   may have fewer or more values than there are headers — the caller decides what that means.
 *   Rows whose values are all blank (`,,,` left by spreadsheets) are skipped.
 *   Throws InvalidInputError `csv.empty`, `csv.malformed` {line}, `csv.too_many_rows` {max},
 *   `csv.header_blank` {column}, `csv.header_twice` {name}.
 * - `scanCsv(bytes, opts, visit)` / `scanCsvAsync`: the same, handing each row to `visit` instead of
 *   keeping them all (big files); the async one awaits the visitor before it reads on.
 * - `readCsvHeader(bytes)`: the encoding and the headers, without reading the rows.
 *
 * Line endings may be CRLF, LF or CR, even mixed (a line break inside a value comes out as LF); the
 * delimiter is a comma, or a semicolon or tab when the header row has more of those than commas.
 */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

export interface CsvRow {
  /** Where the record starts in the file, counting from 1 (the header is line 1 in most files). */
  line: number;
  values: string[];
}

export interface CsvFile {
  encoding: CsvEncoding;
  headers: string[];
  rows: CsvRow[];
}

export interface ReadCsvOptions {
  /** Refuse files with more data rows than this (reading stops at the first row too many). */
  maxRows?: number;
}

// C0 controls other than tab, LF, CR (and the form feed and vertical tab some exports leave):
// text files do not hold them, binary files are full of them. Bytes below 0x80 are ASCII in UTF-8 and
// in GB18030 alike, so the bytes are checked before decoding: by a regular expression over the bytes
// as Latin-1 (one character per byte), as fast on a server's first import as on its hundredth (a loop
// in JavaScript, not yet optimised, took 20 ms per half megabyte).
const CONTROL_BYTE = /[\x00-\x08\x0e-\x1f\x7f]/;
function hasControlBytes(bytes: Buffer): boolean {
  return CONTROL_BYTE.test(bytes.toString('latin1'));
}

/** The file as UTF-8 bytes without a byte-order mark: the input itself when it is UTF-8, else GB18030 re-encoded. */
function asUtf8(bytes: Buffer): { utf8: Buffer; encoding: CsvEncoding } {
  if (bytes.length === 0) throw new InvalidInputError('csv.empty');
  if (hasControlBytes(bytes)) throw new InvalidInputError('csv.binary');
  if (isUtf8(bytes)) {
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return bom ? { utf8: bytes.subarray(3), encoding: 'utf-8-bom' } : { utf8: bytes, encoding: 'utf-8' };
  }
  let text: string;
  try {
    // `fatal`: bytes that are no GB18030 either throw instead of turning into U+FFFD.
    text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidInputError('csv.bad_encoding');
  }
  return { utf8: Buffer.from(text, 'utf8'), encoding: 'gb18030' };
}

/** Bytes checked or decoded between two turns of the event loop (a few milliseconds each). */
const PACED_BYTES = 1 << 18;

/**
 * `asUtf8` a megabyte at a time, giving the event loop a turn between (`pace`): checking and decoding
 * a 10 MB file at once is 40 ms (UTF-8) to 200 ms (GB18030) of the server's thread.
 */
async function asUtf8Paced(bytes: Buffer, pace: () => Promise<void>): Promise<{ utf8: Buffer; encoding: CsvEncoding }> {
  if (bytes.length <= PACED_BYTES) return asUtf8(bytes);
  let utf8 = true;
  for (let i = 0; i < bytes.length; ) {
    // Slices end where a character starts (not on a UTF-8 continuation byte), so that each slice of a
    // UTF-8 file is UTF-8 on its own.
    let end = Math.min(i + PACED_BYTES, bytes.length);
    while (end < bytes.length && end > i + PACED_BYTES - 4 && (bytes[end]! & 0xc0) === 0x80) end--;
    const slice = bytes.subarray(i, end);
    if (hasControlBytes(slice)) throw new InvalidInputError('csv.binary');
    if (utf8 && !isUtf8(slice)) utf8 = false;
    i = end;
    await pace();
  }
  if (utf8) {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return bom ? { utf8: bytes.subarray(3), encoding: 'utf-8-bom' } : { utf8: bytes, encoding: 'utf-8' };
  }
  const decoder = new TextDecoder('gb18030', { fatal: true });
  const parts: Buffer[] = [];
  try {
    for (let i = 0; i < bytes.length; i += PACED_BYTES) {
      parts.push(Buffer.from(decoder.decode(bytes.subarray(i, i + PACED_BYTES), { stream: true }), 'utf8'));
      await pace();
    }
    parts.push(Buffer.from(decoder.decode(), 'utf8'));
  } catch (e) {
    if (e instanceof TypeError) throw new InvalidInputError('csv.bad_encoding');
    throw e;
  }
  return { utf8: Buffer.concat(parts), encoding: 'gb18030' };
}

export function decodeCsv(bytes: Buffer): { text: string; encoding: CsvEncoding } {
  const { utf8, encoding } = asUtf8(bytes);
  return { text: utf8.toString('utf8'), encoding };
}

/** The delimiter of the header line: semicolon or tab files come from European Excel and TSV exports. */
function delimiterOf(utf8: Buffer): string {
  let end = utf8.findIndex((b) => b === 0x0a || b === 0x0d);
  if (end < 0) end = utf8.length;
  const first = utf8.subarray(0, end).toString('utf8');
  const count = (c: string) => first.split(c).length - 1;
  const [best] = [',', ';', '\t'].map((c) => [c, count(c)] as const).sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ',';
}

const LINE_BREAK = /\r\n|\r|\n/g;
const lineBreaks = (s: string): number => {
  LINE_BREAK.lastIndex = 0;
  let n = 0;
  while (LINE_BREAK.exec(s)) n++;
  return n;
};

const isBlank = (values: string[]): boolean => values.every((v) => v.trim() === '');

interface CsvParseError {
  code?: unknown;
}

type Visit = (row: CsvRow, headers: string[]) => void;
export interface CsvScan {
  encoding: CsvEncoding;
  headers: string[];
  rows: number;
}

function parserOptions(utf8: Buffer): ParseOptions {
  return {
    delimiter: delimiterOf(utf8),
    // Any line ending, even mixed in one file (rows pasted from elsewhere).
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    // Blank lines come as records (one empty value) and are counted, so that each row knows its line.
    skip_empty_lines: false,
  };
}

/** Turns the parser's records, in order, into the header and the rows with their line numbers. */
class Records {
  headers: string[] | null = null;
  rows = 0;
  /** Where the next record starts. */
  line = 1;

  constructor(private readonly opts: ReadCsvOptions) {}

  /** The record as a row, or null for the header and blank lines. */
  take(values: string[]): CsvRow | null {
    const start = this.line;
    this.line += 1;
    for (let i = 0; i < values.length; i++) {
      // An exported file read back: `'+86 138…` is the phone `+86 138…` (csv-cells.ts).
      const v = (values[i] = unguardCell(values[i]!));
      if (!v.includes('\n') && !v.includes('\r')) continue;
      this.line += lineBreaks(v);
      // A line break inside a value is LF, whatever the file's line endings.
      if (v.includes('\r')) values[i] = v.replace(/\r\n?/g, '\n');
    }
    // Blank lines and rows of nothing but delimiters (`,,,` left by spreadsheets) are no rows.
    if (isBlank(values)) return null;
    if (this.headers === null) {
      this.headers = headersOf(values);
      return null;
    }
    if (this.opts.maxRows !== undefined && this.rows >= this.opts.maxRows) throw new InvalidInputError('csv.too_many_rows', { max: this.opts.maxRows });
    this.rows++;
    return { line: start, values };
  }

  /** A parser error as the user's problem: the record that could not be read starts where the last one ended. */
  failure(e: unknown): unknown {
    const err = e as CsvParseError;
    return typeof err.code === 'string' && err.code.startsWith('CSV_') ? new InvalidInputError('csv.malformed', { line: this.line }) : e;
  }

  done(encoding: CsvEncoding): CsvScan {
    if (this.headers === null) throw new InvalidInputError('csv.empty');
    return { encoding, headers: this.headers, rows: this.rows };
  }
}

/**
 * `readCsv` without keeping the rows: each row goes to `visit` as it is parsed (with the headers), so
 * that a 100,000-row import holds what it makes of the rows, not the rows as well. Returns what readCsv
 * returns but the number of rows. An error thrown by `visit` stops the reading and comes out as is.
 */
export function scanCsv(bytes: Buffer, opts: ReadCsvOptions, visit: Visit): CsvScan {
  const { utf8, encoding } = asUtf8(bytes);
  const records = new Records(opts);
  try {
    parseCsv(utf8, {
      ...parserOptions(utf8),
      on_record: (values: string[]) => {
        const row = records.take(values);
        if (row) visit(row, records.headers!);
        return null; // kept by the visitor, not by the parser
      },
    });
  } catch (e) {
    throw records.failure(e);
  }
  return records.done(encoding);
}

/**
 * `scanCsv` for a visitor that writes as it goes: the file is parsed a slice at a time, each row
 * awaited before the next is read, so that memory holds a few rows, whatever the file's size. With
 * `pace` (pace.ts), the checks and decoding of the whole file that come first give the event loop its
 * turns too (the visitor paces the rows).
 */
export async function scanCsvAsync(
  bytes: Buffer,
  opts: ReadCsvOptions,
  visit: (row: CsvRow, headers: string[]) => Promise<void> | void,
  pace?: () => Promise<void>,
): Promise<CsvScan> {
  const { utf8, encoding } = pace ? await asUtf8Paced(bytes, pace) : asUtf8(bytes);
  const records = new Records(opts);
  const parser = parseStream(parserOptions(utf8));
  // The parser reads a slice at once, before the visitor sees its first row: paced, slices small enough
  // to take a few milliseconds even before the parser's code is optimised (a first 64 KB took 150 ms).
  const SLICE = pace ? 8 * 1024 : 64 * 1024;
  const source = Readable.from((function* () {
    for (let i = 0; i < utf8.length; i += SLICE) yield utf8.subarray(i, i + SLICE);
  })());
  source.pipe(parser);
  try {
    for await (const values of parser as AsyncIterable<string[]>) {
      const row = records.take(values);
      if (row) await visit(row, records.headers!);
    }
  } catch (e) {
    throw records.failure(e);
  } finally {
    source.destroy();
    parser.destroy();
  }
  return records.done(encoding);
}

function headersOf(values: string[]): string[] {
  const headers = values.map((h) => h.trim());
  // Trailing blank header cells are common (a stray column in the spreadsheet); inner ones are not.
  while (headers.length && headers[headers.length - 1] === '') headers.pop();
  const seen = new Set<string>();
  headers.forEach((h, i) => {
    if (h === '') throw new InvalidInputError('csv.header_blank', { column: i + 1 });
    if (seen.has(h)) throw new InvalidInputError('csv.header_twice', { name: h });
    seen.add(h);
  });
  return headers;
}

/** Stops the parser at the first data row. */
class HeaderRead extends Error {}

/** The encoding and the header row only: the rest of the file is not parsed (a mapping step's guess). */
export function readCsvHeader(bytes: Buffer): { encoding: CsvEncoding; headers: string[] } {
  const { utf8, encoding } = asUtf8(bytes);
  const records = new Records({});
  try {
    parseCsv(utf8, {
      ...parserOptions(utf8),
      on_record: (values: string[]) => {
        if (records.take(values)) throw new HeaderRead();
        return null;
      },
    });
  } catch (e) {
    if (!(e instanceof HeaderRead)) throw records.failure(e);
  }
  const { headers } = records.done(encoding);
  return { encoding, headers };
}

export function readCsv(bytes: Buffer, opts: ReadCsvOptions = {}): CsvFile {
  const rows: CsvRow[] = [];
  const { encoding, headers } = scanCsv(bytes, opts, (row) => rows.push(row));
  return { encoding, headers, rows };
}
