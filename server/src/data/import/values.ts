/**
 * Parsers for source values, shared by type inference and coercion: numbers in several national styles,
 * booleans in English and French, dates and datetimes in ISO and day-first formats.
 */

export type RawCell = string | number | boolean | Date | null | undefined | object;

/** Null markers recognised in every column (they go into `schema.missingValues`). */
export const defaultMissingValues = ['', 'NA', 'N/A', 'n/a', 'null', 'NULL', '-', 'nd'];

export const defaultTrueValues = ['true', 'yes', 'oui', 'vrai', '1'];
export const defaultFalseValues = ['false', 'no', 'non', 'faux', '0'];
/** Words that make a column boolean at inference (0/1 alone make an integer column). */
export const booleanWords = new Set(['true', 'false', 'yes', 'no', 'oui', 'non', 'vrai', 'faux']);

// numbers

export interface NumberStyle {
  id: string;
  decimalChar: '.' | ',';
  groupChar?: ',' | '.' | ' ';
  /** Whole-value pattern (a plain number without grouping also matches). */
  re: RegExp;
}

const SP = '[ \\u00a0\\u202f]';
export const numberStyles: Record<string, NumberStyle> = {
  dot: { id: 'dot', decimalChar: '.', re: /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/ },
  dotComma: { id: 'dotComma', decimalChar: '.', groupChar: ',', re: /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/ },
  dotSpace: {
    id: 'dotSpace',
    decimalChar: '.',
    groupChar: ' ',
    re: new RegExp(`^[+-]?(?:\\d{1,3}(?:${SP}\\d{3})+|\\d+)(?:\\.\\d+)?$`),
  },
  comma: { id: 'comma', decimalChar: ',', re: /^[+-]?(?:\d+(?:,\d+)?|,\d+)$/ },
  commaSpace: {
    id: 'commaSpace',
    decimalChar: ',',
    groupChar: ' ',
    re: new RegExp(`^[+-]?(?:\\d{1,3}(?:${SP}\\d{3})+|\\d+)(?:,\\d+)?$`),
  },
  commaDot: { id: 'commaDot', decimalChar: ',', groupChar: '.', re: /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/ },
};

/** Preference order among number styles, for values that fit several (e.g. `1,234`). */
export function numberStyleOrder(commaIsDelimiter: boolean): NumberStyle[] {
  const s = numberStyles;
  return commaIsDelimiter
    ? [s.dot!, s.dotComma!, s.dotSpace!, s.commaSpace!, s.commaDot!, s.comma!]
    : [s.dot!, s.comma!, s.commaSpace!, s.commaDot!, s.dotSpace!, s.dotComma!];
}

/** Compiles a number parser for a field's decimalChar/groupChar; returns NaN when the value is not a number. */
export function numberParser(decimalChar = '.', groupChar?: string): (s: string) => number {
  const dot = numberStyles.dot!.re;
  if (decimalChar === '.' && !groupChar) return (s) => (dot.test(s) ? Number(s) : NaN);
  const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const spaceGroup = groupChar === ' ' || groupChar === '\u00a0' || groupChar === '\u202f';
  const g = groupChar ? (spaceGroup ? SP : esc(groupChar)) : null;
  const d = esc(decimalChar);
  const re = g
    ? new RegExp(`^[+-]?(?:\\d{1,3}(?:${g}\\d{3})+|\\d+)(?:${d}\\d+)?$`)
    : new RegExp(`^[+-]?(?:\\d+(?:${d}\\d+)?|${d}\\d+)$`);
  const group = g ? new RegExp(g, 'g') : null;
  return (s) => {
    if (!re.test(s)) return decimalChar === '.' && dot.test(s) ? Number(s) : NaN;
    let t = group ? s.replace(group, '') : s;
    if (decimalChar !== '.') t = t.replace(decimalChar, '.');
    return Number(t);
  };
}

/** `007`, `01000`, `-01`: codes, not numbers. */
export function hasLeadingZero(s: string): boolean {
  const i = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0;
  return s.charCodeAt(i) === 48 && s.length > i + 1 && s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57;
}

export const INTEGER_RE = /^[+-]?\d+$/;

// dates and datetimes

function daysInMonth(y: number, m: number): number {
  return m === 2
    ? y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
      ? 29
      : 28
    : m === 4 || m === 6 || m === 9 || m === 11
      ? 30
      : 31;
}

const p2 = (n: number) => (n < 10 ? '0' : '') + n;
const p4 = (n: number) => String(n).padStart(4, '0');

function isoDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1) return null;
  return `${p4(y)}-${p2(m)}-${p2(d)}`;
}

function isoTime(h: number, mi: number, s: number): string | null {
  if (h > 23 || mi > 59 || s > 59) return null;
  return `${p2(h)}:${p2(mi)}:${p2(s)}`;
}

/**
 * Compiles a strftime-like pattern (%Y %m %d %H %M %S, other characters literal) into a parser returning
 * the ISO form (`yyyy-mm-dd`, or `yyyy-mm-ddThh:mm:ss` when the pattern has a time), or null. A trailing
 * `:%S` is optional, so `%d/%m/%Y %H:%M:%S` also reads `25/12/2024 10:30`.
 */
