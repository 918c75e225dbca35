/**
 * Query engine over resource-version tables: pages with keyset cursors, streaming downloads,
 * facets, counts, aggregates and column statistics. SQL text contains only generated identifiers
 * (`c{i}`, `_id`, aliases, the checked table name); every client value is a bound parameter.
 *
 * Ordering: NULLs sort last in both directions, on both dialects. Ties are broken by `_id` in the
 * direction of the first sort key. To keep single-column sorts on the column's index, a page is read
 * in two segments when the first key is a column: its non-null rows (plain ORDER BY c [DESC], _id,
 * served by the index), then its null rows (ORDER BY the remaining keys).
 */
import type { Cell, FieldType, TableSchema } from '../table-schema.js';
import type { QueryCache } from './cache.js';
import {
  type AnyDb,
  checkTableName,
  col,
  decodeCell,
  foldText,
  ftsTable,
  Params,
  q as quote,
  readExpr,
  run,
  runSteps,
  stepRunnerOf,
  type EngineDialect,
} from './physical.js';
import { decodeRows, renderPage, type PageRender } from './workers/render.js';
import type { Step, StepCondition, StepRows } from './workers/steps.js';
import { foldWord, fts5Match, parseSearch, type Search } from './text.js';
import {
  type AggregateQuery,
  type ColumnRef,
  encodeRowCursor,
  RANK,
  type Filter,
  type RowQuery,
  type SortKey,
} from './query.js';

export interface FacetValue {
  value: Cell;
  count: number;
}
export interface ColumnStats {
  min: Cell;
  max: Cell;
  nulls: number;
  distinct: number;
  top: FacetValue[];
}
/** A row: `_id` then the (selected) fields by public name. */
export type Row = { _id: number } & Record<string, Cell>;
/** An aggregate output row: group columns by field name, aggregates by their `_agg` key. */
export type AggregateRow = Record<string, Cell>;

/** A page of rows and the cursor after it. */
export interface RowsPage {
  readonly rows: readonly Row[];
  readonly nextCursor: string | null;
}

/**
 * A page whose rows arrived as JSON bytes (rendered by a query worker, workers/render.ts): the API answers those
 * bytes as they are, and the row objects are parsed only if some caller reads `rows`. The bytes are a private
 * field: out of reach of the cache's deep freeze (a typed array cannot be frozen) and of callers.
 */
