/**
 * The import engine of tabular resources: an uploaded file on disk → a Frictionless Table Schema inferred
 * from a bounded sample (`inspect`), then every row coerced to a schema, streamed (`readRows`).
 *
 * Formats: CSV (delimiter `,` `;` tab `|`), JSON array of objects, NDJSON, XLSX. Encodings: UTF-8 (with or
 * without BOM; stray invalid bytes read as Windows-1252) and Windows-1252. Memory does not depend on the
 * file size: files are read in 1 MB chunks and only the current record is buffered.
 */
import { stat } from 'node:fs/promises';
import { hostileReason } from '../../kernel/input.js';
import type { Cell, Field, RowResult, SourceDialect, TableSchema } from '../table-schema.js';
import { compileRowCoercer, type RowCoercer } from './coerce.js';
import { delimiters, detectDelimiter, tokenizeSample, type Delimiter } from './csv.js';
import { decodeAll } from './decode.js';
import { ImportError } from './errors.js';
import { detectHeader, inferColumns, makeNames } from './infer.js';
import { JsonArrayScanner, NdjsonSplitter, type JsonRecord } from './json.js';
import { readHead, sniffBinary, sniffEncoding, SAMPLE_BYTES } from './sniff.js';
import { textRecords, xlsxRecords, type SourceRecord } from './sources.js';
import { defaultMissingValues, type RawCell } from './values.js';
import { importMessage, rowProblem, type ImportMessage } from './messages.js';

export { ImportError, type ImportErrorCode } from './errors.js';
export { importMessage, type ImportMessage, type ImportMessageCode, type RowProblem } from './messages.js';

export interface Inspection {
  dialect: SourceDialect;
  schema: TableSchema;
  /** The first ≤ 20 typed rows (rows that would be rejected are left out). */
  sample: Cell[][];
  warnings: ImportMessage[];
}

export interface InspectHints {
  fileName?: string;
  mediaType?: string;
  /** Forces parts of the dialect (as corrected by the publisher); the rest is detected. */
  dialect?: Partial<SourceDialect>;
  /** The publisher forces the version: a header without data rows is an empty table, not an error. */
  allowEmpty?: boolean;
}

export interface ReadProgress {
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
}

export interface ReadOptions {
  /** Called at most ~10 times per second, and once at the end. */
  onProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
  /** File-level warnings found while reading (e.g. bytes that are not valid UTF-8), at most once each. */
  onWarning?: (message: ImportMessage) => void;
  /** See `RowCoercerOptions.onLeadingZero`. */
  onLeadingZero?: (fieldIndex: number, line: number) => void;
}

/** Inference reads at most this many rows (and at most SAMPLE_BYTES bytes). */
export const MAX_SAMPLE_ROWS = 10_000;
/** Files with more columns are refused (`too_many_columns`) before any row is read. */
export const MAX_COLUMNS = 1_000;
const SAMPLE_SIZE = 20;

function tooManyColumns(n: number): ImportError {
  return new ImportError(
    'too_many_columns',
    `The table has ${n.toLocaleString('en')} columns; at most ${MAX_COLUMNS.toLocaleString('en')} are supported.`,
  );
}

function hintedDelimiter(hints: InspectHints): Delimiter | undefined {
  const name = hints.fileName?.toLowerCase() ?? '';
  const type = hints.mediaType?.toLowerCase() ?? '';
  if (name.endsWith('.tsv') || name.endsWith('.tab') || type.includes('tab-separated')) return '\t';
  return undefined;
}

/** Sniffs format, encoding, delimiter, header and column types from the start of the file. */
export async function inspect(path: string, hints: InspectHints = {}): Promise<Inspection> {
  const { size, head, complete, tail } = await readHead(path, SAMPLE_BYTES);
  if (size === 0) throw new ImportError('empty_file', 'The file is empty.');
  const forced = hints.dialect ?? {};
  const warnings: ImportMessage[] = [];
  const kind = sniffBinary(head, tail);
  if (kind === 'xlsx' || forced.format === 'xlsx') {
    if (kind !== 'xlsx') throw new ImportError('unsupported_format', 'This file is not an XLSX spreadsheet.');
    return inspectXlsx(path, forced, warnings, hints.allowEmpty);
  }
  let encoding = forced.encoding;
  if (!encoding) {
    const guess = sniffEncoding(head, complete);
    encoding = guess.encoding;
    if (guess.warning) warnings.push(guess.warning);
    else if (encoding === 'windows-1252') warnings.push(importMessage('encoding.windows1252'));
  }
  const text = decodeAll(head, encoding, !complete).text;
  const start = text.search(/\S/);
  if (start < 0) throw new ImportError('empty_file', 'The file contains only blank space.');
  const format = forced.format ?? detectTextFormat(text, start);
  const lowerName = hints.fileName?.toLowerCase() ?? '';
  if (/\.xlsx?$/.test(lowerName))
    warnings.push(
      importMessage('format.textNamedAsSpreadsheet', { fileName: hints.fileName ?? '', format: format.toUpperCase() }),
    );
  if (format === 'csv') return inspectCsv(text, complete, encoding, forced, hints, warnings);
  return inspectJson(text, complete, encoding, format, warnings);
}

