import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowResult, SourceDialect, TableSchema } from '../table-schema.js';
import { ImportError, inspect, readRows, type ImportMessage, type ReadOptions } from './index.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multitude-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(content: string | Buffer, name = `f${++n}.csv`): Promise<string> {
  const path = join(dir, `${++n}-${name}`);
  await writeFile(path, content);
  return path;
}

async function rows(
  path: string,
  dialect: SourceDialect,
  schema: TableSchema,
  options?: ReadOptions,
): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for await (const r of readRows(path, dialect, schema, options)) out.push(r);
  return out;
}

/** inspect + readRows with the inferred schema. */
async function load(content: string | Buffer, name?: string) {
  const path = await file(content, name);
  const inspection = await inspect(path, { fileName: name });
  const result = await rows(path, inspection.dialect, inspection.schema);
  return {
    path,
    ...inspection,
    rows: result,
    values: result.flatMap((r) => ('values' in r ? [r.values] : [])),
    errors: result.flatMap((r) => ('error' in r ? [r] : [])),
  };
}

const text = (warnings: ImportMessage[]) => warnings.map((w) => w.message).join(' ');

const types = (schema: TableSchema) => Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));

async function importError(content: string | Buffer, name?: string): Promise<ImportError> {
  const path = await file(content, name);
  const e = await inspect(path, { fileName: name }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportError);
  return e as ImportError;
}

