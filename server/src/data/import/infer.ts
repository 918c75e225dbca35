/**
 * Type inference over a sample, header detection and column naming.
 *
 * Codes stay text: a column of digit strings is an integer column unless it looks like a code — a value with a
 * leading zero ("01"), or every value of the same width and either 5 digits or more over ten values (postal and INSEE
 * codes, SIREN, SIRET) or a column name that says code/id (`code_region`, `dep`, `siren`…). Codes typed as integers lose
 * their zeros and get summed in charts. Leading zeros further down the file than the sample are caught by the
 * import (see `onLeadingZero` in coerce.ts).
 */
import type { Field } from '../table-schema.js';
import { INVALID, compileCoercer } from './coerce.js';
import {
  INTEGER_RE,
  booleanWords,
  dateFormats,
  datetimeFormats,
  defaultFalseValues,
  defaultTrueValues,
  excelDate,
  hasLeadingZero,
  numberStyleOrder,
  type DateFormat,
  type NumberStyle,
  type RawCell,
} from './values.js';
import { importMessage, type ImportMessage } from './messages.js';

export type FieldGuess = Omit<Field, 'name'>;

/** Candidate elimination: a column is typed X when every non-null sample value parses as X. */
export class ColumnInference {
  private integer = true;
  private styles: NumberStyle[];
  private readonly fraction = new Set<string>();
  private boolean = true;
  private dates: DateFormat[] = dateFormats;
  private datetimes: DateFormat[] = datetimeFormats;
  private seconds = false;
  private nonNull = 0;
  private readonly seen = new Set<string>();
  /** Every text value so far is a bare digit string (no sign, separator or decimal), all of this width (-1: mixed). */
  private digitsOnly = true;
  private digitWidth = 0;

  constructor(
    commaIsDelimiter: boolean,
    private readonly isMissing: (s: string) => boolean,
  ) {
    this.styles = numberStyleOrder(commaIsDelimiter);
  }

  private get alive(): boolean {
    return this.integer || this.styles.length > 0 || this.boolean || this.dates.length > 0 || this.datetimes.length > 0;
  }

  add(v: RawCell): void {
    if (v == null) return;
    if (typeof v === 'string') {
      const t = v.trim();
      if (this.isMissing(v) || this.isMissing(t)) return;
      this.nonNull++;
      if (!this.alive || this.seen.has(t)) return;
      if (this.seen.size < 5000) this.seen.add(t);
      this.addText(t);
      return;
    }
    this.nonNull++;
    if (typeof v === 'number') {
      this.integer &&= Number.isSafeInteger(v);
      this.digitsOnly = false;
      if (!Number.isInteger(v)) for (const s of this.styles) this.fraction.add(s.id);
      this.boolean = false;
      this.dates = [];
      this.datetimes = [];
    } else if (typeof v === 'boolean') {
      this.integer = false;
      this.styles = [];
      this.dates = [];
      this.datetimes = [];
    } else if (v instanceof Date) {
      const e = excelDate(v);
      this.integer = false;
      this.styles = [];
      this.boolean = false;
      if (!e) this.datetimes = [];
      if (!e || !e.dateOnly) this.dates = [];
      if (e && !e.dateOnly) this.seconds = true;
    } else {
      this.integer = false;
      this.styles = [];
      this.boolean = false;
      this.dates = [];
      this.datetimes = [];
    }
  }

  private addText(t: string): void {
    const leadingZero = hasLeadingZero(t);
    if (this.digitsOnly) {
      if (!DIGITS_RE.test(t)) this.digitsOnly = false;
      else if (this.digitWidth === 0) this.digitWidth = t.length;
      else if (this.digitWidth !== t.length) this.digitWidth = -1;
    }
    if (this.integer) this.integer = !leadingZero && INTEGER_RE.test(t) && Number.isSafeInteger(Number(t));
    if (this.styles.length > 0) {
      if (leadingZero || (INTEGER_RE.test(t) && !Number.isSafeInteger(Number(t)))) this.styles = [];
      else {
        this.styles = this.styles.filter((s) => s.re.test(t));
        for (const s of this.styles)
          if (t.includes(s.decimalChar) || (s.id === 'dot' && /[eE]/.test(t))) this.fraction.add(s.id);
      }
    }
    if (this.boolean) this.boolean = booleanWords.has(t.toLowerCase());
    if (this.dates.length > 0) this.dates = this.dates.filter((f) => f.parse(t) !== null);
    if (this.datetimes.length > 0) {
      this.datetimes = this.datetimes.filter((f) => f.parse(t) !== null);
      if (/\d:\d\d:\d\d/.test(t)) this.seconds = true;
    }
  }

  /** `name`: the column's name, when known (a name saying code or id makes fixed-width digits a code). */
  result(name?: string): FieldGuess {
    if (this.nonNull === 0) return { type: 'string' };
    if (this.integer) return name !== undefined && this.looksLikeCode(name) ? { type: 'string' } : { type: 'integer' };
    const style = this.styles[0];
    if (style) {
      if (!this.fraction.has(style.id) && style.groupChar) return { type: 'integer', groupChar: style.groupChar };
      const g: FieldGuess = { type: 'number' };
      if (style.decimalChar !== '.') g.decimalChar = style.decimalChar;
      if (style.groupChar) g.groupChar = style.groupChar;
      return g;
    }
    if (this.boolean) return { type: 'boolean', trueValues: defaultTrueValues, falseValues: defaultFalseValues };
    const date = this.dates[0];
    if (date) return { type: 'date', format: date.format };
    const dt = this.datetimes[0];
    if (dt)
      return {
        type: 'datetime',
        format: dt.format === 'default' || this.seconds ? dt.format : dt.format.replace(/:%S$/, ''),
      };
    return { type: 'string' };
  }

