import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Dialect } from '../../db/database.js';
import type { Actor } from '../../kernel/actor.js';
import { AppError } from '../../kernel/errors.js';
import type { Cell } from '../table-schema.js';
import type { ResourceService } from '../resources/service.js';
import type { TableSchema } from '../table-schema.js';
import {
  createQueryEngine,
  parseAggregateQuery,
  parseRowQuery,
  type AnyDb,
  type QueryCache,
  type QueryEngine,
  RenderedPage,
  type RowQuery,
  type RowsPage,
} from '../tables/index.js';
import type { Columnar, ColumnarSource } from '../tables/columnar.js';
import { readGeneration } from '../tables/generations.js';
import { isAbortError, type QueryLimits } from '../tables/workers/pool.js';
import type { QueryReader } from '../tables/workers/reader.js';

type Params = Record<string, string | string[] | undefined>;

/**
 * A CSV cell. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by a
 * spreadsheet (OWASP "CSV injection"): unless the client asks for the raw values (`_raw=1`), such text gets a
 * leading apostrophe, which spreadsheets show as text. Numbers are written as numbers (a negative one is no formula).
 */
export const csvCell = (value: Cell | undefined, raw = false): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (!raw && typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Matching rows are counted exactly up to this many; beyond, `total` is this bound and `totalExact` false.
 * A count that runs past the time limit leaves `total` null.
 */
export const COUNT_BOUND = 100_000;

export interface RowsServiceDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  resources: ResourceService;
  /** Where queries that may take a while run (worker threads on SQLite, a read-only pool on PostgreSQL). */
  reader: QueryReader;
  /** The time limit of each query, in ms. */
  timeoutMs: number;
  /** The query results cache (one per app, shared with the import runner and the rows writer). */
  queryCache: QueryCache;
  /** The DuckDB copies of the tables (none: the row store answers everything). */
  columnar?: Columnar;
  logger?: { warn(o: object, m: string): void };
  /** `auto`: the columnar copy when ready, else the row store; `columnar`: wait for the copy; `rows`: never it. */
  queryPath?: 'auto' | 'columnar' | 'rows';
}

/**
 * `_total=estimate` (the default) counts filtered rows exactly up to this many, which costs little whatever the
 * filters; beyond it `total` is this bound with `totalExact: false`.
 */
export const QUICK_BOUND = 10_000;

/** A page does not fail because counting took too long: its total is then unknown (null). */
async function countOrNull<T>(counting: Promise<T>): Promise<T | null> {
  try {
    return await counting;
  } catch (error) {
    if (error instanceof AppError && error.code === 'query_timeout') return null;
    throw error;
  }
}

/** Which engine answered: a response header (`x-multitude-engine`) says it, for the benchmark and curious users. */
export type AnsweredBy = 'columnar' | 'rows';

/**
 * The query API over a resource's live table, and its streamed downloads.
 *
 * Every read that may take more than a few milliseconds runs on the query reader, under the request's time
 * limit and cancelled when its client goes away (`signal`): filtered or searched pages, facets, counts,
 * aggregates, statistics and each batch of a download. Only a page without filters nor search, in the
 * order of `_id` or of one indexed column, stays on the main connection: it walks one index and stops
 * after `_limit` rows. Cached answers never leave the event loop.
 */