describe('CSV', () => {
  it('reads a comma-separated file with a header and infers every type', async () => {
    const r = await load(
      'id,name,price,active,day,at,code\n' +
        '1,Café,3.5,true,2024-01-31,2024-01-31T10:00:00,01000\n' +
        '2,Thé,12,false,2024-02-29,2024-02-29 08:30:15,2A004\n' +
        '3,"Eau, plate",0.25,TRUE,2023-12-01,2023-12-01T00:00:00,75001\n',
    );
    expect(r.dialect).toEqual({ format: 'csv', encoding: 'utf-8', delimiter: ',', header: true });
    expect(types(r.schema)).toEqual({
      id: 'integer',
      name: 'string',
      price: 'number',
      active: 'boolean',
      day: 'date',
      at: 'datetime',
      code: 'string',
    });
    expect(r.schema.fields.find((f) => f.name === 'day')?.format).toBe('default');
    expect(r.rows).toEqual([
      { line: 2, values: [1, 'Café', 3.5, true, '2024-01-31', '2024-01-31T10:00:00', '01000'] },
      { line: 3, values: [2, 'Thé', 12, false, '2024-02-29', '2024-02-29T08:30:15', '2A004'] },
      { line: 4, values: [3, 'Eau, plate', 0.25, true, '2023-12-01', '2023-12-01T00:00:00', '75001'] },
    ]);
    expect(r.sample).toEqual(r.values);
  });

  it.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'a;b;c\n1,5;2;x, y\n4;5,25;z\n'],
    ['\t', 'a\tb\tc\n1\t2,5\tx;y\n4\t5\tz\n'],
    ['|', 'a|b|c\n1|2|x,y\n4|5|z;w\n'],
  ])('detects the %j delimiter', async (delimiter, content) => {
    const r = await load(content);
    expect(r.dialect.delimiter).toBe(delimiter);
    expect(r.schema.fields.map((f) => f.name)).toEqual(['a', 'b', 'c']);
    expect(r.values).toHaveLength(2);
    expect(r.errors).toEqual([]);
  });

  it('detects a missing header and names columns column_N', async () => {
    const r = await load('1,2.5,2024-01-01\n2,3.5,2024-01-02\n');
    expect(r.dialect.header).toBe(false);
    expect(r.schema.fields.map((f) => f.name)).toEqual(['column_1', 'column_2', 'column_3']);
    expect(r.rows[0]).toEqual({ line: 1, values: [1, 2.5, '2024-01-01'] });
    expect(text(r.warnings)).toMatch(/does not look like a header/);
    expect(r.warnings.map((w) => w.code)).toContain('header.none');
  });

  it('takes a row of labels above typed columns as a header', async () => {
    const r = await load('age,height\n30,1.8\n40,1.65\n');
    expect(r.dialect.header).toBe(true);
    expect(types(r.schema)).toEqual({ age: 'integer', height: 'number' });
  });

  it('infers French formats: decimal comma, grouped thousands, dd/mm/yyyy, oui/non', async () => {
    const r = await load(
      'montant;total;jour;ouvert;horodatage\n3,14;1 234,5;25/12/2024;oui;25/12/2024 10:30\n-0,5;12 345 678,25;01/02/2024;non;01/02/2024 08:05\n',
    );
    expect(r.dialect.delimiter).toBe(';');
    const f = Object.fromEntries(r.schema.fields.map((x) => [x.name, x]));
    expect(f.montant).toMatchObject({ type: 'number', decimalChar: ',' });
    expect(f.total).toMatchObject({ type: 'number', decimalChar: ',', groupChar: ' ' });
    expect(f.jour).toMatchObject({ type: 'date', format: '%d/%m/%Y' });
    expect(f.ouvert).toMatchObject({ type: 'boolean' });
    expect(f.horodatage).toMatchObject({ type: 'datetime', format: '%d/%m/%Y %H:%M' });
    expect(r.values).toEqual([
      [3.14, 1234.5, '2024-12-25', true, '2024-12-25T10:30:00'],
      [-0.5, 12345678.25, '2024-02-01', false, '2024-02-01T08:05:00'],
    ]);
  });

  it('reads comma-grouped thousands and other date formats', async () => {
    const r = await load(
      'amount,us,dash,ymd,vrai\n"1,234.5",12/31/2024,31-12-2024,2024/12/31,vrai\n"12,000",01/15/2024,15-01-2024,2024/01/15,faux\n',
    );
    const f = Object.fromEntries(r.schema.fields.map((x) => [x.name, x]));
    expect(f.amount).toMatchObject({ type: 'number', groupChar: ',' });
    expect(f.amount!.decimalChar).toBeUndefined();
    expect(f.us).toMatchObject({ type: 'date', format: '%m/%d/%Y' });
    expect(f.dash).toMatchObject({ type: 'date', format: '%d-%m-%Y' });
    expect(f.ymd).toMatchObject({ type: 'date', format: '%Y/%m/%d' });
    expect(r.values[0]).toEqual([1234.5, '2024-12-31', '2024-12-31', '2024-12-31', true]);
    expect(r.values[1]).toEqual([12000, '2024-01-15', '2024-01-15', '2024-01-15', false]);
  });

  it('prefers a decimal comma over a thousands comma when the delimiter is not a comma', async () => {
    const r = await load('x;y\n1,234;a\n2,5;b\n');
    expect(r.schema.fields[0]).toMatchObject({ type: 'number', decimalChar: ',' });
    expect(r.values.map((v) => v[0])).toEqual([1.234, 2.5]);
  });

  it('keeps leading-zero codes as strings', async () => {
    const r = await load('cp,insee,n\n01000,01053,7\n75001,2A004,8\n00100,97411,9\n');
    expect(types(r.schema)).toEqual({ cp: 'string', insee: 'string', n: 'integer' });
    expect(r.values.map((v) => v[0])).toEqual(['01000', '75001', '00100']);
  });

  it('types fixed-width digit codes as text: 5+ digits over ten values, or a name that says code', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => {
      const n = i + 1;
      return [
        `${75000 + n * 7}`, // postal-code-like: 5 digits, 12 different values
        `${210100012 + n * 8}`, // SIREN: 9 digits
        `${84 - n}`, // region codes, two digits
        `${84 - n}`, // the same digits under a plain name: a quantity
        `${1990 + n}`, // years: 4 digits
        `${n * 1037}`, // varying widths: a quantity
        `${10 + n}`, // an id of fixed width
      ].join(',');
    });
    const r = await load(`postal,siren,code_region,age,annee,population,id\n${lines.join('\n')}\n`);
    expect(types(r.schema)).toEqual({
      postal: 'string',
      siren: 'string',
      code_region: 'string',
      age: 'integer',
      annee: 'integer',
      population: 'integer',
      id: 'string',
    });
    expect(r.values[0]!.slice(0, 3)).toEqual(['75007', '210100020', '83']);
    // Few rows: fixed width alone is not enough, a name saying code is.
    const small = await load('montant,dep,regionCode\n12000,25,84\n15000,39,27\n');
    expect(types(small.schema)).toEqual({ montant: 'integer', dep: 'string', regionCode: 'string' });
    // Header detection is not fooled: digits above digits are data.
    const headless = await load('75001,12\n75002,13\n');
    expect(headless.dialect.header).toBe(false);
  });

  it('tells which rows leading zeros further down would have spoilt (the runner re-types them)', async () => {
    const body = Array.from({ length: 10_005 }, (_, i) => `${i < 10_002 ? 10 + (i % 80) : '01'},x${i}`);
    const path = await file(`n,label\n${body.join('\n')}\n`);
    const inspection = await inspect(path);
    expect(types(inspection.schema)).toEqual({ n: 'integer', label: 'string' });
    const seen: Array<[number, number]> = [];
    const result = await rows(path, inspection.dialect, inspection.schema, {
      onLeadingZero: (field, line) => seen.push([field, line]),
    });
    expect(result).toHaveLength(10_005);
    expect(seen).toEqual([
      [0, 10_004],
      [0, 10_005],
      [0, 10_006],
    ]);
  });

  it('types 0/1 columns as integers, and integers beyond 2^53 as strings', async () => {
    const r = await load('flag,big\n0,12345678901234567890\n1,98765432109876543210\n1,1\n');
    expect(types(r.schema)).toEqual({ flag: 'integer', big: 'string' });
    expect(r.values[0]).toEqual([0, '12345678901234567890']);
  });

  it('recognises null markers', async () => {
    const r = await load('n,s,d\n1,a,2024-01-01\nNA,N/A,-\nnull,NULL,nd\n,n/a,\n4, NA ,2024-01-04\n');
    expect(types(r.schema)).toEqual({ n: 'integer', s: 'string', d: 'date' });
    expect(r.schema.missingValues).toEqual(expect.arrayContaining(['', 'NA', 'N/A', 'null', 'NULL', '-', 'nd', 'n/a']));
    expect(r.values).toEqual([
      [1, 'a', '2024-01-01'],
      [null, null, null],
      [null, null, null],
      [null, null, null],
      [4, null, '2024-01-04'],
    ]);
  });

  it('converts zoned ISO datetimes to UTC and keeps naive ones as written', async () => {
    const r = await load('at\n2024-03-01T10:00:00+02:00\n2024-03-01T10:00:00Z\n2024-03-01T23:30:00.5-01:00\n');
    expect(r.values.map((v) => v[0])).toEqual([
      '2024-03-01T08:00:00Z',
      '2024-03-01T10:00:00Z',
      '2024-03-02T00:30:00.500Z',
    ]);
  });

  it('names empty and duplicate columns', async () => {
    const r = await load(' name ,,name,Name,\n1,2,3,4,5\n');
    expect(r.schema.fields.map((f) => f.name)).toEqual(['name', 'column_2', 'name_2', 'Name_3', 'column_5']);
    expect(text(r.warnings)).toMatch(/no name/);
    expect(text(r.warnings)).toMatch(/Duplicate/);
  });

  it('rejects ragged rows with the reason and imports the others', async () => {
    const r = await load('a,b,c\n1,2,3\n4,5,6,7\n8,9\n10,11,12\n');
    expect(r.values).toEqual([
      [1, 2, 3],
      [10, 11, 12],
    ]);
    expect(r.errors).toEqual([
      {
        line: 3,
        error: 'line 3: expected 3 values, found 4',
        code: 'row.width',
        params: { line: 3, expected: 3, found: 4 },
      },
      {
        line: 4,
        error: 'line 4: expected 3 values, found 2',
        code: 'row.width',
        params: { line: 4, expected: 3, found: 2 },
      },
    ]);
  });

  it('recovers from broken quotes without dropping rows silently', async () => {
    const r = await load(
      'id,text,n\n1,"unclosed,2\n2,ok,3\n3,ab"c,4\n4,"He said "hi" there",5\n5,"multi\nline ""quoted""",6\n6,last,7\n',
    );
    expect(r.errors).toEqual([
      {
        line: 2,
        error: expect.stringMatching(
          /^line 2: a quoted value starting on this line (is never closed|has unbalanced quotes)$/,
        ),
        code: expect.stringMatching(/^csv\.(unclosedQuote|unbalancedQuotes)$/),
        params: { line: 2 },
      },
    ]);
    expect(r.rows.filter((x) => 'values' in x)).toEqual([
      { line: 3, values: [2, 'ok', 3] },
      { line: 4, values: [3, 'ab"c', 4] },
      { line: 5, values: [4, 'He said "hi" there', 5] },
      { line: 6, values: [5, 'multi\nline "quoted"', 6] },
      { line: 8, values: [6, 'last', 7] },
    ]);
  });

  it('rejects a stray quote that would swallow the following lines', async () => {
    const r = await load('id,text\n1,"a"b\n2,c"\n3,d\n');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      line: 2,
      error: 'line 2: a quoted value starting on this line has unbalanced quotes',
    });
    expect(r.values).toEqual([
      [2, 'c"'],
      [3, 'd'],
    ]);
  });

  it('handles CRLF line endings and a final line without newline', async () => {
    const r = await load('a,b\r\n1,"x\r\ny"\r\n2,z');
    expect(r.rows).toEqual([
      { line: 2, values: [1, 'x\r\ny'] },
      { line: 4, values: [2, 'z'] },
    ]);
  });
});