export class RenderedPage implements RowsPage {
  readonly #json: Buffer;
  #rows: readonly Row[] | undefined;
  constructor(
    json: Buffer,
    /** Rows in the page. */
    readonly length: number,
    readonly nextCursor: string | null,
  ) {
    this.#json = json;
  }
  /** The JSON array of the rows, UTF-8. */
  get json(): Buffer {
    return this.#json;
  }
  get rows(): readonly Row[] {
    return (this.#rows ??= Object.freeze(JSON.parse(this.#json.toString('utf8')) as Row[]));
  }
}

export interface PageOptions {
  /**
   * SQLite: walk the sort order's index and check the filters on each row, instead of letting the planner pick a
   * filter's index and sort every match. Worth it when many rows match (the page fills after a few rows); the
   * caller knows from its count. PostgreSQL's planner weighs the LIMIT itself.
   */
  walkSort?: boolean;
}

export interface QueryEngine {
  /** One page: rows keyed by field name plus `_id`; `nextCursor` null at the end. Cached (frozen result). */
  selectRows(
    db: AnyDb,
    table: string,
    schema: TableSchema,
    query: RowQuery,
    options?: PageOptions,
  ): Promise<{ rows: Row[]; nextCursor: string | null }>;
  /** Every matching row in order, read in keyset batches (never the whole result in memory). Ignores `limit`; starts after the cursor if any. */
  streamRows(db: AnyDb, table: string, schema: TableSchema, query: RowQuery, batchSize?: number): AsyncGenerator<Row>;
  /** Per `_facet` column: top 20 values by count (ties by value), then `{ value: null }` if there are nulls. Cached. */
  facets(
    db: AnyDb,
    table: string,
    schema: TableSchema,
    query: Pick<RowQuery, 'filters' | 'q' | 'qMode' | 'facets'>,
  ): Promise<Record<string, FacetValue[]>>;
  /**
   * Matching rows under the filters and `_q`. Cached. With a `bound`, counting stops past it: the answer is
   * exact up to the bound, and `bound + 1` means "more than the bound".
   */
  count(
    db: AnyDb,
    table: string,
    schema: TableSchema,
    query: Pick<RowQuery, 'filters' | 'q' | 'qMode'>,
    bound?: number,
  ): Promise<number>;
  /**
   * A page and the bounded count of its matching rows (as `count` with `bound`), in one trip to a query worker
   * when neither is cached. With `walk`, the page walks the sort order's index when more than `bound` rows match
   * (PageOptions.walkSort). Both answers are cached as `selectRows` and `count` cache them.
   */
  pageAndCount(
    db: AnyDb,
    table: string,
    schema: TableSchema,
    query: RowQuery,
    bound: number,
    walk?: boolean,
  ): Promise<{ page: RowsPage; count: number }>;
  /** Group-by with aggregates. Cached. */
  aggregate(db: AnyDb, table: string, schema: TableSchema, query: AggregateQuery): Promise<{ rows: AggregateRow[] }>;
  /** Per column: min, max, nulls, distinct count, top 10 values. Cached per table. */
  columnStats(db: AnyDb, table: string, schema: TableSchema): Promise<Record<string, ColumnStats>>;
  readonly cache: QueryCache;
}

export interface QueryEngineOptions {
  /** The results cache, shared with the store and the rows writer so writes invalidate (one per app). */
  cache: QueryCache;
  /** Also cache pages of rows (default true: versions are immutable once finalized). */
  cacheRows?: boolean;
}

/** A statement and its parameters, built but not run. */
interface Built {
  sql: string;
  params: unknown[];
}

const FACET_SIZE = 20;
const STATS_TOP = 10;

/** The main table is always aliased "t" (the FTS path joins the FTS5 table, which shares column names). */
const phys = (ref: ColumnRef) => (ref.index < 0 ? '"t"."_id"' : `"t".${col(ref.index)}`);
const from = (table: string) => `${quote(table)} AS "t"`;

/** FTS5 query from the user's words: each word a quoted string, implicitly ANDed; no operator survives. */
export function ftsMatchQuery(text: string): string | null {
  const search = parseSearch(text, 'words');
  return search ? fts5Match(search) : null;
}

/** A parsed `_q` and the text columns it searches (phrases are checked over them on SQLite). */
type EngineSearch = Search & { columns: number[] };
function searchOf(schema: TableSchema, query: Pick<RowQuery, 'q' | 'qMode'>): EngineSearch | null | undefined {
  if (query.q === null) return null;
  const search = parseSearch(query.q, query.qMode);
  // undefined: a search with no word, which matches nothing.
  if (!search) return undefined;
  return { ...search, columns: schema.fields.flatMap((f, i) => (f.type === 'string' ? [i] : [])) };
}

export function createQueryEngine(dialect: EngineDialect, options: QueryEngineOptions): QueryEngine {
  const { cache } = options;
  const nullsLast = ' NULLS LAST';
  const cacheRows = options.cacheRows ?? true;

  /** WHERE conditions for filters and `_q` (parameters pushed in text order). */
  function conditions(
    p: Params,
    table: string,
    filters: readonly Filter[],
    search: EngineSearch | null | undefined,
    /** The column whose index the page walks: SQLite's unary + keeps the planner off every other column's. */
    walked?: number,
  ): string[] {
    const out: string[] = [];
    for (const f of filters) {
      const c = walked !== undefined && f.index !== walked && dialect === 'sqlite' ? `+${phys(f)}` : phys(f);
      const t = f.type;
      const v = (x: Cell) => p.add(bindValue(t, x), t);
      switch (f.op) {
        case 'eq':
          out.push(`${c} = ${v(f.value)}`);
          break;
        case 'ne':
          out.push(f.index < 0 ? `${c} <> ${v(f.value)}` : `(${c} <> ${v(f.value)} OR ${c} IS NULL)`);
          break;
        case 'lt':
          out.push(`${c} < ${v(f.value)}`);
          break;
        case 'lte':
          out.push(`${c} <= ${v(f.value)}`);
          break;
        case 'gt':
          out.push(`${c} > ${v(f.value)}`);
          break;
        case 'gte':
          out.push(`${c} >= ${v(f.value)}`);
          break;
        case 'in': {
          const list = f.value;
          out.push(list.length === 0 ? '1 = 0' : `${c} IN (${list.map(v).join(', ')})`);
          break;
        }
        case 'contains':
          out.push(dialect === 'sqlite' ? `instr(${c}, ${v(f.value)}) > 0` : `strpos(${c}, ${v(f.value)}) > 0`);
          break;
        case 'startswith': {
          // A range (index-friendly; byte order = code point order on both dialects) plus an exact check.
          const prefix = f.value;
          const lo = v(prefix);
          const hi = v(`${prefix}\u{10FFFF}`);
          const exact =
            dialect === 'sqlite'
              ? `substr(${c}, 1, ${p.add([...prefix].length)}) = ${v(prefix)}`
              : `starts_with(${c}, ${v(prefix)})`;
          out.push(`(${c} >= ${lo} AND ${c} < ${hi} AND ${exact})`);
          break;
        }
        case 'isnull':
          out.push(f.value ? `${c} IS NULL` : `${c} IS NOT NULL`);
          break;
      }
    }
    if (search === undefined) out.push('1 = 0');
    else if (search !== null) out.push(...searchConditions(p, table, search));
    return out;
  }

  /** The `_q` conditions: the full-text index, then (phrases on SQLite) the exact phrase check. */
  function searchConditions(p: Params, table: string, search: EngineSearch): string[] {
    // The columnar copy has no full-text index: callers send `_q` to the row store.
    if (dialect === 'duckdb') throw new Error('_q is answered by the row store, not the columnar copy');
    if (dialect === 'sqlite') {
      const fts = quote(ftsTable(table));
      const out = [`"t"."_id" IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${p.add(fts5Match(search))})`];
      if (search.mode === 'phrase') out.push(phraseCheck(p, search));
      return out;
    }
    return [`"t"."_fts" @@ ${tsQuery(p, search)}`];
  }

  /** PostgreSQL: the tsquery of a search. */
  function tsQuery(p: Params, search: EngineSearch): string {
    const words = search.words.map(foldText);
    if (search.mode === 'phrase') return `phraseto_tsquery('simple', ${p.add(words.join(' '), 'string')})`;
    if (!search.lastIsPrefix) return `plainto_tsquery('simple', ${p.add(words.join(' '), 'string')})`;
    // The last word as a prefix: a quoted lexeme (letters and digits only) with :*.
    const last = `'${words[words.length - 1]!.toLowerCase()}':*`;
    const prefix = `to_tsquery('simple', ${p.add(last, 'string')})`;
    return words.length === 1
      ? prefix
      : `(plainto_tsquery('simple', ${p.add(words.slice(0, -1).join(' '), 'string')}) && ${prefix})`;
  }

  /**
   * A page in order of relevance (`_q` without `_sort`): SQLite's bm25() over the FTS5 index (lower is more
   * relevant; the index keeps no positions, so it weighs rare words and short rows, not repeated words),
   * PostgreSQL's ts_rank() negated. The score is computed once per matching row in a subquery; the keyset on
   * (score, `_id`) resumes after the cursor.
   */
  function rankedSegment(
    table: string,
    query: RowQuery,
    search: EngineSearch | null | undefined,
    s: Shape,
    after: readonly Cell[] | null,
    limit: number,
  ): Built | null {
    if (search === undefined) return null;
    if (search === null) throw new Error('Ranking needs a search');
    const p = new Params(dialect);
    let inner: string;
    if (dialect === 'sqlite') {
      const fts = quote(ftsTable(table));
      const where = [`${fts} MATCH ${p.add(fts5Match(search))}`, ...conditions(p, table, query.filters, null)];
      if (search.mode === 'phrase') where.push(phraseCheck(p, search));
      inner = `SELECT ${s.select}, bm25(${fts}) AS "rk" FROM ${fts} CROSS JOIN ${from(table)} ON "t"."_id" = ${fts}.rowid WHERE ${where.join(' AND ')}`;
    } else if (dialect === 'postgres') {
      const where = conditions(p, table, query.filters, search);
      inner = `SELECT ${s.select}, -ts_rank("t"."_fts", ${tsQuery(p, search)})::float8 AS "rk" FROM ${from(table)} WHERE ${where.join(' AND ')}`;
    } else throw new Error('_q is answered by the row store, not the columnar copy');
    const keyset = after ? ` WHERE ("rk", "id") > (${p.add(after[0], 'number')}, ${p.add(after[1], 'id')})` : '';
    return { sql: `SELECT * FROM (${inner}) AS "r"${keyset} ORDER BY "rk", "id" LIMIT ${limit}`, params: p.values };
  }

  /** SQLite: the phrase's words next to each other in the row's text columns read as one text. */
  function phraseCheck(p: Params, search: EngineSearch): string {
    const phrase = search.words.map(foldWord).join(' ');
    return `mt_phrase(${p.add(phrase)}, ${search.columns.map((i) => `"t".${col(i)}`).join(', ')}) = 1`;
  }

  function bindValue(type: FieldType | 'id', value: Cell): unknown {
    if (type === 'boolean' && dialect === 'sqlite') return value ? 1 : 0;
    return value;
  }

  /** Keyset condition: rows strictly after `after` in the order of `keys` (NULLs last). */
  function keyset(p: Params, keys: readonly SortKey[], after: readonly Cell[], firstNotNull: boolean): string {
    const first = keys[0] as SortKey;
    if (keys.length === 2 && firstNotNull && after[0] !== null) {
      // Row-value comparison: one index range on (c, _id).
      const op = first.desc ? '<' : '>';
      return `(${phys(first)}, "_id") ${op} (${p.add(bindValue(first.type, after[0] as Cell), first.type)}, ${p.add(after[1], 'id')})`;
    }
    const branches: string[] = [];
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j] as SortKey;
      const v = after[j] ?? null;
      if (v === null) continue; // nothing sorts after NULL in this column (NULLs last)
      const parts: string[] = [];
      for (let i = 0; i < j; i++) {
        const ki = keys[i] as SortKey;
        const vi = after[i] ?? null;
        parts.push(vi === null ? `${phys(ki)} IS NULL` : `${phys(ki)} = ${p.add(bindValue(ki.type, vi), ki.type)}`);
      }
      const op = k.desc ? '<' : '>';
      const canBeNull = k.index >= 0 && !(j === 0 && firstNotNull);
      const value = p.add(bindValue(k.type, v), k.type);
      parts.push(canBeNull ? `(${phys(k)} ${op} ${value} OR ${phys(k)} IS NULL)` : `${phys(k)} ${op} ${value}`);
      branches.push(parts.length === 1 ? (parts[0] as string) : `(${parts.join(' AND ')})`);
    }
    return branches.length === 0
      ? '1 = 0'
      : branches.length === 1
        ? (branches[0] as string)
        : `(${branches.join(' OR ')})`;
  }

  function orderBy(keys: readonly SortKey[], firstNotNull: boolean): string {
    return keys
      .map(
        (k, j) => `${phys(k)} ${k.desc ? 'DESC' : 'ASC'}${k.index >= 0 && !(j === 0 && firstNotNull) ? nullsLast : ''}`,
      )
      .join(', ');
  }

  interface Shape {
    select: string;
    /** [output key, alias, type] for returned fields, in output order. */
    out: Array<[string, string, FieldType]>;
    /** Alias and type per sort key (for the cursor). */
    sortAlias: Array<[string, FieldType | 'id']>;
  }

  function shape(schema: TableSchema, query: RowQuery): Shape {
    const wanted = query.fields
      ? query.fields.map((name) => schema.fields.findIndex((f) => f.name === name))
      : schema.fields.map((_, i) => i);
    const indexes = new Set(wanted);
    for (const k of query.sort) if (k.index >= 0) indexes.add(k.index);
    const select = ['"t"."_id" AS "id"'];
    for (const i of indexes) select.push(`${readExpr(schema.fields[i]!.type, `"t".${col(i)}`, dialect)} AS "o${i}"`);
    return {
      select: select.join(', '),
      out: wanted.map((i) => [schema.fields[i]!.name, `o${i}`, schema.fields[i]!.type]),
      sortAlias: query.sort.map((k) => [k.index === RANK.index ? 'rk' : k.index < 0 ? 'id' : `o${k.index}`, k.type]),
    };
  }

  function segment(
    table: string,
    query: RowQuery,
    search: EngineSearch | null | undefined,
    s: Shape,
    keys: readonly SortKey[],
    nullCondition: string | null,
    firstNotNull: boolean,
    after: readonly Cell[] | null,
    limit: number,
    walkSort = false,
  ): Built | null {
    const p = new Params(dialect);
    const first = keys[0] as SortKey;
    if (search === undefined) return null;
    if (dialect === 'sqlite' && search !== null && first.index < 0 && keys.length === 1) {
      // Search in _id order: walk the FTS5 index in rowid order and stop at the limit, instead of
      // materializing every match. Keyset and order on the FTS rowid, which FTS5 handles itself.
      const fts = quote(ftsTable(table));
      const where = [`${fts} MATCH ${p.add(fts5Match(search))}`, ...conditions(p, table, query.filters, null)];
      if (search.mode === 'phrase') where.push(phraseCheck(p, search));
      if (nullCondition) where.push(nullCondition);
      if (after) where.push(`${fts}.rowid ${first.desc ? '<' : '>'} ${p.add(after[0])}`);
      const text = `SELECT ${s.select} FROM ${fts} CROSS JOIN ${from(table)} ON "t"."_id" = ${fts}.rowid WHERE ${where.join(' AND ')} ORDER BY ${fts}.rowid ${first.desc ? 'DESC' : 'ASC'} LIMIT ${limit}`;
      return { sql: text, params: p.values };
    }
    const where = conditions(p, table, query.filters, search, walkSort && search === null ? first.index : undefined);
    if (nullCondition) where.push(nullCondition);
    if (after) where.push(keyset(p, keys, after, firstNotNull));
    const text = `SELECT ${s.select} FROM ${from(table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy(keys, firstNotNull)} LIMIT ${limit}`;
    return { sql: text, params: p.values };
  }

  /**
   * The statements of a page of up to `limit` rows after `after` (plus one, to know whether more follow), as steps
   * numbered from `base`, the first one run only when `when` holds. A page sorted on a column reads its non-null
   * rows, then its null rows only when the first segment came short. `collect` gathers the page's raw rows from
   * the program's results (null when it did not run).
   */
  function pagePlan(
    table: string,
    schema: TableSchema,
    query: RowQuery,
    limit: number,
    after: readonly Cell[] | null,
    walkSort: boolean,
    base = 0,
    when?: StepCondition,
  ) {
    checkTableName(table);
    const s = shape(schema, query);
    const search = searchOf(schema, query);
    const keys = query.sort;
    const first = keys[0] as SortKey;
    const built: Array<Built | null> = [];
    if (first.index === RANK.index) built.push(rankedSegment(table, query, search, s, after, limit + 1));
    else if (first.index < 0)
      built.push(segment(table, query, search, s, keys, null, false, after, limit + 1, walkSort));
    else {
      const c = phys(first);
      const rest = keys.slice(1);
      if (after && after[0] === null)
        built.push(segment(table, query, search, s, rest, `${c} IS NULL`, false, after.slice(1), limit + 1, walkSort));
      else {
        built.push(segment(table, query, search, s, keys, `${c} IS NOT NULL`, true, after, limit + 1, walkSort));
        // A filter comparing the sort column with a value matches no NULL there: no null rows to look for (a
        // useless segment that could read every NULL of the column).
        if (!excludesNulls(query.filters, first.index))
          built.push(segment(table, query, search, s, rest, `${c} IS NULL`, false, null, limit + 1, walkSort));
      }
    }
    // No search word: nothing matches, no statement.
    const statements = built.filter((b): b is Built => b !== null);
    const steps: Step[] = statements.map((b, i) => ({
      sql: b.sql,
      params: b.params,
      ...(i === 0 ? (when ? { if: when } : {}) : { if: { step: base, rowsBelow: limit + 1 } }),
    }));
    const collect = (results: readonly (StepRows | null)[]): Record<string, unknown>[] | null => {
      if (steps.length === 0) return [];
      const mine = results.slice(base, base + steps.length);
      if (!mine[0]) return null;
      const raw = mine.flatMap((r) => r ?? []);
      return raw.length > limit + 1 ? raw.slice(0, limit + 1) : raw;
    };
    return {
      steps,
      collect,
      decode: (raw: Record<string, unknown>[]) => decodePage(s, raw, limit),
      /** Its statements' indexes in the program, and what renderPage needs besides. */
      at: steps.map((_, i) => base + i),
      render: { limit, out: s.out, sortAlias: s.sortAlias },
    };
  }

  /** Does one of the filters on this column reject its NULLs (a comparison with a value, or `__isnull=0`)? */
  function excludesNulls(filters: readonly Filter[], index: number): boolean {
    return filters.some((f) => f.index === index && (f.op === 'isnull' ? f.value === false : f.op !== 'ne'));
  }

  function decodePage(s: Shape, raw: Record<string, unknown>[], limit: number) {
    const byAlias = (alias: string) => alias;
    const { rows, next } = decodeRows(
      raw.map((src) => ({ src, at: byAlias })),
      { limit, out: s.out, sortAlias: s.sortAlias },
    );
    return { rows: rows as Row[], next };
  }

  /** Reads up to `limit` rows after `after`; `next` is the cursor position of the last row if more exist. */
  async function fetchPage(
    db: AnyDb,
    table: string,
    schema: TableSchema,
    query: RowQuery,
    limit: number,
    after: readonly Cell[] | null,
    walkSort = false,
  ) {
    const plan = pagePlan(table, schema, query, limit, after, walkSort);
    const results = plan.steps.length ? await runSteps(db, plan.steps) : [];
    return plan.decode(plan.collect(results) ?? []);
  }

  /**
   * The count of matching rows, exact up to `limit` (then `limit` means "at least"), as steps from `base`. Bounded:
   * first a probe for a row past the bound (an OFFSET skips index entries about 3× faster than counting them
   * through a subquery), then, only when there is none, the exact count. `overBound` is the condition "more than
   * the bound" for later steps; `read` gets the count from the program's results.
   */
  function countPlan(
    table: string,
    query: Pick<RowQuery, 'filters'>,
    search: EngineSearch | null | undefined,
    limit: number | null,
    base = 0,
  ) {
    const p = new Params(dialect);
    const where = whereOf(p, table, query.filters, search);
    // DuckDB counts a column store faster whole than through a LIMIT (which keeps insertion order): the
    // same answer, clamped.
    if (limit === null || dialect === 'duckdb') {
      const steps: Step[] = [{ sql: `SELECT count(*) AS "n" FROM ${from(table)}${where}`, params: p.values }];
      const read = (results: readonly (StepRows | null)[]) => {
        const n = Number(results[base]?.[0]?.n ?? 0);
        return limit === null ? n : Math.min(n, limit);
      };
      return {
        steps,
        read,
        overBound: { step: base, countAbove: (limit ?? Infinity) - 1 },
        underBound: { step: base, countAtMost: (limit ?? Infinity) - 1 },
      };
    }
    const steps: Step[] = [
      {
        sql: `SELECT count(*) AS "n" FROM (SELECT 1 FROM ${from(table)}${where} LIMIT 1 OFFSET ${limit - 1}) AS "m"`,
        params: p.values,
      },
      {
        sql: `SELECT count(*) AS "n" FROM (SELECT 1 FROM ${from(table)}${where} LIMIT ${limit}) AS "m"`,
        params: p.values,
        if: { step: base, countAtMost: 0 },
      },
    ];
    const read = (results: readonly (StepRows | null)[]) =>
      Number(results[base]?.[0]?.n ?? 0) > 0 ? limit : Math.min(Number(results[base + 1]?.[0]?.n ?? 0), limit);
    return { steps, read, overBound: { step: base, countAbove: 0 }, underBound: { step: base, countAtMost: 0 } };
  }

  const rowsKey = (schema: TableSchema, query: RowQuery) =>
    `rows\u0000${JSON.stringify([query.fields, query.sort.map((k) => [k.index, k.desc]), query.limit, query.after])}\u0000${filterKey(query.filters, searchOf(schema, query))}`;
  const countKey = (limit: number | null, filters: readonly Filter[], search: EngineSearch | null | undefined) =>
    `count\u0000${limit ?? ''}\u0000${filterKey(filters, search)}`;
  const rowsWeight = (schema: TableSchema, query: RowQuery) => (v: RowsPage) =>
    (v instanceof RenderedPage ? v.length : v.rows.length) * ((query.fields?.length ?? schema.fields.length) + 1);

  function filterKey(filters: readonly Filter[], search: EngineSearch | null | undefined): string {
    const parts = filters.map((f) => JSON.stringify([f.index, f.op, f.value])).sort();
    return JSON.stringify([
      parts,
      search === undefined ? 0 : search && [search.words, search.mode, search.lastIsPrefix],
    ]);
  }

  function whereOf(
    p: Params,
    table: string,
    filters: readonly Filter[],
    search: EngineSearch | null | undefined,
    extra: string[] = [],
  ): string {
    const where = [...conditions(p, table, filters, search), ...extra];
    return where.length ? ` WHERE ${where.join(' AND ')}` : '';
  }

  async function facetOf(
    db: AnyDb,
    table: string,
    schema: TableSchema,
    index: number,
    filters: readonly Filter[],
    q: EngineSearch | null | undefined,
  ): Promise<FacetValue[]> {
    const field = schema.fields[index]!;
    return cache.get(
      table,
      `facet\u0000${index}\u0000${filterKey(filters, q)}`,
      async () => {
        const c = col(index);
        const p = new Params(dialect);
        const top = await run<{ v: unknown; n: number | string }>(
          db,
          `SELECT ${readExpr(field.type, c, dialect)} AS "v", count(*) AS "n" FROM ${from(table)}${whereOf(p, table, filters, q, [`${c} IS NOT NULL`])} GROUP BY ${c} ORDER BY count(*) DESC, ${c} ASC LIMIT ${FACET_SIZE}`,
          p.values,
        );
        const p2 = new Params(dialect);
        const [nulls] = await run<{ n: number | string }>(
          db,
          `SELECT count(*) AS "n" FROM ${from(table)}${whereOf(p2, table, filters, q, [`${c} IS NULL`])}`,
          p2.values,
        );
        const values: FacetValue[] = top.map((r) => ({ value: decodeCell(field.type, r.v), count: Number(r.n) }));
        if (nulls && Number(nulls.n) > 0) values.push({ value: null, count: Number(nulls.n) });
        return values;
      },
      (v) => v.length * 2,
    );
  }

  const pending = new Map<string, Promise<{ page: RowsPage; count: number }>>();

  /** A program whose page is rendered to JSON: by the database's query worker, else here (same bytes). */
  async function runRendered(db: AnyDb, steps: Step[], render: PageRender) {
    const runner = stepRunnerOf(db);
    if (runner) {
      const answer = await runner(steps, render);
      if (answer.page) return { results: answer.results, page: answer.page };
    }
    const results = await runSteps(db, steps);
    return { results, page: renderPage(results, render) };
  }

  const engine: QueryEngine = {
    cache,

    async selectRows(db, table, schema, query, options = {}) {
      const compute = async () => {
        const { rows, next } = await fetchPage(db, table, schema, query, query.limit, query.after, options.walkSort);
        return { rows, nextCursor: next ? encodeRowCursor(query.sort, next) : null };
      };
      if (!cacheRows) return compute();
      checkTableName(table);
      return cache.get(table, rowsKey(schema, query), compute, rowsWeight(schema, query));
    },

    async pageAndCount(db, table, schema, query, bound, walk = false) {
      checkTableName(table);
      const search = searchOf(schema, query);
      const limit = Math.max(0, Math.floor(bound)) + 1;
      const cKey = countKey(limit, query.filters, search);
      const rKey = rowsKey(schema, query);
      const knownCount = cache.peek<number>(table, cKey);
      const knownPage = cacheRows ? cache.peek<RowsPage>(table, rKey) : undefined;
      // Whatever is cached already: at most one statement left, through the usual (deduplicated) paths.
      if (knownCount !== undefined || knownPage !== undefined) {
        const count = knownCount ?? (await engine.count(db, table, schema, query, bound));
        const page =
          knownPage ??
          (await engine.selectRows(db, table, schema, query, {
            walkSort: walk && count > bound,
          }));
        return { page, count };
      }
      // Identical cold requests in flight share one program, as the cache's own computations do.
      const sharedKey = `${table}\u0000${rKey}\u0000${cKey}\u0000${walk}`;
      const inflight = pending.get(sharedKey);
      if (inflight) return inflight;
      const computing = computePageAndCount().finally(() => pending.delete(sharedKey));
      pending.set(sharedKey, computing);
      return computing;

      async function computePageAndCount() {
        const generation = cache.generation(table);
        const counting = countPlan(table, query, search, limit);
        const steps: Step[] = [...counting.steps];
        // Walking the sort order's index or not depends on the count (PageOptions.walkSort): both pages are in
        // the program, and the worker runs the one the count chose.
        // (Only SQLite walks, and only a page without `_q` whose filters could pick another index.)
        const overWalk =
          walk && dialect === 'sqlite' && search === null && query.filters.length > 0 ? counting.overBound : undefined;
        const walked = overWalk
          ? pagePlan(table, schema, query, query.limit, query.after, true, steps.length, overWalk)
          : null;
        steps.push(...(walked?.steps ?? []));
        const plain = pagePlan(
          table,
          schema,
          query,
          query.limit,
          query.after,
          false,
          steps.length,
          overWalk ? counting.underBound : undefined,
        );
        steps.push(...plain.steps);
        // The page comes back as JSON bytes, rendered by the worker that read it: the walked plan when it ran.
        const plans = walked ? [walked.at, plain.at] : [plain.at];
        const { results, page: rendered } = await runRendered(db, steps, { plans, ...plain.render });
        const count = counting.read(results);
        const page = new RenderedPage(
          Buffer.from(rendered.json.buffer, rendered.json.byteOffset, rendered.json.byteLength),
          rendered.length,
          rendered.next ? encodeRowCursor(query.sort, rendered.next) : null,
        );
        cache.put(table, cKey, count, 1, generation);
        if (cacheRows) cache.put(table, rKey, page, rowsWeight(schema, query)(page), generation);
        return { page, count };
      }
    },

    async *streamRows(db, table, schema, query, batchSize = 1000) {
      let after = query.after;
      for (;;) {
        const { rows, next } = await fetchPage(db, table, schema, query, batchSize, after);
        yield* rows;
        if (!next) return;
        after = next;
      }
    },

    async facets(db, table, schema, query) {
      checkTableName(table);
      const out: Record<string, FacetValue[]> = {};
      for (const name of query.facets) {
        const index = schema.fields.findIndex((f) => f.name === name);
        if (index < 0) continue;
        out[name] = await facetOf(db, table, schema, index, query.filters, searchOf(schema, query));
      }
      return out;
    },

    async count(db, table, schema, query, bound) {
      checkTableName(table);
      const search = searchOf(schema, query);
      const limit = bound === undefined ? null : Math.max(0, Math.floor(bound)) + 1;
      return cache.get(table, countKey(limit, query.filters, search), async () => {
        const plan = countPlan(table, query, search, limit);
        return plan.read(await runSteps(db, plan.steps));
      });
    },

    async aggregate(db, table, schema, query) {
      checkTableName(table);
      const search = searchOf(schema, query);
      const key = `agg\u0000${JSON.stringify([query.group.map((g) => g.index), query.aggs.map((a) => a.key), query.sort, query.limit])}\u0000${filterKey(query.filters, search)}`;
      return cache.get(
        table,
        key,
        async () => {
          const select: string[] = [];
          const aliasOf = new Map<string, string>();
          query.group.forEach((g, i) => {
            select.push(`${readExpr(g.type as FieldType, phys(g), dialect)} AS "g${i}"`);
            aliasOf.set(g.field, `g${i}`);
          });
          query.aggs.forEach((a, i) => {
            select.push(`${aggregateExpr(a.fn, a.column)} AS "a${i}"`);
            aliasOf.set(a.key, `a${i}`);
          });
          const p = new Params(dialect);
          // Unfiltered group-by reading other columns: one sequential scan + sorter beats walking the
          // group column's index with a random row lookup per row (≈2× faster on 1M rows).
          const scan =
            dialect === 'sqlite' &&
            query.group.length > 0 &&
            query.filters.length === 0 &&
            query.q === null &&
            query.aggs.some((a) => a.column && !query.group.some((g) => g.index === a.column?.index));
          let text = `SELECT ${select.join(', ')} FROM ${from(table)}${scan ? ' NOT INDEXED' : ''}${whereOf(p, table, query.filters, search)}`;
          if (query.group.length > 0) {
            text += ` GROUP BY ${query.group.map(phys).join(', ')}`;
            const sort = query.sort.length > 0 ? query.sort : query.group.map((g) => ({ key: g.field, desc: false }));
            text += ` ORDER BY ${sort.map((s) => `"${aliasOf.get(s.key)}" ${s.desc ? 'DESC' : 'ASC'}${nullsLast}`).join(', ')}`;
            // Deterministic among ties on the requested sort: the group columns.
            if (query.sort.length > 0) text += `, ${query.group.map((_, i) => `"g${i}" ASC${nullsLast}`).join(', ')}`;
            text += ` LIMIT ${query.limit}`;
          }
          const raw = await run(db, text, p.values);
          const rows = raw.map((r) => {
            const row: AggregateRow = {};
            query.group.forEach((g, i) => (row[g.field] = decodeCell(g.type as FieldType, r[`g${i}`])));
            query.aggs.forEach((a, i) => (row[a.key] = decodeAggregate(a.fn, a.column, r[`a${i}`])));
            return row;
          });
          return { rows };
        },
        (v) => v.rows.length * (query.group.length + query.aggs.length),
      );
    },

    async columnStats(db, table, schema) {
      checkTableName(table);
      return cache.get(
        table,
        'stats',
        async () => {
          const out: Record<string, ColumnStats> = {};
          const t = from(table);
          for (let i = 0; i < schema.fields.length; i++) {
            const f = schema.fields[i]!;
            const c = col(i);
            const one = async (text: string) => ((await run<{ v: unknown }>(db, text))[0] ?? { v: null }).v;
            const min = await one(
              `SELECT ${aggregateExpr('min', { field: f.name, index: i, type: f.type })} AS "v" FROM ${t}`,
            );
            const max = await one(
              `SELECT ${aggregateExpr('max', { field: f.name, index: i, type: f.type })} AS "v" FROM ${t}`,
            );
            const nulls = await one(`SELECT count(*) AS "v" FROM ${t} WHERE ${c} IS NULL`);
            const distinct = await one(`SELECT count(DISTINCT ${c}) AS "v" FROM ${t}`);
            const top = await run<{ v: unknown; n: number | string }>(
              db,
              `SELECT ${readExpr(f.type, c, dialect)} AS "v", count(*) AS "n" FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} ORDER BY count(*) DESC, ${c} ASC LIMIT ${STATS_TOP}`,
            );
            out[f.name] = {
              min: decodeCell(f.type, min),
              max: decodeCell(f.type, max),
              nulls: Number(nulls),
              distinct: Number(distinct),
              top: top.map((r) => ({ value: decodeCell(f.type, r.v), count: Number(r.n) })),
            };
          }
          return out;
        },
        () => schema.fields.length * (STATS_TOP * 2 + 4),
      );
    },
  };

  function aggregateExpr(fn: string, column: ColumnRef | null): string {
    if (!column) return 'count(*)';
    const c = phys(column);
    switch (fn) {
      case 'count':
        return `count(${c})`;
      case 'distinct':
        return `count(DISTINCT ${c})`;
      case 'sum':
        // total() never overflows (sum() raises on 64-bit overflow); NULL when there is nothing to add.
        // DuckDB: compensated sums of floats, like SQLite's total(), in whatever order its threads add.
        if (dialect === 'duckdb') return column.type === 'number' ? `fsum(${c})` : `sum(${c})::DOUBLE`;
        return dialect === 'postgres' ? `sum(${c})::float8` : `CASE WHEN count(${c}) > 0 THEN total(${c}) END`;
      case 'avg':
        if (dialect === 'duckdb') return column.type === 'number' ? `favg(${c})` : `avg(${c})::DOUBLE`;
        return dialect === 'postgres' ? `avg(${c})::float8` : `avg(${c})`;
      case 'min':
      case 'max':
        if (dialect !== 'sqlite' && column.type === 'boolean') return `${fn === 'min' ? 'bool_and' : 'bool_or'}(${c})`;
        return readExpr(column.type as FieldType, `${fn}(${c})`, dialect);
      default:
        throw new Error(`Unknown aggregate ${fn}`);
    }
  }

  function decodeAggregate(fn: string, column: ColumnRef | null, value: unknown): Cell {
    if (fn === 'count' || fn === 'distinct') return Number(value ?? 0);
    if (value === null || value === undefined) return null;
    if (fn === 'sum' || fn === 'avg') return Number(value);
    return decodeCell((column as ColumnRef).type as FieldType, value);
  }

  return engine;
}