function detectTextFormat(text: string, start: number): 'csv' | 'json' | 'ndjson' {
  const c = text[start];
  if (c === '[') return 'json';
  if (c !== '{') return 'csv';
  // One object per line, or one (pretty-printed) object?
  const lines = text
    .slice(start)
    .split('\n', 6)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const objects = lines.filter((l) => {
    try {
      const v = JSON.parse(l) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      return false;
    }
  }).length;
  if (objects > 0 && objects >= lines.length / 2) return 'ndjson';
  throw new ImportError(
    'unsupported_format',
    'This JSON file is a single object: a table must be a JSON array of objects ([{…}, {…}]) or NDJSON (one object per line).',
  );
}

function samplingWarning(rows: number, truncated: boolean, warnings: ImportMessage[]): void {
  if (truncated) warnings.push(importMessage('sample.partial', { rows }));
}

function typedSample(coerce: (r: SourceRecord) => RowResult | null, records: SourceRecord[]): Cell[][] {
  const sample: Cell[][] = [];
  for (const r of records) {
    if (sample.length >= SAMPLE_SIZE) break;
    const res = coerce(r);
    if (res && 'values' in res) sample.push(res.values);
  }
  return sample;
}

function inspectCsv(
  text: string,
  complete: boolean,
  encoding: SourceDialect['encoding'],
  forced: Partial<SourceDialect>,
  hints: InspectHints,
  warnings: ImportMessage[],
): Inspection {
  const delimiter = forced.delimiter ?? detectDelimiter(text, complete, hintedDelimiter(hints));
  const records = tokenizeSample(text, delimiter, complete, MAX_SAMPLE_ROWS + 1);
  if (records.length === 0) {
    // The first line does not end within the sample.
    const most = Math.max(...delimiters.map((d) => text.split(d, MAX_COLUMNS + 2).length));
    if (most > MAX_COLUMNS) throw tooManyColumns(most);
    throw new ImportError(
      'unreadable',
      `The first line is longer than ${SAMPLE_BYTES / 1048576} MB: this does not look like a CSV file.`,
    );
  }
  const firstOk = records.find((r): r is { line: number; cells: string[] } => 'cells' in r);
  if (!firstOk) throw new ImportError('unreadable', 'No row of this file could be read (malformed quotes?).');
  const first = records[0]!;
  if ('error' in first) warnings.push(importMessage(first.code, first.params));
  const width = firstOk.cells.length;
  if (width > MAX_COLUMNS) throw tooManyColumns(width);
  const rest = records.slice(records.indexOf(firstOk) + 1);
  const body = rest
    .filter((r): r is { line: number; cells: string[] } => 'cells' in r && r.cells.length === width)
    .map((r) => r.cells);
  const missingValues = [...defaultMissingValues];
  const commaIsDelimiter = delimiter === ',';
  const header =
    forced.header ?? detectHeader(firstOk.cells, body.slice(0, MAX_SAMPLE_ROWS), commaIsDelimiter, missingValues);
  if (header && rest.length === 0 && !hints.allowEmpty)
    throw new ImportError(
      'no_rows',
      `The file has a header (${width} column${width > 1 ? 's' : ''}) but no data rows.`,
    );
  const dataRows = header ? body : [firstOk.cells, ...body];
  const names = makeNames(header ? firstOk.cells : null, width, warnings);
  const guesses = inferColumns(dataRows, width, commaIsDelimiter, missingValues, names);
  const schema: TableSchema = { fields: names.map((name, i) => ({ name, ...guesses[i]! })), missingValues };
  const dataRecords = header ? rest : records.slice(records.indexOf(firstOk));
  const ragged = dataRecords.filter((r) => 'cells' in r && r.cells.length !== width).length;
  const broken = dataRecords.filter((r) => 'error' in r).length;
  if (ragged) warnings.push(importMessage('rows.ragged', { count: ragged, sampled: dataRecords.length, width }));
  if (broken) warnings.push(importMessage('rows.brokenQuotes', { count: broken, sampled: dataRecords.length }));
  if (!header) warnings.push(importMessage('header.none'));
  samplingWarning(dataRecords.length, !complete || records.length > MAX_SAMPLE_ROWS, warnings);
  const coerce = compileRowCoercer(schema);
  const sample = typedSample((r) => ('cells' in r ? coerce(r.line, r.cells) : null), dataRecords);
  return { dialect: { format: 'csv', encoding, delimiter, header }, schema, sample, warnings };
}

