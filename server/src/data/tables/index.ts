/**
 * Tabular resources: storage (one typed table per resource version) and the query engine behind
 * GET …/rows, …/rows.{csv,json,ndjson}, …/aggregate, facets and column statistics.
 *
 * How callers use it:
 * - Name each version's table uniquely and never reuse a name for other content, e.g.
 *   `rows_${ulid}` (must match TABLE_NAME: /^[A-Za-z][A-Za-z0-9_]{0,47}$/). Results are cached by
 *   table name; a new version = a new name = no stale answer.
 * - Give the store, the engine and the rows writer the same QueryCache (one per app, made by the
 *   composition root): the store and the writer invalidate what the engine cached for a table.
 * - createTable → insertRows in source order (batches of 1,000–5,000 rows; wrap the whole load in
 *   one transaction if it must be atomic) → finalize once, before serving → dropTable on deletion.
 *   A field named `_id` is refused (it is the row id): rename it when importing.
 * - Routes: parseRowQuery(request.query, schema) (400s come out as AppError validation_failed) →
 *   engine.selectRows. Build the `next` link as the same URL with `_cursor` set (or replaced) by
 *   nextCursor, keeping every other parameter (rowQueryParams(query) re-serializes a parsed query).
 *   Downloads: engine.streamRows. Facets: engine.facets(query) when query.facets is not empty.
 */
export { createTabularStore, type TabularStore, type TabularStoreOptions } from './store.js';
export {
  createQueryEngine,
  ftsMatchQuery,
  type ColumnStats,
  type FacetValue,
  type QueryEngine,
  type QueryEngineOptions,
  type Row,
  type RowsPage,
  RenderedPage,
  type AggregateRow,
} from './engine.js';
export {
  parseRowQuery,
  parseAggregateQuery,
  rowQueryParams,
  splitList,
  encodeRowCursor,
  filterOps,
  DEFAULT_ROW_LIMIT,
  MAX_ROW_LIMIT,
  type AggregateFn,
  type AggregateQuery,
  type AggregateSpec,
  type ColumnRef,
  type Filter,
  type FilterOp,
  type ParseOptions,
  type RowQuery,
  type SortKey,
} from './query.js';
export { QueryCache, type QueryCacheOptions } from './cache.js';
export { TABLE_NAME, type AnyDb, type TableDialect } from './physical.js';
export { diffTables, type VersionDiff } from './diff.js';
export { createRowsWriter, checkRowValues, type RowsWriter, type RowValues } from './rows-write.js';