  private looksLikeCode(name: string): boolean {
    if (!this.digitsOnly || this.digitWidth < 2) return false;
    // Ten different values of one width of 5 digits or more: codes, not quantities (which vary in width).
    if (this.digitWidth >= 5 && this.seen.size >= 10) return true;
    return codeName(name);
  }
}

const DIGITS_RE = /^\d+$/;

/** Words of a column name that say it holds codes or identifiers (English and French). */
const CODE_WORDS = new Set([
  'code',
  'codes',
  'id',
  'ids',
  'identifiant',
  'identifier',
  'ref',
  'reference',
  'numero',
  'insee',
  'cog',
  'siren',
  'siret',
  'rna',
  'uai',
  'finess',
  'naf',
  'ape',
  'cp',
  'postal',
  'postcode',
  'zip',
  'zipcode',
  'dep',
  'dept',
  'departement',
  'department',
  'reg',
  'region',
  'com',
  'commune',
  'arr',
  'canton',
  'epci',
  'iris',
]);

/** Whether a column name says code or id: `code_insee`, `codeRegion`, `DEP`, `n° SIREN`, `id`. */
export function codeName(name: string): boolean {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w) => CODE_WORDS.has(w));
}

export function missingTester(missingValues: string[]): (s: string) => boolean {
  const set = new Set(missingValues);
  return (s) => set.has(s);
}

/**
 * The type of each column. With `names` (the final inference, not header detection), columns that look like
 * codes are typed as text.
 */
export function inferColumns(
  rows: RawCell[][],
  width: number,
  commaIsDelimiter: boolean,
  missingValues: string[],
  names?: string[],
): FieldGuess[] {
  const isMissing = missingTester(missingValues);
  const cols = Array.from({ length: width }, () => new ColumnInference(commaIsDelimiter, isMissing));
  for (const row of rows) for (let i = 0; i < width; i++) cols[i]!.add(row[i]);
  return cols.map((c, i) => c.result(names?.[i]));
}

/**
 * Whether the first row is a header. It is not when some column is typed (by the rows below) and every
 * typed column's first cell fits that type, e.g. `1,2.5,2024-01-01` above more of the same; it is when a
 * typed column's first cell does not fit (`age` above integers). When every column is text, a first row of
 * non-empty strings is taken as a header (the usual case; the publisher can override it).
 */
export function detectHeader(
  first: RawCell[],
  body: RawCell[][],
  commaIsDelimiter: boolean,
  missingValues: string[],
): boolean {
  if (first.some((v) => v != null && typeof v !== 'string')) return false;
  const texts = first.map((v) => (typeof v === 'string' ? v.trim() : ''));
  if (texts.every((t) => t === '')) return false;
  if (body.length === 0) {
    // A single row: a header if no cell looks like a typed value.
    const guesses = inferColumns([first], first.length, commaIsDelimiter, missingValues);
    return guesses.every((g) => g.type === 'string');
  }
  const guesses = inferColumns(body, first.length, commaIsDelimiter, missingValues);
  let typed = 0;
  let fits = 0;
  guesses.forEach((g, i) => {
    if (g.type === 'string') return;
    typed++;
    const v = first[i];
    if (compileCoercer({ name: 'x', ...g }, missingValues)(v) !== INVALID) fits++;
  });
  if (typed === 0) return true;
  return fits < typed;
}

export const MAX_NAME_LENGTH = 200;

/** Column names: trimmed; empty → `column_N`; duplicates (case-insensitive) → `_2`, `_3`… */
export function makeNames(header: RawCell[] | null, width: number, warnings: ImportMessage[]): string[] {
  const used = new Set<string>();
  const names: string[] = [];
  const empty: number[] = [];
  const renamed: string[] = [];
  for (let i = 0; i < width; i++) {
    const raw = header ? header[i] : undefined;
    let base =
      raw == null
        ? ''
        : (typeof raw === 'string' ? raw : String(raw instanceof Date ? (excelDate(raw)?.date ?? '') : raw))
            .replace(/\s+/g, ' ')
            .trim();
    if (base.length > MAX_NAME_LENGTH) base = base.slice(0, MAX_NAME_LENGTH);
    if (base === '') {
      base = `column_${i + 1}`;
      if (header) empty.push(i + 1);
    }
    let name = base;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${base}_${k}`;
    if (name !== base) renamed.push(`'${base}' → '${name}'`);
    used.add(name.toLowerCase());
    names.push(name);
  }
  if (empty.length)
    warnings.push(
      importMessage('header.unnamed', {
        count: empty.length,
        columns: `${empty.slice(0, 10).join(', ')}${empty.length > 10 ? '…' : ''}`,
      }),
    );
  if (renamed.length)
    warnings.push(
      importMessage('header.renamed', {
        renamed: `${renamed.slice(0, 10).join(', ')}${renamed.length > 10 ? '…' : ''}`,
      }),
    );
  return names;
}