describe('encodings', () => {
  it('strips a UTF-8 BOM', async () => {
    const r = await load(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('nom,âge\nÉlodie,30\n')]));
    expect(r.schema.fields.map((f) => f.name)).toEqual(['nom', 'âge']);
    expect(r.values).toEqual([['Élodie', 30]]);
  });

  it('detects Windows-1252 (Latin-1) and decodes it', async () => {
    const r = await load(iconv.encode('commune;prix\nSaint-Étienne;3,5\nCœur – “été”;4\n', 'windows-1252'));
    expect(r.dialect.encoding).toBe('windows-1252');
    expect(r.values).toEqual([
      ['Saint-Étienne', 3.5],
      ['Cœur – “été”', 4],
    ]);
    expect(text(r.warnings)).toMatch(/Windows-1252/);
  });

  it('reads stray Latin-1 bytes in a UTF-8 file as Windows-1252, with a warning', async () => {
    const content = Buffer.concat([
      Buffer.from('ville,n\nLyon é,1\n'),
      Buffer.from([0x50, 0x61, 0x72, 0x69, 0x73, 0x20, 0xe9]),
      Buffer.from(',2\n'),
    ]);
    const r = await load(content);
    expect(r.dialect.encoding).toBe('utf-8');
    expect(r.values).toEqual([
      ['Lyon é', 1],
      ['Paris é', 2],
    ]);
    expect(text(r.warnings)).toMatch(/mixes encodings/);
  });

  it('imports a row with an invalid byte after the sample and reports it', async () => {
    const filler = `${'x'.repeat(40)},1\n`.repeat(30_000); // 1.3 MB, beyond the inspection sample
    const content = Buffer.concat([
      Buffer.from('a,b\n' + filler),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      Buffer.from(',2\n'),
    ]);
    const path = await file(content);
    const { dialect, schema } = await inspect(path);
    expect(dialect.encoding).toBe('utf-8');
    const warnings: ImportMessage[] = [];
    const result = await rows(path, dialect, schema, { onWarning: (w) => warnings.push(w) });
    expect(result).toHaveLength(30_001);
    expect(result.at(-1)).toEqual({ line: 30_002, values: ['café', 2] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/not valid UTF-8/);
    expect(warnings[0]).toMatchObject({ code: 'encoding.strayBytes', params: { line: expect.any(Number) } });
  });
});

