/** Compiles a schema into a fast row coercer: source cells → typed values, or the reason for rejection. */
import type { Cell, Field, RowResult, TableSchema } from '../table-schema.js';
import {
  INTEGER_RE,
  cellText,
  dateParser,
  datetimeParser,
  defaultFalseValues,
  defaultTrueValues,
  excelDate,
  hasLeadingZero,
  numberParser,
  truncate,
  type RawCell,
} from './values.js';
import { rowProblem, type MessageParams } from './messages.js';

export const INVALID: unique symbol = Symbol('invalid');
export type Coercer = (v: RawCell) => Cell | typeof INVALID;

const isWs = (c: number) => c <= 32 || c === 0xa0;

/** Returns the compiled missing-value test (exact match, or match after trimming surrounding whitespace). */
function missingTest(missingValues: string[]): (s: string) => boolean {
  const set = new Set(missingValues);
  const maxLen = Math.max(0, ...missingValues.map((m) => m.length));
  return (s) => {
    if (s.length <= maxLen && set.has(s)) return true;
    if (s.length > 0 && (isWs(s.charCodeAt(0)) || isWs(s.charCodeAt(s.length - 1)))) {
      const t = s.trim();
      return t.length <= maxLen && set.has(t);
    }
    return false;
  };
}

function trimmed(s: string): string {
  return s.length > 0 && (isWs(s.charCodeAt(0)) || isWs(s.charCodeAt(s.length - 1))) ? s.trim() : s;
}

export function compileCoercer(field: Field, missingValues: string[]): Coercer {
  const isMissing = missingTest(missingValues);
  switch (field.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? (isMissing(v) ? null : v) : v == null ? null : cellText(v));
    case 'integer': {
      const parse = field.groupChar
        ? numberParser(field.decimalChar ?? (field.groupChar === '.' ? ',' : '.'), field.groupChar)
        : null;
      return (v) => {
        if (typeof v === 'string') {
          if (isMissing(v)) return null;
          const t = trimmed(v);
          if (parse) {
            const n = parse(t);
            return Number.isSafeInteger(n) ? n : INVALID;
          }
          if (!INTEGER_RE.test(t)) return INVALID;
          const n = Number(t);
          return Number.isSafeInteger(n) ? n : INVALID;
        }
        if (typeof v === 'number') return Number.isSafeInteger(v) ? v : INVALID;
        return v == null ? null : INVALID;
      };
    }
    case 'number': {
      const parse = numberParser(field.decimalChar ?? '.', field.groupChar);
      return (v) => {
        if (typeof v === 'string') {
          if (isMissing(v)) return null;
          const n = parse(trimmed(v));
          return Number.isFinite(n) ? n : INVALID;
        }
        if (typeof v === 'number') return Number.isFinite(v) ? v : INVALID;
        return v == null ? null : INVALID;
      };
    }
    case 'boolean': {
      const t = new Set((field.trueValues ?? defaultTrueValues).map((s) => s.toLowerCase()));
      const f = new Set((field.falseValues ?? defaultFalseValues).map((s) => s.toLowerCase()));
      const exact = new Map<string, boolean>();
      for (const x of t)
        for (const y of [x, x.toUpperCase(), x[0] ? x[0].toUpperCase() + x.slice(1) : x]) exact.set(y, true);
      for (const x of f)
        for (const y of [x, x.toUpperCase(), x[0] ? x[0].toUpperCase() + x.slice(1) : x]) exact.set(y, false);
      return (v) => {
        if (typeof v === 'string') {
          const b = exact.get(v);
          if (b !== undefined) return b;
        }
        if (typeof v === 'boolean') return v;
        if (v == null) return null;
        if (typeof v === 'string' && isMissing(v)) return null;
        if (typeof v !== 'string' && typeof v !== 'number') return INVALID;
        const s = trimmed(String(v)).toLowerCase();
        return t.has(s) ? true : f.has(s) ? false : INVALID;
      };
    }
    case 'date': {
      return temporalCoercer(isMissing, dateParser(field.format), (d) => {
        const e = excelDate(d);
        return e && e.dateOnly ? e.date : undefined;
      });
    }
    case 'datetime': {
      return temporalCoercer(isMissing, datetimeParser(field.format), (d) => excelDate(d)?.datetime);
    }
  }
}

/**
 * Dates and datetimes: text through `parse` (remembering the last value — sorted files repeat it),
 * spreadsheet dates through `fromDate`.
 */
