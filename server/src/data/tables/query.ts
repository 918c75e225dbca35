/**
 * The query language of GET …/rows (and its downloads) and GET …/aggregate, parsed and validated
 * against the table schema. Everything the client sends is checked here; the engine only ever sees
 * field indexes, known operators and values already coerced to the column type.
 *
 * Filters (Datasette style): `column=value` (eq) or `column__op=value` with op in
 * eq, ne, lt, lte, gt, gte, in, contains, startswith, isnull. Repeated filters are ANDed, except
 * `in`, whose repeated values are unioned. `ne` keeps NULLs (it means "is distinct from").
 * `contains`/`startswith` are exact, case-sensitive substring/prefix tests on string columns
 * (`_q` is the case- and accent-insensitive word search, `_q_mode` prefix, words or phrase: see text.ts).
 * `isnull` takes 1/true or 0/false.
 * Lists (`in`, `_sort`, `_fields`, `_group`, `_agg`) are comma-separated; a backslash escapes the
 * next character (`\,` a literal comma, `\\` a backslash, `\-` a leading minus in `_sort`).
 * `in` also accepts a JSON array: `col__in=["a,b","c"]`.
 * Reserved parameters start with `_`; unknown ones are rejected. A field whose name begins with `_`
 * can still be filtered (`_name=…`) as long as it is not one of the reserved names.
 */
import { AppError, type FieldError } from '../../kernel/errors.js';
import type { Cell, FieldType, TableSchema } from '../table-schema.js';
import { isText, isValidDate, normalizeDatetime } from './physical.js';
import { DEFAULT_SEARCH_MODE, searchModes, type SearchMode } from './text.js';

export const filterOps = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'startswith', 'isnull'] as const;
export type FilterOp = (typeof filterOps)[number];
export type ColumnType = FieldType | 'id';

export interface ColumnRef {
  /** Public name (`_id` for the row id). */
  field: string;
  /** Schema index; -1 for `_id`. */
  index: number;
  type: ColumnType;
}

/** A filter, keyed by operator: each operator's value is already coerced to what it compares with. */
export type Filter = ColumnRef &
  (
    | { op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'; value: Cell }
    /** Distinct values, unioned over repeated `in` parameters. */
    | { op: 'in'; value: Cell[] }
    /** On string columns only. */
    | { op: 'contains' | 'startswith'; value: string }
    /** true: IS NULL; false: IS NOT NULL. */
    | { op: 'isnull'; value: boolean }
  );

export interface SortKey extends ColumnRef {
  desc: boolean;
}

/**
 * The relevance of a row to `_q`, as a sort key: the order of rows when `_q` is given without `_sort`. Its
 * value is a score where lower is more relevant (SQLite: FTS5's bm25(); PostgreSQL: minus ts_rank()), kept
 * in cursors like any sort value, so pages follow each other with a keyset on (score, `_id`).
 */
export const RANK: ColumnRef = { field: '_rank', index: -2, type: 'number' };

export interface RowQuery {
  filters: Filter[];
  /** Full-text search words, or null. */
  q: string | null;
  /** How `_q` matches (`_q_mode`, see text.ts): prefix (default), words or phrase. */
  qMode: SearchMode;
  /** Normalized: always ends with `_id` (the tie-breaker, in the direction of the first key). */
  sort: SortKey[];
  limit: number;
  /** Decoded keyset cursor: the sort values of the last row already seen (aligned with `sort`). */
  after: Cell[] | null;
  /** Requested fields (public names, `_id` excluded) or null for all. */
  fields: string[] | null;
  facets: string[];
  /** `_total`: how hard to count the matching rows (see TOTAL_MODES). */
  total: TotalMode;
}

/**
 * `_total`: `estimate` (the default) counts exactly up to a small bound, cheaply, and says "more" beyond it;
 * `exact` counts on (the columnar engine when it is ready); `none` skips counting.
 */
export const TOTAL_MODES = ['estimate', 'exact', 'none'] as const;
export type TotalMode = (typeof TOTAL_MODES)[number];

export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'distinct';
export interface AggregateSpec {
  fn: AggregateFn;
  /** null for `count` (rows). */
  column: ColumnRef | null;
  /** Output key, as written by the client: `count`, `sum:population`… */
  key: string;
}

export interface AggregateQuery {
  filters: Filter[];
  q: string | null;
  qMode: SearchMode;
  group: ColumnRef[];
  aggs: AggregateSpec[];
  /** Over output keys (group field names and aggregate keys). */
  sort: { key: string; desc: boolean }[];
  limit: number;
}

export const DEFAULT_ROW_LIMIT = 100;
export const MAX_ROW_LIMIT = 1000;
const MAX_IN_VALUES = 1000;
const MAX_FILTERS = 100;
const MAX_FACETS = 10;
const MAX_Q_LENGTH = 500;
const MAX_CURSOR_LENGTH = 65_536;

type Params = Record<string, string | string[] | undefined>;
export interface ParseOptions {
  /** Extra reserved parameters the caller handles itself (e.g. `_header` for CSV): ignored here. */
  ignore?: readonly string[];
}

class Errors {
  list: FieldError[] = [];
  add(field: string, message: string) {
    this.list.push({ field, message });
  }
  throwIfAny() {
    if (this.list.length === 0) return;
    const first = this.list[0] as FieldError;
    throw new AppError('validation_failed', this.list.length === 1 ? first.message : 'Invalid query', {
      errors: this.list,
    });
  }
}

/** Splits a comma list; backslash escapes the next character. Returns raw (still-escaped) items. */
function splitRaw(s: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\' && i + 1 < s.length) {
      current += ch + (s[i + 1] as string);
      i++;
    } else if (ch === ',') {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items;
}
const unescape = (s: string) => s.replace(/\\(.)/gsu, '$1');
export const splitList = (s: string): string[] => splitRaw(s).map(unescape);

function single(errors: Errors, name: string, value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length !== 1) {
      errors.add(name, `${name} must be given once`);
      return undefined;
    }
    return value[0];
  }
  return value;
}

