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
  numberParser,
  truncate,
  type RawCell,
} from './values.js';

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

export function describeType(field: Field): string {
  switch (field.type) {
    case 'integer':
      return 'an integer';
    case 'number':
      return field.decimalChar === ',' ? 'a number (with a decimal comma)' : 'a number';
    case 'boolean':
      return `a boolean (${(field.trueValues ?? defaultTrueValues).join('/')} or ${(field.falseValues ?? defaultFalseValues).join('/')})`;
    case 'date':
      return `a date (${!field.format || field.format === 'default' ? 'yyyy-mm-dd' : field.format === 'any' ? 'any known format' : humanPattern(field.format)})`;
    case 'datetime':
      return `a datetime (${!field.format || field.format === 'default' ? 'ISO 8601' : field.format === 'any' ? 'any known format' : humanPattern(field.format)})`;
    case 'string':
      return 'a string';
  }
}

export type RowCoercer = (line: number, cells: RawCell[]) => RowResult;

/** Rows of positional cells (CSV, XLSX, and JSON objects mapped to key order) → RowResult. */
export function compileRowCoercer(schema: TableSchema, options: { padMissingCells?: boolean } = {}): RowCoercer {
  const fields = schema.fields;
  const n = fields.length;
  const coercers = fields.map((f) => compileCoercer(f, schema.missingValues));
  const required = fields.map((f) => f.constraints?.required === true);
  const anyRequired = required.some(Boolean);
  const pad = options.padMissingCells === true;
  return (line, cells) => {
    if (cells.length !== n) {
      if (cells.length > n || !pad) {
        if (pad && cells.slice(n).every((c) => c == null || c === '')) cells = cells.slice(0, n);
        else return { line, error: `line ${line}: expected ${n} value${n === 1 ? '' : 's'}, found ${cells.length}` };
      }
    }
    const values = new Array<Cell>(n);
    for (let i = 0; i < n; i++) {
      const raw = cells[i];
      const c = coercers[i]!(raw);
      if (c === INVALID) {
        const f = fields[i]!;
        const extra =
          f.type === 'integer' && typeof raw === 'string' && INTEGER_RE.test(trimmed(raw))
            ? ' (too large to be stored exactly)'
            : '';
        return {
          line,
          error: `line ${line}: value '${truncate(cellText(raw))}' in column '${truncate(f.name, 80)}' is not ${describeType(f)}${extra}`,
        };
      }
      values[i] = c;
    }
    if (anyRequired) {
      for (let i = 0; i < n; i++) {
        if (required[i] && values[i] === null)
          return {
            line,
            error: `line ${line}: column '${truncate(fields[i]!.name, 80)}' is required but the value is missing`,
          };
      }
    }
    return { line, values };
  };
}