export function createRowsService(deps: RowsServiceDeps) {
  const engine = createQueryEngine(deps.dialect, { cache: deps.queryCache });
  // Same cache as the row engine: both answer the same keys with the same values.
  const duck = createQueryEngine('duckdb', { cache: engine.cache });
  const { db, resources, reader } = deps;
  const columnar = deps.queryPath === 'rows' ? undefined : deps.columnar;
  /** Parquet downloads need DuckDB whatever answers the analytics. */
  const parquetWriter = deps.columnar;
  // The engine returns the same frozen array for a cached page: its JSON is computed once, and kept as UTF-8
  // bytes. Text with accents makes a two-byte string, which the socket would otherwise re-encode on every
  // answer (that encoding cost more than the rest of a cached page's request).
  const serialized = new WeakMap<object, Buffer>();
  const rowsJson = (page: RowsPage) => {
    // Rendered by the query worker: the bytes are there already.
    if (page instanceof RenderedPage) return page.json;
    const rows = page.rows;
    let json = serialized.get(rows);
    if (json === undefined) {
      json = Buffer.from(JSON.stringify(rows));
      if (Object.isFrozen(rows)) serialized.set(rows, json);
    }
    return json;
  };
  // The generation each table was last seen at: a higher one means a write committed (maybe on another
  // instance), so whatever this instance cached for the table is dropped.
  const seen = new Map<string, number>();
  function observe(table: string, generation: number) {
    const last = seen.get(table);
    if (last !== undefined && last < generation) engine.cache.invalidate(table);
    if (last === undefined || last < generation) {
      if (seen.size >= 10_000) seen.clear();
      seen.set(table, generation);
    }
  }
  async function live(actor: Actor, slug: string, id: string) {
    const target = await resources.liveTable(actor, slug, id);
    observe(target.table, target.generation);
    return target;
  }

  const limits = (signal: AbortSignal | undefined): QueryLimits => ({
    signal,
    deadline: Date.now() + deps.timeoutMs,
    timeoutMs: deps.timeoutMs,
  });
  /**
   * Runs a read on the reader under the request's limits. Identical cold queries share one computation
   * (the cache): when another request's client left and stopped it, this one runs it again.
   */
  async function heavy<T>(signal: AbortSignal | undefined, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const attempt = () => reader.within(limits(signal), () => work(reader.db as Kysely<Database>));
    try {
      return await attempt();
    } catch (error) {
      if (isAbortError(error) && !signal?.aborted) return attempt();
      throw error;
    }
  }
  /** The rows of a table read back from the main database, to rebuild its columnar copy (after a write). */
  const sourceOf = (table: string, schema: TableSchema): ColumnarSource => ({
    async *rows() {
      const all = parseRowQuery({}, schema);
      for await (const row of engine.streamRows(reader.db, table, schema, all, 5000))
        yield schema.fields.map((f) => row[f.name] ?? null);
    },
    generation: () => readGeneration(db, deps.dialect, table),
  });
  /**
   * Facets, counts, aggregates, statistics: from the columnar copy when it is ready for the table's generation
   * (and the query has no `_q`, which needs the full-text index), else on the reader. A copy that fails to read
   * is deleted (rebuilt at the next request) and the row store answers.
   */
  async function analytic<T>(
    target: { table: string; schema: TableSchema; generation: number },
    query: { q: string | null },
    signal: AbortSignal | undefined,
    work: (engine: QueryEngine, db: AnyDb) => Promise<T>,
  ): Promise<{ value: T; by: AnsweredBy }> {
    if (columnar && query.q === null) {
      const source = sourceOf(target.table, target.schema);
      let ready: boolean;
      if (deps.queryPath === 'columnar') {
        await columnar.ensure(target.table, target.generation, target.schema, source);
        ready = true;
      } else ready = await columnar.ready(target.table, target.generation, target.schema, source);
      if (ready) {
        try {
          return { value: await columnar.within(limits(signal), () => work(duck, columnar.db)), by: 'columnar' };
        } catch (error) {
          if (isAbortError(error) || (error instanceof AppError && error.code === 'query_timeout')) throw error;
          if (deps.queryPath === 'columnar') throw error;
          await columnar.suspect(target.table);
          deps.logger?.warn({ table: target.table, err: String(error) }, 'columnar query failed: the rows answer');
        }
      }
    }
    return { value: await heavy(signal, (rdb) => work(engine, rdb)), by: 'rows' };
  }
  /** A page walking one index with no condition: cheap, on the main connection. */
  const isCheap = (query: RowQuery) =>
    query.filters.length === 0 && query.q === null && (query.sort.length === 1 || query.sort.length === 2);

  return {
    async page(actor: Actor, slug: string, id: string, params: Params, signal?: AbortSignal) {
      const target = await live(actor, slug, id);
      const query = parseRowQuery(params, target.schema);
      const facets = query.facets.length
        ? analytic(target, query, signal, (e, on) => e.facets(on, target.table, target.schema, query))
        : undefined;
      // Awaited below; meanwhile a failure of the page must not leave its rejection unhandled.
      facets?.catch(() => undefined);
      // Without a filter the count is the table's, computed once per version (cached).
      const unfiltered = query.filters.length === 0 && query.q === null;
      let page: Promise<RowsPage>;
      let quick: number | null = null;
      if (isCheap(query)) page = engine.selectRows(db, target.table, target.schema, query);
      else if (query.total === 'none' || unfiltered)
        page = heavy(signal, (rdb) => engine.selectRows(rdb, target.table, target.schema, query));
      else {
        // The page and its quick count in one trip to a worker. Many matches: the page fills within the first
        // rows of the sort order, so walking its index beats gathering every match through a filter's index
        // and sorting them (the worker picks the plan from the count).
        try {
          const both = await heavy(signal, (rdb) =>
            engine.pageAndCount(rdb, target.table, target.schema, query, QUICK_BOUND, true),
          );
          quick = both.count;
          page = Promise.resolve(both.page);
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'query_timeout')) throw error;
          // Counting took too long: the page alone, its total unknown.
          page = heavy(signal, (rdb) => engine.selectRows(rdb, target.table, target.schema, query));
        }
      }
      const walked = quick !== null && quick > QUICK_BOUND;
      const counted =
        query.total === 'none'
          ? Promise.resolve(null)
          : unfiltered || (walked && query.total === 'exact')
            ? countOrNull(
                analytic(target, query, signal, (e, on) =>
                  e.count(on, target.table, target.schema, query, COUNT_BOUND),
                ),
              )
            : Promise.resolve(quick === null ? null : { value: quick, by: 'rows' as const });
      const [rowsPage, faceted, count] = await Promise.all([page, facets, counted]);
      const bound = unfiltered || query.total === 'exact' ? COUNT_BOUND : QUICK_BOUND;
      const total = count === null ? null : Math.min(count.value, bound);
      return {
        by: faceted?.by ?? count?.by ?? 'rows',
        rowsJson: rowsJson(rowsPage),
        nextCursor: rowsPage.nextCursor,
        facets: faceted?.value,
        total,
        totalExact: count !== null && count.value <= bound,
      };
    },

    async download(
      actor: Actor,
      slug: string,
      id: string,
      params: Params,
      format: 'csv' | 'json' | 'ndjson' | 'parquet',
      signal?: AbortSignal,
    ) {
      const target = await live(actor, slug, id);
      // `_cursor` resumes where a page stopped (a malformed one is a 400, as on …/rows); `_limit` caps the rows,
      // and without it the whole result streams. `_raw=1` writes CSV cells as they are (see csvCell).
      const rawParam = params._raw;
      if (rawParam !== undefined && rawParam !== '0' && rawParam !== '1')
        throw new AppError('validation_failed', '_raw takes 1 or 0', {
          errors: [{ field: '_raw', message: 'Must be 1 or 0' }],
        });
      const raw = rawParam === '1';
      const query = parseRowQuery(params, target.schema, { ignore: ['_raw'] });
      const cap = params._limit !== undefined ? query.limit : Infinity;
      await resources.recordDownload(actor, target.datasetId, target.organizationId, target.resourceId, format);
      const fields = query.fields ?? target.schema.fields.map((f) => f.name);
      const stream = engine.streamRows(reader.db, target.table, target.schema, query);
      // Each batch runs under the time limit of one query (the download as a whole may take longer).
      async function* rows() {
        let n = 0;
        if (n >= cap) return;
        for (;;) {
          const next = await reader.within(limits(signal), () => stream.next());
          if (next.done) return;
          yield next.value;
          if (++n >= cap) return;
        }
      }
      if (format === 'parquet') {
        if (!parquetWriter) throw new AppError('not_found', 'Parquet downloads are not available on this server');
        const indexes = fields.map((f) => target.schema.fields.findIndex((x) => x.name === f));
        async function* values() {
          for await (const row of rows()) yield { id: row._id, values: fields.map((f) => row[f] ?? null) };
        }
        return {
          stream: await parquetWriter.parquet(target.schema, indexes, values()),
          contentType: 'application/vnd.apache.parquet',
          fileName: `${slug}-${id}.parquet`,
        };
      }
      async function* body(): AsyncGenerator<string> {
        if (format === 'csv') {
          yield `\uFEFF${['_id', ...fields].map((f) => csvCell(f, raw)).join(',')}\r\n`;
          for await (const row of rows())
            yield `${[row._id, ...fields.map((f) => row[f])].map((v) => csvCell(v as Cell, raw)).join(',')}\r\n`;
        } else if (format === 'ndjson') {
          for await (const row of rows()) yield `${JSON.stringify(row)}\n`;
        } else {
          yield '[';
          let first = true;
          for await (const row of rows()) {
            yield `${first ? '' : ','}\n${JSON.stringify(row)}`;
            first = false;
          }
          yield '\n]\n';
        }
      }
      return {
        stream: Readable.from(body()),
        contentType: {
          csv: 'text/csv; charset=utf-8',
          json: 'application/json; charset=utf-8',
          ndjson: 'application/x-ndjson; charset=utf-8',
        }[format],
        fileName: `${slug}-${id}.${format}`,
      };
    },

    async aggregate(actor: Actor, slug: string, id: string, params: Params, signal?: AbortSignal) {
      const target = await live(actor, slug, id);
      const query = parseAggregateQuery(params, target.schema);
      return analytic(target, query, signal, (e, on) => e.aggregate(on, target.table, target.schema, query));
    },

    async stats(actor: Actor, slug: string, id: string, signal?: AbortSignal) {
      const target = await live(actor, slug, id);
      return analytic(target, { q: null }, signal, (e, on) => e.columnStats(on, target.table, target.schema));
    },

    /** Query workers' statistics (SQLite), for tests and the benchmark. */
    readerStats: () => reader.stats(),
  };
}
export type RowsService = ReturnType<typeof createRowsService>;