function temporalCoercer(
  isMissing: (text: string) => boolean,
  parse: (text: string) => Cell | undefined | null,
  fromDate: (d: Date) => Cell | undefined,
): Coercer {
  let lastIn: string | null = null;
  let lastOut: Cell | typeof INVALID = INVALID;
  return (v) => {
    if (typeof v === 'string') {
      if (v === lastIn) return lastOut;
      lastIn = v;
      return (lastOut = isMissing(v) ? null : (parse(trimmed(v)) ?? INVALID));
    }
    if (v instanceof Date) return fromDate(v) ?? INVALID;
    return v == null ? null : INVALID;
  };
}

function humanPattern(format: string): string {
  return format
    .replace(/%Y/g, 'yyyy')
    .replace(/%m/g, 'mm')
    .replace(/%d/g, 'dd')
    .replace(/%H/g, 'hh')
    .replace(/%M/g, 'mm')
    .replace(/%S/g, 'ss');
}

/** What a field expects, as the parameters of a `value.type` rejection (see messages.ts). */
export function expectedOf(field: Field): MessageParams {
  switch (field.type) {
    case 'integer':
      return { type: 'integer' };
    case 'number':
      return { type: field.decimalChar === ',' ? 'number_comma' : 'number' };
    case 'boolean':
      return {
        type: 'boolean',
        trueValues: (field.trueValues ?? defaultTrueValues).join('/'),
        falseValues: (field.falseValues ?? defaultFalseValues).join('/'),
      };
    case 'date':
      return {
        type: 'date',
        format:
          !field.format || field.format === 'default'
            ? 'yyyy-mm-dd'
            : field.format === 'any'
              ? 'any'
              : humanPattern(field.format),
      };
    case 'datetime':
      return {
        type: 'datetime',
        format:
          !field.format || field.format === 'default'
            ? 'ISO 8601'
            : field.format === 'any'
              ? 'any'
              : humanPattern(field.format),
      };
    case 'string':
      return { type: 'string' };
  }
}

export type RowCoercer = (line: number, cells: RawCell[]) => RowResult;

export interface RowCoercerOptions {
  /** XLSX: rows shorter than the schema are padded with nulls. */
  padMissingCells?: boolean;
  /**
   * Called for a text value with leading zeros ("01") read into an integer column: a code that the sample did
   * not show (the value itself is accepted as the integer).
   */
  onLeadingZero?: (fieldIndex: number, line: number) => void;
}

/** Rows of positional cells (CSV, XLSX, and JSON objects mapped to key order) → RowResult. */
export function compileRowCoercer(schema: TableSchema, options: RowCoercerOptions = {}): RowCoercer {
  const fields = schema.fields;
  const n = fields.length;
  const coercers = fields.map((f) => compileCoercer(f, schema.missingValues));
  const required = fields.map((f) => f.constraints?.required === true);
  const anyRequired = required.some(Boolean);
  const pad = options.padMissingCells === true;
  const onLeadingZero = options.onLeadingZero;
  const integers = onLeadingZero ? fields.flatMap((f, i) => (f.type === 'integer' && !f.groupChar ? [i] : [])) : [];
  return (line, cells) => {
    if (cells.length !== n) {
      if (cells.length > n || !pad) {
        if (pad && cells.slice(n).every((c) => c == null || c === '')) cells = cells.slice(0, n);
        else return rowProblem(line, 'row.width', { expected: n, found: cells.length });
      }
    }
    const values = new Array<Cell>(n);
    for (let i = 0; i < n; i++) {
      const raw = cells[i];
      const c = coercers[i]!(raw);
      if (c === INVALID) {
        const f = fields[i]!;
        const tooLarge = f.type === 'integer' && typeof raw === 'string' && INTEGER_RE.test(trimmed(raw));
        return rowProblem(line, 'value.type', {
          value: truncate(cellText(raw)),
          column: truncate(f.name, 80),
          ...expectedOf(f),
          ...(tooLarge ? { tooLarge: 1 } : {}),
        });
      }
      values[i] = c;
    }
    for (const i of integers) {
      const raw = cells[i];
      if (typeof raw === 'string' && hasLeadingZero(trimmed(raw))) onLeadingZero!(i, line);
    }
    if (anyRequired) {
      for (let i = 0; i < n; i++) {
        if (required[i] && values[i] === null)
          return rowProblem(line, 'value.required', { column: truncate(fields[i]!.name, 80) });
      }
    }
    return { line, values };
  };
}
