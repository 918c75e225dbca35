/**
 * What the import engine tells the publisher — warnings about the file and reasons for rejected rows — as a
 * stable code with parameters, plus the English text. Clients translate from the code and parameters (the web
 * app has a French and an English text for every code); the English text is for everyone else and for logs.
 *
 * Codes are part of the API: add new ones, never change the meaning or the parameters of an existing one.
 */

export type MessageParams = Record<string, string | number>;

export interface ImportMessage {
  code: ImportMessageCode;
  params: MessageParams;
  message: string;
}

/** A row that cannot be imported: its line (item index for JSON arrays), why, and the same as code + params. */
export interface RowProblem {
  line: number;
  error: string;
  code: ImportMessageCode;
  params: MessageParams;
}

const s = (n: number, one: string, many: string) => (n === 1 ? one : many);
const count = (n: number) => n.toLocaleString('en');

/** Types a value must have, as named in `value.type`'s `type` parameter. */
export type ExpectedType = 'integer' | 'number' | 'number_comma' | 'boolean' | 'date' | 'datetime' | 'string';

/**
 * `value.type` parameters: `type`; for dates and datetimes `format` (a pattern such as `dd/mm/yyyy`, `ISO 8601`, or
 * `any` for any known format); for booleans `trueValues` and `falseValues` (slash-separated words).
 */
const expectedText = (p: MessageParams) => {
  const format = p.format === 'any' ? 'any known format' : String(p.format);
  switch (p.type) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'number_comma':
      return 'a number (with a decimal comma)';
    case 'boolean':
      return `a boolean (${p.trueValues} or ${p.falseValues})`;
    case 'date':
      return `a date (${format})`;
    case 'datetime':
      return `a datetime (${format})`;
    default:
      return 'a string';
  }
};

/* eslint-disable @typescript-eslint/no-explicit-any -- each template reads the parameters its code defines */
const templates = {
  // Rejected rows (`line` is in every one).
  'row.width': (p: any) =>
    `line ${p.line}: expected ${p.expected} ${s(p.expected, 'value', 'values')}, found ${p.found}`,
  'value.type': (p: any) =>
    `line ${p.line}: value '${p.value}' in column '${p.column}' is not ${expectedText(p)}${p.tooLarge ? ' (too large to be stored exactly)' : ''}`,
  'value.required': (p: any) => `line ${p.line}: column '${p.column}' is required but the value is missing`,
  'value.tooLong': (p: any) =>
    `line ${p.line}: the value of column '${p.column}' is ${p.length} characters long, more than the ${p.max} a cell may hold`,
  'value.hostile': (p: any) => `line ${p.line}: the value of column '${p.column}' ${p.reason}`,
  'csv.unbalancedQuotes': (p: any) => `line ${p.line}: a quoted value starting on this line has unbalanced quotes`,
  'csv.unclosedQuote': (p: any) => `line ${p.line}: a quoted value starting on this line is never closed`,
  'csv.lineTooLong': (p: any) => `line ${p.line} is longer than ${p.mb} MB; is this really a CSV file?`,
  'json.invalid': (p: any) => `${p.unit} ${p.line}: invalid JSON (${p.detail})`,
  'json.notObject': (p: any) => `${p.unit} ${p.line} is not a JSON object`,
  'json.unexpectedKey': (p: any) => `line ${p.line}: unexpected key '${p.key}' (not in the schema)`,
  'json.endsInsideItem': (p: any) => `item ${p.line}: the file ends inside this item`,
  'json.notClosed': () => 'the JSON array is not closed (truncated file?)',
  'json.itemTooLarge': (p: any) => `item ${p.line} is larger than ${p.mb} MB`,
  'ndjson.lineTooLong': (p: any) => `line ${p.line} is longer than ${p.mb} MB`,

  // Warnings about the whole file.
  'encoding.windows1252': () => 'The file is not UTF-8: it was read as Windows-1252 (Latin-1).',
  'encoding.mixed': (p: any) =>
    `The file mixes encodings: mostly UTF-8, with ${p.count} ${s(p.count, 'byte', 'bytes')} in the first ${p.kb} KB that are not valid UTF-8; these were read as Windows-1252 (Latin-1). Check accented characters.`,
  'encoding.strayBytes': (p: any) =>
    `Bytes that are not valid UTF-8 were found from about line ${p.line}; they were read as Windows-1252 (Latin-1).`,
  'format.textNamedAsSpreadsheet': (p: any) =>
    `The file is named ${p.fileName} but contains text; it was read as ${p.format}.`,
  'header.none': () => 'The first row does not look like a header: columns were named column_1, column_2…',
  'header.unnamed': (p: any) =>
    `${p.count} ${s(p.count, 'column has', 'columns have')} no name in the header (${s(p.count, 'column', 'columns')} ${p.columns}); named column_N.`,
  'header.renamed': (p: any) => `Duplicate column names were renamed: ${p.renamed}.`,
  'rows.ragged': (p: any) =>
    `${p.count} of the first ${count(p.sampled)} rows do not have ${p.width} values; such rows will be rejected.`,
  'rows.brokenQuotes': (p: any) =>
    `${p.count} of the first ${count(p.sampled)} rows have malformed quotes; such rows will be rejected.`,
  'json.invalidRecords': (p: any) =>
    `${p.count} of the first ${count(p.sampled)} ${p.unit === 'line' ? 'lines' : 'items'} are not valid JSON objects; they will be rejected.`,
  'sample.partial': (p: any) =>
    `Types were inferred from the first ${count(p.rows)} rows; rows further down that do not fit a column's type will be rejected and listed in the import report.`,
  'schema.kept': () => 'The columns are the same as in the previous version: its reviewed schema was kept.',
  'column.codesAsText': (p: any) =>
    `${s(p.count, 'Column', 'Columns')} ${p.columns} ${s(p.count, 'has', 'have')} values with leading zeros further down the file (from line ${p.line}): ${s(p.count, 'it was', 'they were')} imported as text, so that codes keep their zeros.`,
} satisfies Record<string, (p: MessageParams) => string>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export type ImportMessageCode = keyof typeof templates;

/** The message of `code` with `params`, its English text included. */
export function importMessage(code: ImportMessageCode, params: MessageParams = {}): ImportMessage {
  return { code, params, message: templates[code](params) };
}

/** A rejected row with its reason. */
export function rowProblem(line: number, code: ImportMessageCode, params: MessageParams = {}): RowProblem {
  const all = { line, ...params };
  return { line, error: templates[code](all), code, params: all };
}