const INTEGER = /^[+-]?\d{1,16}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;

/** Coerces a query-string value to the column type; a string message when it does not fit. */
export function coerce(type: ColumnType, raw: string): { value: Cell } | string {
  switch (type) {
    case 'id':
    case 'integer': {
      const s = raw.trim();
      const n = Number(s);
      return INTEGER.test(s) && Number.isSafeInteger(n)
        ? { value: n }
        : `Expected an integer, got ${JSON.stringify(raw.slice(0, 50))}`;
    }
    case 'number': {
      const s = raw.trim();
      const n = Number(s);
      return NUMBER.test(s) && Number.isFinite(n)
        ? { value: n }
        : `Expected a number, got ${JSON.stringify(raw.slice(0, 50))}`;
    }
    case 'boolean': {
      const s = raw.trim().toLowerCase();
      if (s === 'true' || s === '1') return { value: true };
      if (s === 'false' || s === '0') return { value: false };
      return `Expected true or false, got ${JSON.stringify(raw.slice(0, 50))}`;
    }
    case 'date':
      return isValidDate(raw.trim())
        ? { value: raw.trim() }
        : `Expected an ISO date (YYYY-MM-DD), got ${JSON.stringify(raw.slice(0, 50))}`;
    case 'datetime': {
      const d = normalizeDatetime(raw);
      return d ? { value: d } : `Expected an ISO datetime, got ${JSON.stringify(raw.slice(0, 50))}`;
    }
    case 'string':
      if (raw.includes('\u0000')) return 'Text values cannot contain NUL characters';
      if (raw.length > 10_000) return 'Text value too long';
      return { value: raw };
  }
}

/** Is this (decoded JSON) value a valid stored value of the type? Used for cursors. */
function isStoredValue(type: ColumnType, v: unknown): boolean {
  if (v === null) return type !== 'id';
  switch (type) {
    case 'id':
    case 'integer':
      return Number.isSafeInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
      return typeof v === 'string' && isValidDate(v);
    case 'datetime':
      return typeof v === 'string' && normalizeDatetime(v) === v;
    case 'string':
      return typeof v === 'string' && !v.includes('\u0000');
  }
}

function lookup(schema: TableSchema, name: string, allowId: boolean): ColumnRef | null {
  if (allowId && name === '_id') return { field: '_id', index: -1, type: 'id' };
  const index = schema.fields.findIndex((f) => f.name === name);
  const field = schema.fields[index];
  return field ? { field: field.name, index, type: field.type } : null;
}

// cursors

function sortSignature(sort: readonly SortKey[]): string {
  // FNV-1a over the sort spec: a cursor only resumes the sort it was made for.
  let h = 0x811c9dc5;
  const s = JSON.stringify(sort.map((k) => [k.field, k.desc]));
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

export function encodeRowCursor(sort: readonly SortKey[], values: readonly Cell[]): string {
  return Buffer.from(JSON.stringify({ s: sortSignature(sort), v: values })).toString('base64url');
}

export function decodeRowCursor(cursor: string, sort: readonly SortKey[]): Cell[] | string {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return 'Malformed cursor';
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return 'Malformed cursor';
  }
  if (typeof value !== 'object' || value === null) return 'Malformed cursor';
  const { s, v } = value as { s?: unknown; v?: unknown };
  if (s !== sortSignature(sort)) return 'This cursor was made for another _sort';
  if (!Array.isArray(v) || v.length !== sort.length) return 'Malformed cursor';
  for (let i = 0; i < sort.length; i++) if (!isStoredValue((sort[i] as SortKey).type, v[i])) return 'Malformed cursor';
  return v as Cell[];
}

