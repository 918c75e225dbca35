/** Type inference over a sample, header detection and column naming. */
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

  result(): FieldGuess {
    if (this.nonNull === 0) return { type: 'string' };
    if (this.integer) return { type: 'integer' };
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
}

export function missingTester(missingValues: string[]): (s: string) => boolean {
  const set = new Set(missingValues);
  return (s) => set.has(s);
}

export function inferColumns(
  rows: RawCell[][],
  width: number,
  commaIsDelimiter: boolean,
  missingValues: string[],
): FieldGuess[] {
  const isMissing = missingTester(missingValues);
  const cols = Array.from({ length: width }, () => new ColumnInference(commaIsDelimiter, isMissing));
  for (const row of rows) for (let i = 0; i < width; i++) cols[i]!.add(row[i]);
  return cols.map((c) => c.result());
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
export function makeNames(header: RawCell[] | null, width: number, warnings: string[]): string[] {
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
      `${empty.length} column${empty.length > 1 ? 's have' : ' has'} no name in the header (column${empty.length > 1 ? 's' : ''} ${empty.slice(0, 10).join(', ')}${empty.length > 10 ? '…' : ''}); named column_N.`,
    );
  if (renamed.length)
    warnings.push(
      `Duplicate column names were renamed: ${renamed.slice(0, 10).join(', ')}${renamed.length > 10 ? '…' : ''}.`,
    );
  return names;
}