export function compileDatePattern(pattern: string): ((s: string) => string | null) | null {
  const order: string[] = [];
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '%' && i + 1 < pattern.length) {
      const f = pattern[++i]!;
      if (f === 'Y') src += '(\\d{4})';
      else if ('mdHMS'.includes(f)) {
        if (f === 'S' && pattern.slice(i + 1) === '' && src.endsWith(':')) {
          src = src.slice(0, -1) + '(?::(\\d{1,2}))?';
          order.push(f);
          continue;
        }
        src += '(\\d{1,2})';
      } else return null;
      order.push(f);
    } else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  if (!order.includes('Y') || !order.includes('m') || !order.includes('d')) return null;
  const re = new RegExp(src + '$');
  const hasTime = order.includes('H');
  return (s) => {
    const m = re.exec(s);
    if (!m) return null;
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      se = 0;
    for (let k = 0; k < order.length; k++) {
      const v = m[k + 1] === undefined ? 0 : +m[k + 1]!;
      switch (order[k]) {
        case 'Y':
          y = v;
          break;
        case 'm':
          mo = v;
          break;
        case 'd':
          d = v;
          break;
        case 'H':
          h = v;
          break;
        case 'M':
          mi = v;
          break;
        case 'S':
          se = v;
          break;
      }
    }
    const date = isoDate(y, mo, d);
    if (!date || !hasTime) return date;
    const time = isoTime(h, mi, se);
    return time && `${date}T${time}`;
  };
}

/** Digits at s[from, to) as a number, or -1. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Whether s[at, at+10) is a valid `yyyy-mm-dd` date (no allocation). */
function isIsoDateAt(s: string, at: number): boolean {
  if (s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45) return false;
  const y = digits(s, at, at + 4);
  const m = digits(s, at + 5, at + 7);
  const d = digits(s, at + 8, at + 10);
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function parseIsoDate(s: string): string | null {
  return s.length === 10 && isIsoDateAt(s, 0) ? s : null;
}

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
/**
 * ISO 8601 datetime. Without a zone: returned as `yyyy-mm-ddThh:mm:ss[.fff]` (local time as written). With
 * a zone: converted to UTC, `yyyy-mm-ddThh:mm:ss[.fff]Z`, so that values sort and compare correctly.
 */
export function parseIsoDatetime(s: string): string | null {
  // Fast path for the canonical forms `yyyy-mm-ddThh:mm:ss` and `yyyy-mm-ddThh:mm:ssZ`: returned as they are.
  const len = s.length;
  if (
    (len === 19 || (len === 20 && s.charCodeAt(19) === 90)) &&
    s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(16) === 58
  ) {
    if (!isIsoDateAt(s, 0)) return null;
    const h = digits(s, 11, 13);
    const mi = digits(s, 14, 16);
    const se = digits(s, 17, 19);
    return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59 ? s : null;
  }
  const m = ISO_DATETIME.exec(s);
  if (!m) return null;
  const date = isoDate(+m[1]!, +m[2]!, +m[3]!);
  const time = date && isoTime(+m[4]!, +m[5]!, m[6] ? +m[6] : 0);
  if (!time) return null;
  const frac = m[7] ? m[7].slice(0, 3).padEnd(3, '0') : '';
  const zone = m[8];
  if (!zone) return `${date}T${time}${frac ? '.' + frac : ''}`;
  let offset = 0;
  if (zone === 'Z' || /^[+-]00(:?00)?$/.test(zone)) return `${date}T${time}${frac ? '.' + frac : ''}Z`;
  {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return null;
    offset = sign * (oh * 60 + om);
  }
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, frac ? +frac : 0) - offset * 60_000;
  if (+m[1]! < 100) return null; // Date.UTC maps years 0–99 to 1900–1999
  const iso = new Date(ms).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return frac ? iso : iso.slice(0, 19) + 'Z';
}

export interface DateFormat {
  /** As stored in Field.format. */
  format: string;
  parse: (s: string) => string | null;
}

const pattern = (format: string): DateFormat => ({ format, parse: compileDatePattern(format)! });

/** Candidate date formats, in preference order (day-first before month-first). */
export const dateFormats: DateFormat[] = [
  { format: 'default', parse: parseIsoDate },
  pattern('%d/%m/%Y'),
  pattern('%m/%d/%Y'),
  pattern('%d-%m-%Y'),
  pattern('%Y/%m/%d'),
  pattern('%d.%m.%Y'),
];

export const datetimeFormats: DateFormat[] = [
  { format: 'default', parse: parseIsoDatetime },
  pattern('%d/%m/%Y %H:%M:%S'),
  pattern('%d-%m-%Y %H:%M:%S'),
  pattern('%Y/%m/%d %H:%M:%S'),
];

export function dateParser(format: string | undefined): (s: string) => string | null {
  if (!format || format === 'default' || format === 'any') return format === 'any' ? anyOf(dateFormats) : parseIsoDate;
  return compileDatePattern(format) ?? parseIsoDate;
}

export function datetimeParser(format: string | undefined): (s: string) => string | null {
  if (!format || format === 'default' || format === 'any')
    return format === 'any' ? anyOf(datetimeFormats) : parseIsoDatetime;
  return compileDatePattern(format) ?? parseIsoDatetime;
}

function anyOf(formats: DateFormat[]): (s: string) => string | null {
  return (s) => {
    for (const f of formats) {
      const v = f.parse(s);
      if (v !== null) return v;
    }
    return null;
  };
}

/** A spreadsheet date (ExcelJS gives UTC-based Dates holding the wall-clock time). */
export function excelDate(d: Date): { date: string; datetime: string; dateOnly: boolean } | null {
  const t = d.getTime();
  if (Number.isNaN(t)) return null;
  const rounded = new Date(Math.round(t / 1000) * 1000);
  const iso = rounded.toISOString();
  return { date: iso.slice(0, 10), datetime: iso.slice(0, 19), dateOnly: iso.slice(11, 19) === '00:00:00' };
}

/** Text for a non-string source value in a string column. */
export function cellText(v: RawCell): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) {
    const e = excelDate(v);
    return e ? (e.dateOnly ? e.date : e.datetime) : '';
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function truncate(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}
