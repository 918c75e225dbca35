/**
 * Physical layout of a resource-version table, shared by the store (DDL, loading) and the query
 * engine. User column names never reach SQL: field i is the physical column `c{i}`, the row id is
 * `_id`, and the only other identifier is the table name, which is checked against a strict pattern.
 */
import type { PageRender } from './workers/render.js';
import { runStepsAsync, type Step, type StepRows, type StepsAnswer } from './workers/steps.js';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Cell, Field, FieldType, TableSchema } from '../table-schema.js';
import { fold } from './text.js';

export type TableDialect = 'sqlite' | 'postgres';
/** The query engine's dialects: the main databases, and DuckDB over the columnar copy (columnar.ts). */
export type EngineDialect = TableDialect | 'duckdb';

/** Any Kysely instance or transaction: these tables are not in the static Database type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;

/**
 * ASCII letter, then letters, digits, underscores; ≤ 48 chars so derived names (`{t}_fts`, `{t}__c99`)
 * fit PostgreSQL's 63. Always quoted, so case is kept on PostgreSQL; SQLite ignores case: never use two
 * names that differ only by case.
 */
export const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

export function checkTableName(table: string): string {
  if (!TABLE_NAME.test(table)) throw new Error(`Invalid physical table name ${JSON.stringify(table)}`);
  return table;
}

export const q = (identifier: string) => `"${identifier}"`;
export const col = (index: number) => `"c${index}"`;
export const ftsTable = (table: string) => `${table}_fts`;

/** Field types that take part in full-text search. */
export const isText = (f: Field) => f.type === 'string';

export function sqlType(type: FieldType, dialect: TableDialect): string {
  if (dialect === 'sqlite') {
    return { integer: 'INTEGER', number: 'REAL', boolean: 'INTEGER', date: 'TEXT', datetime: 'TEXT', string: 'TEXT' }[
      type
    ];
  }
  return {
    integer: 'bigint',
    number: 'double precision',
    boolean: 'boolean',
    date: 'date',
    datetime: 'timestamptz',
    string: 'text COLLATE "C"',
  }[type];
}

/** PostgreSQL cast for a bound parameter of this type (explicit so inference never guesses). */
export function pgCast(type: FieldType | 'id'): string {
  return {
    id: 'bigint',
    integer: 'bigint',
    number: 'float8',
    boolean: 'boolean',
    date: 'date',
    datetime: 'timestamptz',
    string: 'text',
  }[type];
}

/**
 * SQL expression that reads a stored value back in its public form: ISO strings for dates and
 * datetimes on PostgreSQL (SQLite already stores them as ISO text). `expr` is trusted SQL.
 */