function jsonSample(text: string, complete: boolean, format: 'json' | 'ndjson'): JsonRecord[] {
  const out: JsonRecord[] = [];
  const t = format === 'json' ? new JsonArrayScanner() : new NdjsonSplitter();
  t.push(text, out);
  if (complete) t.end(out);
  if (t instanceof JsonArrayScanner && t.notAnArray)
    throw new ImportError('unsupported_format', 'A JSON table must be an array of objects.');
  return out.length > MAX_SAMPLE_ROWS ? out.slice(0, MAX_SAMPLE_ROWS) : out;
}

/** Source keys in first-seen order over the sample. */
function jsonKeys(records: JsonRecord[]): string[] {
  const keys = new Set<string>();
  for (const r of records) if ('object' in r) for (const k of Object.keys(r.object)) keys.add(k);
  return [...keys];
}

function inspectJson(
  text: string,
  complete: boolean,
  encoding: SourceDialect['encoding'],
  format: 'json' | 'ndjson' | 'xlsx',
  warnings: ImportMessage[],
): Inspection {
  if (format === 'xlsx') throw new ImportError('unsupported_format', 'This file is not an XLSX spreadsheet.');
  const records = jsonSample(text, complete, format);
  const objects = records.filter((r) => 'object' in r).length;
  if (records.length === 0)
    throw new ImportError('no_rows', format === 'json' ? 'The JSON array is empty.' : 'The file has no rows.');
  if (objects === 0)
    throw new ImportError(
      'unsupported_format',
      format === 'json'
        ? 'A JSON table must be an array of objects; the items of this array are not objects.'
        : 'No line of this NDJSON file is a JSON object.',
    );
  const keys = jsonKeys(records);
  if (keys.length > MAX_COLUMNS) throw tooManyColumns(keys.length);
  if (keys.length === 0) throw new ImportError('no_rows', 'The objects of this file have no properties.');
  const names = makeNames(keys, keys.length, warnings);
  const rows = records.filter((r) => 'object' in r).map((r) => keys.map((k) => r.object[k] as RawCell));
  const missingValues = [...defaultMissingValues];
  const guesses = inferColumns(rows, keys.length, true, missingValues, names);
  const schema: TableSchema = { fields: names.map((name, i) => ({ name, ...guesses[i]! })), missingValues };
  const errors = records.length - objects;
  if (errors)
    warnings.push(
      importMessage('json.invalidRecords', {
        count: errors,
        sampled: records.length,
        unit: format === 'json' ? 'item' : 'line',
      }),
    );
  samplingWarning(records.length, !complete || records.length >= MAX_SAMPLE_ROWS, warnings);
  const toRow = jsonRowMapper(keys, schema);
  const sample = typedSample((r) => toRow(r as JsonRecord), records);
  return { dialect: { format, encoding, header: true }, schema, sample, warnings };
}

/** JSON objects → rows: by field name when every field name is a source key, else by position. */
function jsonRowMapper(
  keys: string[],
  schema: TableSchema,
  onLeadingZero?: (fieldIndex: number, line: number) => void,
): (r: JsonRecord) => RowResult {
  const names = schema.fields.map((f) => f.name);
  const keySet = new Set(keys);
  let order: string[];
  if (names.every((n) => keySet.has(n))) order = names;
  else if (names.length === keys.length) order = keys;
  else
    throw new RangeError(
      `The schema has ${names.length} fields but the file has ${keys.length} keys (${keys.slice(0, 5).join(', ')}…)`,
    );
  const known = new Set(order);
  const coerce: RowCoercer = compileRowCoercer(schema, { onLeadingZero });
  const n = order.length;
  return (r) => {
    if ('error' in r) return r;
    const o = r.object;
    for (const k in o) if (!known.has(k)) return rowProblem(r.line, 'json.unexpectedKey', { key: k.slice(0, 80) });
    const cells = new Array<RawCell>(n);
    for (let i = 0; i < n; i++) cells[i] = o[order[i]!] as RawCell;
    return coerce(r.line, cells);
  };
}