describe('hostile files', () => {
  it('rejects an empty file and a blank one', async () => {
    expect((await importError('')).code).toBe('empty_file');
    expect((await importError('\n \n')).code).toBe('empty_file');
  });

  it('rejects a header without rows as no_rows', async () => {
    const e = await importError('a,b,c\n');
    expect(e.code).toBe('no_rows');
    expect(e.message).toMatch(/3 columns/);
  });

  it('rejects a PNG named .csv and a zip that is not a spreadsheet', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
    expect((await importError(png, 'data.csv')).code).toBe('binary_file');
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('readme.txt hello')]);
    expect((await importError(zip, 'data.csv')).code).toBe('binary_file');
    expect((await importError(Buffer.from([1, 2, 3, 0, 4, 5]), 'data.csv')).code).toBe('binary_file');
  });

  it('rejects a header of 10,000 columns', async () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',');
    const e = await importError(`${header}\n${'1,'.repeat(9_999)}1\n`);
    expect(e.code).toBe('too_many_columns');
  });

  it('survives a 50 MB single-line file with bounded memory', async () => {
    const path = await file(Buffer.alloc(50 * 1024 * 1024, 'a'));
    const e = await inspect(path).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ImportError);
    expect((e as ImportError).code).toBe('unreadable');
    const before = process.memoryUsage().rss;
    const result = await rows(
      path,
      { format: 'csv', encoding: 'utf-8', delimiter: ',', header: false },
      { fields: [{ name: 'a', type: 'string' }], missingValues: [''] },
    );
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ line: 1, error: expect.stringMatching(/longer than 16 MB/) });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('coercion', () => {
  const dialect: SourceDialect = { format: 'csv', encoding: 'utf-8', delimiter: ',', header: true };

  it('rejects values that do not fit, naming line, column and value', async () => {
    const path = await file(
      `id,n,d,b,s\n1,2.5,2024-01-01,yes,x\nabc,2,2024-13-01,maybe,y\n9007199254740993,1,2024-01-01,no,z\n4,${'9'.repeat(200)}x,2024-01-01,no,w\n5,1,2024-01-01,oui,\n`,
    );
    const schema: TableSchema = {
      missingValues: [''],
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'n', type: 'number' },
        { name: 'd', type: 'date' },
        { name: 'b', type: 'boolean' },
        { name: 's', type: 'string', constraints: { required: true } },
      ],
    };
    const result = await rows(path, dialect, schema);
    expect(result[0]).toEqual({ line: 2, values: [1, 2.5, '2024-01-01', true, 'x'] });
    expect(result[1]).toEqual({
      line: 3,
      error: "line 3: value 'abc' in column 'id' is not an integer",
      code: 'value.type',
      params: { line: 3, value: 'abc', column: 'id', type: 'integer' },
    });
    expect(result[2]).toMatchObject({
      line: 4,
      error: expect.stringContaining("value '9007199254740993' in column 'id' is not an integer"),
    });
    expect(result[3]).toMatchObject({
      line: 5,
      error: expect.stringMatching(/^line 5: value '9{60}…' in column 'n' is not a number$/),
    });
    expect(result[4]).toEqual({
      line: 6,
      error: "line 6: column 's' is required but the value is missing",
      code: 'value.required',
      params: { line: 6, column: 's' },
    });
    // Dates and booleans name what they expect, in parameters a client can translate.
    expect(result[1]).not.toHaveProperty('params.format');
    const dates = await rows(await file('d,b\n2024-13-01,yes\n2024-01-01,maybe\n'), dialect, {
      missingValues: [''],
      fields: [
        { name: 'd', type: 'date', format: '%d/%m/%Y' },
        { name: 'b', type: 'boolean', trueValues: ['oui'], falseValues: ['non'] },
      ],
    });
    expect(dates[0]).toMatchObject({
      error: "line 2: value '2024-13-01' in column 'd' is not a date (dd/mm/yyyy)",
      params: { type: 'date', format: 'dd/mm/yyyy' },
    });
  });

  it('follows a publisher-edited schema (re-typing a column as string)', async () => {
    const path = await file('code,n\n01000,1\n75001,2\n');
    const { dialect: d, schema } = await inspect(path);
    schema.fields[1] = { ...schema.fields[1]!, type: 'string', title: 'Count' };
    expect(await rows(path, d, schema)).toEqual([
      { line: 2, values: ['01000', '1'] },
      { line: 3, values: ['75001', '2'] },
    ]);
  });
});