// filters

function parseInValues(raw: string): string[] {
  const t = raw.trim();
  if (t.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(t);
      if (
        Array.isArray(arr) &&
        arr.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')
      )
        return arr.map(String);
    } catch {
      // not JSON: a plain comma list
    }
  }
  return splitList(raw);
}

function parseFilter(errors: Errors, schema: TableSchema, key: string, values: string[], filters: Filter[]): boolean {
  let ref = lookup(schema, key, true);
  let op: string = 'eq';
  if (!ref) {
    const at = key.lastIndexOf('__');
    if (at <= 0) return false;
    ref = lookup(schema, key.slice(0, at), true);
    op = key.slice(at + 2);
    if (!ref) {
      errors.add(key, `Unknown column ${JSON.stringify(key.slice(0, at))}`);
      return true;
    }
  }
  if (!(filterOps as readonly string[]).includes(op)) {
    errors.add(key, `Unknown operator ${JSON.stringify(op)} (expected one of ${filterOps.join(', ')})`);
    return true;
  }
  const fop = op as FilterOp;
  if ((fop === 'contains' || fop === 'startswith') && ref.type !== 'string') {
    errors.add(key, `${fop} only applies to text columns`);
    return true;
  }
  if (fop === 'isnull' && ref.type === 'id') {
    errors.add(key, '_id is never null');
    return true;
  }
  if (fop === 'in') {
    const all: Cell[] = [];
    for (const raw of values) {
      for (const item of parseInValues(raw)) {
        const c = coerce(ref.type, item);
        if (typeof c === 'string') {
          errors.add(key, c);
          return true;
        }
        all.push(c.value);
      }
    }
    if (all.length > MAX_IN_VALUES) errors.add(key, `At most ${MAX_IN_VALUES} values`);
    else filters.push({ ...ref, op: fop, value: [...new Set(all)] });
    return true;
  }
  for (const raw of values) {
    if (fop === 'isnull') {
      const b = coerce('boolean', raw);
      if (typeof b === 'string') errors.add(key, 'Expected 1/true or 0/false');
      else filters.push({ ...ref, op: fop, value: b.value === true });
      continue;
    }
    const c = coerce(ref.type, raw);
    if (typeof c === 'string') errors.add(key, c);
    else if (fop === 'contains' || fop === 'startswith') filters.push({ ...ref, op: fop, value: String(c.value) });
    else filters.push({ ...ref, op: fop, value: c.value });
  }
  return true;
}

const ROW_RESERVED = ['_sort', '_limit', '_cursor', '_fields', '_q', '_q_mode', '_facet', '_total'] as const;
const AGG_RESERVED = ['_group', '_agg', '_sort', '_limit', '_q', '_q_mode'] as const;
const ALL_RESERVED = new Set<string>([
  ...ROW_RESERVED,
  ...AGG_RESERVED,
  '_offset',
  '_size',
  '_shape',
  '_format',
  '_search',
  '_where',
  '_next',
]);