async function inspectXlsx(
  path: string,
  forced: Partial<SourceDialect>,
  warnings: ImportMessage[],
  allowEmpty = false,
): Promise<Inspection> {
  const sheet = forced.sheet ?? 1;
  const records: { line: number; cells: RawCell[] }[] = [];
  for await (const batch of xlsxRecords(path, sheet, { maxRecords: MAX_SAMPLE_ROWS + 1 })) {
    for (const r of batch) if ('cells' in r) records.push(r);
  }
  const first = records[0];
  if (!first)
    throw new ImportError(
      'empty_file',
      sheet === 1 ? 'The first sheet of this spreadsheet is empty.' : `Sheet ${sheet} of this spreadsheet is empty.`,
    );
  const width = records.reduce((w, r) => Math.max(w, r.cells.length), 0);
  if (width > MAX_COLUMNS) throw tooManyColumns(width);
  const pad = (cells: RawCell[]) =>
    cells.length < width ? [...cells, ...new Array<RawCell>(width - cells.length).fill(null)] : cells;
  const rest = records.slice(1);
  const missingValues = [...defaultMissingValues];
  const header =
    forced.header ??
    detectHeader(
      pad(first.cells),
      rest.map((r) => pad(r.cells)),
      true,
      missingValues,
    );
  if (header && rest.length === 0 && !allowEmpty)
    throw new ImportError('no_rows', `The sheet has a header (${width} columns) but no data rows.`);
  const data = header ? rest : records;
  const names = makeNames(header ? first.cells : null, width, warnings);
  const guesses = inferColumns(
    data.map((r) => pad(r.cells)),
    width,
    true,
    missingValues,
    names,
  );
  const fields: Field[] = names.map((name, i) => ({ name, ...guesses[i]! }));
  const schema: TableSchema = { fields, missingValues };
  if (!header) warnings.push(importMessage('header.none'));
  samplingWarning(data.length, records.length > MAX_SAMPLE_ROWS, warnings);
  const coerce = compileRowCoercer(schema, { padMissingCells: true });
  const sample = typedSample((r) => ('cells' in r ? coerce(r.line, r.cells) : null), data);
  return { dialect: { format: 'xlsx', encoding: 'utf-8', header, sheet }, schema, sample, warnings };
}

/**
 * Streams every data row, coerced to `schema` (one field per source column, in source order; for JSON,
 * fields match keys by name, or by position when renamed), in source order. Each row yields typed values
 * or an error naming the line, column and value. Stops reading (and closes the file) when the caller stops
 * iterating; rejects with `signal.reason` when aborted.
 *
 * Not an `async function*`: rows are produced in batches (one per 64 KB chunk) and handed out by a small
 * iterator, which costs a third of an async generator's per-row overhead.
 */
export function readRows(
  path: string,
  dialect: SourceDialect,
  schema: TableSchema,
  options: ReadOptions = {},
): AsyncGenerator<RowResult> {
  return new BatchFlattener(rowBatches(path, dialect, schema, options), options.signal);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The import was aborted', 'AbortError');
}

async function* rowBatches(
  path: string,
  dialect: SourceDialect,
  schema: TableSchema,
  options: ReadOptions,
): AsyncGenerator<RowResult[], void> {
  const { onProgress, signal, onWarning, onLeadingZero } = options;
  if (signal?.aborted) throw abortReason(signal);
  const totalBytes = (await stat(path)).size;
  let bytesRead = 0;
  let rowsRead = 0;
  let lastProgress = Date.now();
  const onBytes = (b: number) => (bytesRead = b);
  let source: AsyncGenerator<SourceRecord[]>;
  let toRow: (r: SourceRecord) => RowResult;
  if (dialect.format === 'xlsx') {
    source = xlsxRecords(path, dialect.sheet ?? 1, { signal, onBytes });
    const coerce = compileRowCoercer(schema, { padMissingCells: true, onLeadingZero });
    toRow = (r) => ('cells' in r ? coerce(r.line, r.cells) : (r as RowResult));
  } else if (dialect.format === 'csv') {
    source = textRecords(path, dialect, totalBytes, { signal, onBytes, onWarning });
    const coerce = compileRowCoercer(schema, { onLeadingZero });
    toRow = (r) => ('cells' in r ? coerce(r.line, r.cells) : (r as RowResult));
  } else {
    if (totalBytes === 0) return;
    const keys = await discoverJsonKeys(path, dialect, totalBytes);
    source = textRecords(path, dialect, totalBytes, { signal, onBytes, onWarning });
    const map = jsonRowMapper(keys, schema, onLeadingZero);
    toRow = (r) => map(r as JsonRecord);
  }
  let skipHeader = dialect.header && (dialect.format === 'csv' || dialect.format === 'xlsx');
  for await (const batch of source) {
    const rows: RowResult[] = [];
    for (const r of batch) {
      if (skipHeader) {
        skipHeader = false;
        if ('cells' in r && dialect.format === 'csv' && r.cells.length !== schema.fields.length)
          throw new RangeError(
            `The schema has ${schema.fields.length} fields but the header of the file has ${r.cells.length} columns`,
          );
        continue;
      }
      rows.push(screenRow(toRow(r), schema));
    }
    rowsRead += rows.length;
    if (onProgress) {
      const now = Date.now();
      if (now - lastProgress >= 100) {
        lastProgress = now;
        onProgress({ bytesRead, totalBytes, rowsRead });
      }
    }
    if (rows.length > 0) yield rows;
  }
  onProgress?.({ bytesRead: totalBytes, totalBytes, rowsRead });
}