describe('JSON and NDJSON', () => {
  it('reads an array of objects, item index as line', async () => {
    const r = await load(
      JSON.stringify([
        { id: 1, name: 'a', price: 1.5, ok: true, tags: ['x'] },
        { id: 2, name: 'b', ok: false, tags: null, price: '2' },
        3,
      ]),
      'data.json',
    );
    expect(r.dialect).toMatchObject({ format: 'json', encoding: 'utf-8' });
    expect(types(r.schema)).toEqual({ id: 'integer', name: 'string', price: 'number', ok: 'boolean', tags: 'string' });
    expect(r.rows).toEqual([
      { line: 1, values: [1, 'a', 1.5, true, '["x"]'] },
      { line: 2, values: [2, 'b', 2, false, null] },
      { line: 3, error: 'item 3 is not a JSON object', code: 'json.notObject', params: { line: 3, unit: 'item' } },
    ]);
  });

  it('rejects an object with a key outside the schema and fills missing keys with null', async () => {
    const items = Array.from({ length: 12_000 }, (_, i) => ({ id: i + 1 }));
    (items[11_999] as Record<string, unknown>).surprise = 'x';
    const r = await load(JSON.stringify(items), 'big.json');
    expect(r.values).toHaveLength(11_999);
    expect(r.errors).toEqual([
      {
        line: 12_000,
        error: "line 12000: unexpected key 'surprise' (not in the schema)",
        code: 'json.unexpectedKey',
        params: { line: 12_000, key: 'surprise' },
      },
    ]);
  });

  it('rejects JSON that is not an array of objects', async () => {
    expect((await importError('[1, 2, 3]', 'a.json')).code).toBe('unsupported_format');
    expect((await importError('{\n  "data": [{"a": 1}]\n}\n', 'a.json')).code).toBe('unsupported_format');
    expect((await importError('[]', 'a.json')).code).toBe('no_rows');
  });

  it('reads NDJSON and rejects a malformed line', async () => {
    const r = await load('{"a":1,"b":"x"}\n{"a":2,"b":\n\n{"a":3,"b":"z"}\n[1]\n', 'data.ndjson');
    expect(r.dialect.format).toBe('ndjson');
    expect(r.values).toEqual([
      [1, 'x'],
      [3, 'z'],
    ]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 5]);
    expect(r.errors[0]!.error).toMatch(/^line 2: invalid JSON/);
  });
});