export function readExpr(type: FieldType, expr: string, dialect: EngineDialect): string {
  if (dialect === 'postgres') {
    if (type === 'date') return `to_char(${expr}, 'YYYY-MM-DD')`;
    if (type === 'datetime') return `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  }
  return expr;
}

/** Converts a value read from the driver into a Cell (SQLite booleans are 0/1). */
export function decodeCell(type: FieldType, value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return value === true || value === 1 || value === '1' || value === 't';
  if (type === 'integer' || type === 'number') return typeof value === 'number' ? value : Number(value);
  return value as Cell;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isValidDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const DATETIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
/**
 * Normalizes a datetime to `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC, milliseconds), the one stored form on
 * both dialects. Without an offset the value is taken as UTC; a bare date means midnight UTC.
 */
export function normalizeDatetime(s: string): string | null {
  const m = DATETIME.exec(s.trim());
  if (!m || !isValidDate(m[1] as string)) return null;
  const [hh, mm, ss] = [m[2] ?? '00', m[3] ?? '00', m[4] ?? '00'];
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  const frac = (m[5] ?? '').slice(0, 4);
  let tz = m[6] ?? 'Z';
  if (tz === 'z') tz = 'Z';
  if (tz !== 'Z') tz = tz.length === 3 ? `${tz}:00` : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz;
  const d = new Date(`${m[1]}T${hh}:${mm}:${ss}${frac}${tz}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

type Encoded = string | number | boolean | null;
const CANONICAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Per-type converters from a Cell to the bound value (hot path of bulk loads: no allocation for
 * values already in canonical form). Values the importer should never produce throw.
 */
export function cellEncoder(type: FieldType, dialect: TableDialect): (value: Cell | undefined) => Encoded {
  switch (type) {
    case 'integer':
      return (v) => {
        if (v === null || v === undefined) return null;
        const n = typeof v === 'number' ? v : Number(v);
        if (!Number.isFinite(n)) return null;
        if (!Number.isInteger(n)) throw new Error(`Not an integer: ${String(v)}`);
        return n;
      };
    case 'number':
      return (v) => {
        if (v === null || v === undefined) return null;
        const n = typeof v === 'number' ? v : Number(v);
        return Number.isFinite(n) ? n : null;
      };
    case 'boolean':
      return dialect === 'sqlite'
        ? (v) => (v === null || v === undefined ? null : v === true || v === 1 || v === '1' || v === 'true' ? 1 : 0)
        : (v) => (v === null || v === undefined ? null : v === true || v === 1 || v === '1' || v === 'true');
    case 'date':
      return (v) => {
        if (v === null || v === undefined) return null;
        const s = String(v);
        if (!DATE.test(s)) throw new Error(`Not an ISO date: ${s}`);
        return s;
      };
    case 'datetime':
      return (v) => {
        if (v === null || v === undefined) return null;
        const s = String(v);
        if (CANONICAL_DATETIME.test(s)) return s;
        const n = normalizeDatetime(s);
        if (n === null) throw new Error(`Not an ISO datetime: ${s}`);
        return n;
      };
    case 'string':
      return (v) => {
        if (v === null || v === undefined) return null;
        const s = typeof v === 'string' ? v : String(v);
        // PostgreSQL text cannot hold NUL; drop it on both dialects so they agree.
        return s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
      };
  }
}

/**
 * Bound-parameter builder: `?` on SQLite and DuckDB (text order = push order), `$n::type` on PostgreSQL.
 * DuckDB gets integers as BigInt, so that a BIGINT column is compared with a BIGINT (not cast to DOUBLE).
 */
export class Params {
  readonly values: unknown[] = [];
  constructor(readonly dialect: EngineDialect) {}
  add(value: unknown, type?: FieldType | 'id'): string {
    if (this.dialect === 'duckdb' && (type === 'integer' || type === 'id') && Number.isSafeInteger(value))
      value = BigInt(value as number);
    this.values.push(value);
    if (this.dialect !== 'postgres') return '?';
    return type ? `$${this.values.length}::${pgCast(type)}` : `$${this.values.length}`;
  }
}

const plainCache = new WeakMap<object, AnyDb>();
/** The same database without plugins (CamelCasePlugin must not touch our aliases). */
export function plain(db: AnyDb): AnyDb {
  let p = plainCache.get(db);
  if (!p) {
    p = db.withoutPlugins();
    plainCache.set(db, p);
  }
  return p;
}

export async function run<R = Record<string, unknown>>(
  db: AnyDb,
  text: string,
  params: readonly unknown[] = [],
): Promise<R[]> {
  const result = await plain(db).executeQuery<R>(CompiledQuery.raw(text, params as unknown[]));
  return result.rows;
}

/** Databases that run a program of steps in one trip (the SQLite query workers register theirs). */
export type StepRunner = (steps: Step[], render?: PageRender) => Promise<StepsAnswer>;
const stepRunners = new WeakMap<object, StepRunner>();
export function registerStepRunner(db: AnyDb, runner: StepRunner): void {
  stepRunners.set(db, runner);
}
/** The database's own runner of programs (one trip to a query worker), if it has one. */
export const stepRunnerOf = (db: AnyDb): StepRunner | undefined => stepRunners.get(db);

/** Runs a program of statements (workers/steps.ts): in one trip where the database allows it, else in order. */
export async function runSteps(db: AnyDb, steps: Step[]): Promise<(StepRows | null)[]> {
  const runner = stepRunners.get(db);
  return runner ? (await runner(steps)).results : runStepsAsync(steps, (sql, params) => run(db, sql, params));
}

export function checkSchema(schema: TableSchema): void {
  if (schema.fields.length === 0) throw new Error('A table needs at least one field');
  if (schema.fields.length > 1500) throw new Error('Too many fields');
  const seen = new Set<string>();
  for (const f of schema.fields) {
    if (f.name === '_id')
      throw new Error('A field cannot be named "_id" (reserved for the row id): rename it on import');
    if (seen.has(f.name)) throw new Error(`Duplicate field name ${JSON.stringify(f.name)}`);
    seen.add(f.name);
  }
}

// Accent folding lives in text.ts (shared with the query workers' SQL functions).
export { fold, foldText } from './text.js';

/** The tsvector expression of the PostgreSQL generated column (over the string columns). */
export function pgTsvectorExpr(schema: TableSchema): string | null {
  const cols = schema.fields
    .map((f, i) => (isText(f) ? `coalesce(${col(i)}, '')` : null))
    .filter((c): c is string => c !== null);
  if (cols.length === 0) return null;
  return `to_tsvector('simple'::regconfig, translate(${cols.join(` || ' ' || `)}, '${fold.from}', '${fold.to}'))`;
}