function parseCommon(
  errors: Errors,
  params: Params,
  schema: TableSchema,
  reserved: readonly string[],
  options: ParseOptions,
) {
  const filters: Filter[] = [];
  const ignore = new Set(options.ignore ?? []);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || ignore.has(key)) continue;
    if (reserved.includes(key)) continue;
    const values = Array.isArray(value) ? value : [value];
    if (ALL_RESERVED.has(key)) {
      errors.add(key, `${key} is not supported here`);
      continue;
    }
    if (!parseFilter(errors, schema, key, values, filters)) {
      errors.add(
        key,
        key.startsWith('_') ? `Unknown parameter ${JSON.stringify(key)}` : `Unknown column ${JSON.stringify(key)}`,
      );
    }
  }
  if (filters.length > MAX_FILTERS) errors.add('_filters', `At most ${MAX_FILTERS} filters`);

  let q: string | null = null;
  const rawQ = single(errors, '_q', params._q);
  if (rawQ !== undefined && rawQ.trim() !== '') {
    if (!schema.fields.some(isText)) errors.add('_q', 'This table has no text column to search');
    else if (rawQ.length > MAX_Q_LENGTH) errors.add('_q', `At most ${MAX_Q_LENGTH} characters`);
    else if (rawQ.includes('\u0000')) errors.add('_q', 'Search text cannot contain NUL characters');
    else if (!/[\p{L}\p{N}]/u.test(rawQ)) errors.add('_q', 'Search for at least one word');
    // A trailing space is kept: it ends the word being typed (prefix mode).
    else q = rawQ.trimStart();
  }
  let qMode: SearchMode = DEFAULT_SEARCH_MODE;
  const rawMode = single(errors, '_q_mode', params._q_mode);
  if (rawMode !== undefined && rawMode !== '') {
    if (!(searchModes as readonly string[]).includes(rawMode))
      errors.add('_q_mode', `_q_mode must be one of ${searchModes.join(', ')}`);
    else qMode = rawMode as SearchMode;
  }

  let limit = DEFAULT_ROW_LIMIT;
  const rawLimit = single(errors, '_limit', params._limit);
  if (rawLimit !== undefined) {
    const n = Number(rawLimit);
    if (!/^\d{1,7}$/.test(rawLimit) || n < 1 || n > MAX_ROW_LIMIT)
      errors.add('_limit', `_limit must be an integer from 1 to ${MAX_ROW_LIMIT}`);
    else limit = n;
  }
  return { filters, q, qMode, limit };
}

export function parseRowQuery(params: Params, schema: TableSchema, options: ParseOptions = {}): RowQuery {
  const errors = new Errors();
  const { filters, q, qMode, limit } = parseCommon(errors, params, schema, ROW_RESERVED, options);

  const sort: SortKey[] = [];
  const rawSort = single(errors, '_sort', params._sort);
  if (rawSort !== undefined && rawSort !== '') {
    const seen = new Set<string>();
    for (const item of splitRaw(rawSort)) {
      const desc = item.startsWith('-');
      const name = unescape(desc ? item.slice(1) : item);
      const ref = lookup(schema, name, true);
      if (!ref) errors.add('_sort', `Unknown column ${JSON.stringify(name)}`);
      else if (seen.has(name)) errors.add('_sort', `Column ${JSON.stringify(name)} given twice`);
      else {
        seen.add(name);
        sort.push({ ...ref, desc });
      }
      if (name === '_id') break; // _id is unique: later keys can never matter
    }
  }
  // `_q` without `_sort`: the most relevant rows first (see RANK), ties in `_id` order.
  if (sort.length === 0 && q !== null) sort.push({ ...RANK, desc: false });
  if (sort.length === 0 || (sort[sort.length - 1] as SortKey).index !== -1) {
    sort.push({ field: '_id', index: -1, type: 'id', desc: sort[0]?.desc ?? false });
  }

  let fields: string[] | null = null;
  const rawFields = single(errors, '_fields', params._fields);
  if (rawFields !== undefined) {
    fields = [];
    for (const name of splitList(rawFields)) {
      if (name === '_id') continue;
      if (!lookup(schema, name, false)) errors.add('_fields', `Unknown column ${JSON.stringify(name)}`);
      else if (!fields.includes(name)) fields.push(name);
    }
  }

  const facets: string[] = [];
  const rawFacets = params._facet === undefined ? [] : Array.isArray(params._facet) ? params._facet : [params._facet];
  for (const name of rawFacets) {
    if (!lookup(schema, name, false)) errors.add('_facet', `Unknown column ${JSON.stringify(name)}`);
    else if (!facets.includes(name)) facets.push(name);
  }
  if (facets.length > MAX_FACETS) errors.add('_facet', `At most ${MAX_FACETS} facets`);

  const rawTotal = single(errors, '_total', params._total) ?? 'estimate';
  const total = (TOTAL_MODES as readonly string[]).includes(rawTotal) ? (rawTotal as TotalMode) : 'estimate';
  if (total !== rawTotal) errors.add('_total', `One of ${TOTAL_MODES.join(', ')}`);

  let after: Cell[] | null = null;
  const rawCursor = single(errors, '_cursor', params._cursor);
  if (rawCursor !== undefined && rawCursor !== '' && errors.list.length === 0) {
    const decoded = decodeRowCursor(rawCursor, sort);
    if (typeof decoded === 'string') errors.add('_cursor', decoded);
    else after = decoded;
  }
  errors.throwIfAny();
  return { filters, q, qMode, sort, limit, after, fields, facets, total };
}

const AGG_FNS: readonly AggregateFn[] = ['count', 'sum', 'avg', 'min', 'max', 'distinct'];