describe('XLSX', () => {
  async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<string> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    const path = join(dir, `${++n}.xlsx`);
    await wb.xlsx.writeFile(path);
    return path;
  }

  it('reads the first sheet with native types; line = sheet row number', async () => {
    const path = await xlsx((wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow(['id', 'name', 'price', 'day', 'ok', 'code']);
      ws.addRow([1, 'a', 1.5, new Date(Date.UTC(2024, 0, 31)), true, '01000']);
      ws.addRow([]);
      ws.addRow([2, { richText: [{ text: 'b' }, { text: 'c' }] }, 2, new Date(Date.UTC(2024, 1, 29)), false, '2A004']);
      ws.addRow([3, 'x', 'oops', new Date(Date.UTC(2024, 1, 1)), true, '1']);
      wb.addWorksheet('Other').addRow(['z']);
    });
    const { dialect, schema, sample } = await inspect(path, { fileName: 'data.xlsx' });
    expect(dialect).toMatchObject({ format: 'xlsx', header: true, sheet: 1 });
    expect(types(schema)).toEqual({
      id: 'integer',
      name: 'string',
      price: 'string',
      day: 'date',
      ok: 'boolean',
      code: 'string',
    });
    expect(sample[0]).toEqual([1, 'a', '1.5', '2024-01-31', true, '01000']);
    schema.fields[2] = { name: 'price', type: 'number' };
    expect(await rows(path, dialect, schema)).toEqual([
      { line: 2, values: [1, 'a', 1.5, '2024-01-31', true, '01000'] },
      { line: 4, values: [2, 'bc', 2, '2024-02-29', false, '2A004'] },
      {
        line: 5,
        error: "line 5: value 'oops' in column 'price' is not a number",
        code: 'value.type',
        params: { line: 5, value: 'oops', column: 'price', type: 'number' },
      },
    ]);
  });

  it('reads another sheet when asked', async () => {
    const path = await xlsx((wb) => {
      wb.addWorksheet('One').addRow(['a']).commit();
      const ws = wb.addWorksheet('Two');
      ws.addRow(['x', 'y']);
      ws.addRow([1, 'b']);
    });
    const { dialect, schema } = await inspect(path, { dialect: { sheet: 2 } });
    expect(schema.fields.map((f) => f.name)).toEqual(['x', 'y']);
    expect(await rows(path, dialect, schema)).toEqual([{ line: 2, values: [1, 'b'] }]);
  });

  it('samples a large sheet and stops reading when the caller stops', async () => {
    const path = await xlsx((wb) => {
      const ws = wb.addWorksheet('Big');
      ws.addRow(['id', 'label']);
      for (let i = 1; i <= 10_100; i++) ws.addRow([i, `row ${i}`]);
    });
    const { dialect, schema, warnings } = await inspect(path);
    expect(types(schema)).toEqual({ id: 'integer', label: 'string' });
    expect(text(warnings)).toMatch(/first 10,000 rows/);
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'sample.partial', params: { rows: 10_000 } }));
    let seen = 0;
    for await (const r of readRows(path, dialect, schema)) {
      expect(r).toEqual({ line: seen + 2, values: [seen + 1, `row ${seen + 1}`] });
      if (++seen === 3) break;
    }
    await new Promise((res) => setTimeout(res, 50));
    expect(seen).toBe(3);
  });

  it('reports a corrupt spreadsheet as unreadable', async () => {
    const path = await xlsx((wb) => wb.addWorksheet('A').addRow(['a']));
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(path);
    const broken = await file(
      Buffer.concat([bytes.subarray(0, 200), Buffer.alloc(100, 7), bytes.subarray(bytes.length - 2000)]),
      'broken.xlsx',
    );
    const e = await inspect(broken).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ImportError);
  });
});