/** The largest text cell stored (4 Mi UTF-16 units): beyond it the row is rejected, not truncated. */
export const MAX_CELL_CHARS = 4 * 1024 * 1024;

/**
 * Rows the database could not hold faithfully become rejections with their reason: a cell over MAX_CELL_CHARS,
 * or text with a NUL or a lone surrogate (the rule of kernel/input.ts, which PostgreSQL enforces anyway).
 */
function screenRow(row: RowResult, schema: TableSchema): RowResult {
  if (!('values' in row)) return row;
  for (let i = 0; i < row.values.length; i++) {
    const value = row.values[i];
    if (typeof value !== 'string') continue;
    const name = schema.fields[i]?.name ?? `#${i + 1}`;
    if (value.length > MAX_CELL_CHARS)
      return rowProblem(row.line, 'value.tooLong', { column: name, length: value.length, max: MAX_CELL_CHARS });
    const reason = hostileReason(value);
    if (reason) return rowProblem(row.line, 'value.hostile', { column: name, reason });
  }
  return row;
}

/** Hands out the rows of a batch generator one by one; closes it on return()/throw(). */
class BatchFlattener<T> implements AsyncGenerator<T, void> {
  private batch: T[] = [];
  private i = 0;
  private finished = false;
  private pending: Promise<IteratorResult<T, void>> | null = null;

  constructor(
    private readonly inner: AsyncGenerator<T[], void>,
    private readonly signal?: AbortSignal,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.pending) return this.pending.then(() => this.next());
    if (this.signal?.aborted && !this.finished) return this.fail(abortReason(this.signal));
    if (this.i < this.batch.length) return Promise.resolve({ done: false, value: this.batch[this.i++]! });
    const p = this.fill();
    this.pending = p;
    const clear = () => {
      this.pending = null;
    };
    p.then(clear, clear);
    return p;
  }

  private async fill(): Promise<IteratorResult<T, void>> {
    this.batch = [];
    this.i = 0;
    while (!this.finished) {
      const r = await this.inner.next();
      if (r.done) break;
      if (r.value.length > 0) {
        this.batch = r.value;
        this.i = 1;
        return { done: false, value: r.value[0]! };
      }
    }
    this.finished = true;
    return { done: true, value: undefined };
  }

  private async fail(reason: unknown): Promise<never> {
    this.finished = true;
    this.batch = [];
    await this.inner.return(undefined).catch(() => undefined);
    throw reason;
  }

  async return(): Promise<IteratorResult<T, void>> {
    if (this.pending) await this.pending.catch(() => undefined);
    this.finished = true;
    this.batch = [];
    await this.inner.return(undefined);
    return { done: true, value: undefined };
  }

  throw(e: unknown): Promise<IteratorResult<T, void>> {
    return this.fail(e);
  }
}

async function discoverJsonKeys(path: string, dialect: SourceDialect, size: number): Promise<string[]> {
  const records: JsonRecord[] = [];
  for await (const batch of textRecords(path, dialect, size, { maxBytes: SAMPLE_BYTES })) {
    for (const r of batch) if (records.length < MAX_SAMPLE_ROWS) records.push(r as JsonRecord);
    if (records.length >= MAX_SAMPLE_ROWS) break;
  }
  return jsonKeys(records);
}