export function parseAggregateQuery(params: Params, schema: TableSchema, options: ParseOptions = {}): AggregateQuery {
  const errors = new Errors();
  const { filters, q, qMode, limit } = parseCommon(errors, params, schema, AGG_RESERVED, options);

  const group: ColumnRef[] = [];
  const rawGroup = single(errors, '_group', params._group);
  if (rawGroup !== undefined && rawGroup !== '') {
    for (const name of splitList(rawGroup)) {
      const ref = lookup(schema, name, false);
      if (!ref) errors.add('_group', `Unknown column ${JSON.stringify(name)}`);
      else if (group.some((g) => g.field === name)) errors.add('_group', `Column ${JSON.stringify(name)} given twice`);
      else group.push(ref);
    }
    if (group.length > 5) errors.add('_group', 'At most 5 group columns');
  }

  const aggs: AggregateSpec[] = [];
  const rawAgg = single(errors, '_agg', params._agg);
  for (const item of rawAgg === undefined || rawAgg === '' ? ['count'] : splitList(rawAgg)) {
    const at = item.indexOf(':');
    const fn = (at < 0 ? item : item.slice(0, at)) as AggregateFn;
    const name = at < 0 ? null : item.slice(at + 1);
    if (!AGG_FNS.includes(fn)) {
      errors.add('_agg', `Unknown aggregate ${JSON.stringify(fn)} (expected one of ${AGG_FNS.join(', ')})`);
      continue;
    }
    let column: ColumnRef | null = null;
    if (name === null) {
      if (fn !== 'count') {
        errors.add('_agg', `${fn} needs a column: ${fn}:column`);
        continue;
      }
    } else {
      column = lookup(schema, name, false);
      if (!column) {
        errors.add('_agg', `Unknown column ${JSON.stringify(name)}`);
        continue;
      }
      if ((fn === 'sum' || fn === 'avg') && column.type !== 'integer' && column.type !== 'number') {
        errors.add('_agg', `${fn} needs a numeric column, ${JSON.stringify(name)} is ${column.type}`);
        continue;
      }
    }
    const key = column ? `${fn}:${column.field}` : 'count';
    if (aggs.some((a) => a.key === key)) continue;
    if (group.some((g) => g.field === key)) {
      errors.add('_agg', `Output ${JSON.stringify(key)} would collide with a group column`);
      continue;
    }
    aggs.push({ fn, column, key });
  }
  if (aggs.length > 20) errors.add('_agg', 'At most 20 aggregates');

  const outputs = new Set([...group.map((g) => g.field), ...aggs.map((a) => a.key)]);
  const sort: { key: string; desc: boolean }[] = [];
  const rawSort = single(errors, '_sort', params._sort);
  if (rawSort !== undefined && rawSort !== '') {
    for (const item of splitRaw(rawSort)) {
      const desc = item.startsWith('-');
      const key = unescape(desc ? item.slice(1) : item);
      if (!outputs.has(key))
        errors.add('_sort', `Unknown output column ${JSON.stringify(key)} (sort by a _group column or an _agg output)`);
      else if (!sort.some((s) => s.key === key)) sort.push({ key, desc });
    }
  }
  errors.throwIfAny();
  return { filters, q, qMode, group, aggs, sort, limit };
}

/** Re-serializes a row query (minus the cursor) so a `next` link can be rebuilt: see README in index.ts. */
export function rowQueryParams(query: RowQuery): URLSearchParams {
  const out = new URLSearchParams();
  for (const f of query.filters) {
    const name = f.op === 'eq' ? f.field : `${f.field}__${f.op}`;
    if (f.op === 'in') out.append(name, JSON.stringify(f.value));
    else if (f.op === 'isnull') out.append(name, f.value ? '1' : '0');
    else out.append(name, String(f.value));
  }
  if (query.q) out.set('_q', query.q);
  if (query.q && query.qMode !== DEFAULT_SEARCH_MODE) out.set('_q_mode', query.qMode);
  const esc = (s: string) => s.replace(/[\\,]/g, '\\$&').replace(/^-/, '\\-');
  const sort = query.sort.slice(0, -1);
  if (sort[0]?.index === RANK.index) {
    // implied by `_q` without `_sort`
  } else if (sort.length > 0 || query.sort[0]?.desc)
    out.set('_sort', query.sort.map((k) => (k.desc ? '-' : '') + esc(k.field)).join(','));
  if (query.limit !== DEFAULT_ROW_LIMIT) out.set('_limit', String(query.limit));
  if (query.fields) out.set('_fields', query.fields.map(esc).join(','));
  for (const f of query.facets) out.append('_facet', f);
  return out;
}