describe('streaming', () => {
  const big = async () => file('id,v\n' + Array.from({ length: 100_000 }, (_, i) => `${i},${i * 2}`).join('\n') + '\n');

  async function openFds(path: string): Promise<number> {
    let count = 0;
    for (const fd of await readdir('/proc/self/fd'))
      if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === path) count++;
    return count;
  }

  it('closes the file when the caller stops iterating', async () => {
    const path = await big();
    const { dialect, schema } = await inspect(path);
    let seen = 0;
    for await (const r of readRows(path, dialect, schema)) {
      expect(r).toEqual({ line: 2, values: [0, 0] });
      if (++seen === 1) {
        expect(await openFds(path)).toBe(1);
        break;
      }
    }
    await new Promise((res) => setTimeout(res, 20));
    expect(await openFds(path)).toBe(0);
  });

  it('aborts on signal', async () => {
    const path = await big();
    const { dialect, schema } = await inspect(path);
    const controller = new AbortController();
    let seen = 0;
    const run = async () => {
      for await (const _ of readRows(path, dialect, schema, { signal: controller.signal }))
        if (++seen === 10) controller.abort(new Error('stop'));
    };
    await expect(run()).rejects.toThrow('stop');
    expect(seen).toBe(10);
    await new Promise((res) => setTimeout(res, 20));
    expect(await openFds(path)).toBe(0);
  });

  it('reports progress, throttled, ending at the total', async () => {
    const path = await big();
    const { dialect, schema } = await inspect(path);
    const progress: { bytesRead: number; totalBytes: number; rowsRead: number }[] = [];
    const started = Date.now();
    const result = await rows(path, dialect, schema, { onProgress: (p) => progress.push(p) });
    expect(result).toHaveLength(100_000);
    expect(progress.at(-1)).toEqual({
      bytesRead: progress.at(-1)!.totalBytes,
      totalBytes: progress.at(-1)!.totalBytes,
      rowsRead: 100_000,
    });
    expect(progress.length).toBeLessThanOrEqual((Date.now() - started) / 100 + 2);
  });
});

describe('long lines', () => {
  it('reads a long NDJSON line and rejects an over-long one', async () => {
    const long = JSON.stringify({ a: 1, b: 'x'.repeat(3 * 1024 * 1024) });
    const path = await file(
      `{"a":0,"b":"y"}\n${long}\n{"a":2,"b":"${'z'.repeat(17 * 1024 * 1024)}"}\n{"a":3,"b":"w"}\n`,
      'long.ndjson',
    );
    const { dialect, schema } = await inspect(path);
    const result = await rows(path, dialect, schema);
    expect(result.map((r) => ('values' in r ? [r.line, r.values[0]] : [r.line, r.error]))).toEqual([
      [1, 0],
      [2, 1],
      [3, 'line 3 is longer than 16 MB'],
      [4, 3],
    ]);
  });
});
