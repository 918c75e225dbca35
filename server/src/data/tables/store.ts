/**
 * Storage of tabular resources: one real, typed table per resource version.
 *
 * Life cycle (the dataset service drives it): createTable → insertRows (batches, in source order)
 * → finalize (indexes, full-text index, statistics) → served read-only → dropTable when the version
 * is deleted. Row ids `_id` are 1..n in insertion order.
 */
import type { Cell, TableSchema } from '../table-schema.js';
import type { QueryCache } from './cache.js';
import {
  type AnyDb,
  checkSchema,
  checkTableName,
  col,
  cellEncoder,
  ftsTable,
  isText,
  pgTsvectorExpr,
  q,
  run,
  sqlType,
  type TableDialect,
} from './physical.js';
import { dropGeneration } from './generations.js';
import { runSqliteScript } from './workers/script.js';

// SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766; rows per statement are capped below it.
type Encoder = ReturnType<typeof cellEncoder>;
const SQLITE_MAX_PARAMS = 32_000;
const SQLITE_MAX_ROWS_PER_STATEMENT = 500;
const PG_MAX_ROWS_PER_STATEMENT = 10_000;
/** PostgreSQL b-tree entries are limited to ~2.7 kB; longer text columns get no b-tree index. */
const PG_MAX_INDEXED_BYTES = 2000;

export interface TabularStore {
  /** Physical table for a resource version; `table` must match {@link TABLE_NAME} and never be reused for other content. */
  createTable(db: AnyDb, table: string, schema: TableSchema): Promise<void>;
  /** Bulk insert of typed rows (values in schema order), best in batches of 1,000–5,000. */
  insertRows(db: AnyDb, table: string, schema: TableSchema, rows: readonly (readonly Cell[])[]): Promise<void>;
  /** After the load: per-column indexes, full-text index over string columns, statistics. Idempotent. */
  finalize(db: AnyDb, table: string, schema: TableSchema): Promise<void>;
  dropTable(db: AnyDb, table: string): Promise<void>;
  countRows(db: AnyDb, table: string): Promise<number>;
  tableExists(db: AnyDb, table: string): Promise<boolean>;
  /** Names of the tables starting with `prefix` (letters, digits, underscores), derived tables included. */
  listTables(db: AnyDb, prefix: string): Promise<string[]>;
}

export interface TabularStoreOptions {
  /** Cache to invalidate on writes: the query engine's (one per app, made by the composition root). */
  cache: QueryCache;
  /** The SQLite database file: `finalize` then builds indexes on a writer thread of its own. */
  sqliteFile?: string;
}

/** Rows per statement when the full-text index is filled. */
const FTS_SLICE_ROWS = 50_000;

/** Runs `finalize`'s statements on this connection, with the settings the writer thread uses, restored after. */
async function runHere(db: AnyDb, statements: string[]): Promise<void> {
  const [cache] = await run<{ cache_size: number }>(db, 'PRAGMA cache_size');
  const [limit] = await run<{ analysis_limit: number }>(db, 'PRAGMA analysis_limit');
  await run(db, 'PRAGMA cache_size = -32768');
  try {
    for (const statement of statements) await run(db, statement);
  } finally {
    await run(db, `PRAGMA cache_size = ${Number(cache?.cache_size ?? -2000)}`);
    await run(db, `PRAGMA analysis_limit = ${Number(limit?.analysis_limit ?? 0)}`);
  }
}

export function createTabularStore(dialect: TableDialect, options: TabularStoreOptions): TabularStore {
  const { cache } = options;

  async function insertSqlite(db: AnyDb, table: string, schema: TableSchema, rows: readonly (readonly Cell[])[]) {
    const fields = schema.fields;
    const n = fields.length;
    const perStatement = Math.max(1, Math.min(SQLITE_MAX_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMS / n)));
    const encoders = fields.map((f) => cellEncoder(f.type, 'sqlite'));
    const rowPlaceholder = `(${Array.from({ length: n }, () => '?').join(',')})`;
    const head = `INSERT INTO ${q(table)} (${fields.map((_, i) => col(i)).join(',')}) VALUES `;
    let fullText: string | null = null;
    for (let start = 0; start < rows.length; start += perStatement) {
      const count = Math.min(perStatement, rows.length - start);
      const text =
        count === perStatement
          ? (fullText ??= head + Array(count).fill(rowPlaceholder).join(','))
          : head + Array(count).fill(rowPlaceholder).join(',');
      const params: unknown[] = new Array(count * n);
      let k = 0;
      for (let r = start; r < start + count; r++) {
        const row = rows[r] as readonly Cell[];
        for (let i = 0; i < n; i++) params[k++] = (encoders[i] as Encoder)(row[i]);
      }
      await run(db, text, params);
    }
  }

  async function insertPostgres(db: AnyDb, table: string, schema: TableSchema, rows: readonly (readonly Cell[])[]) {
    const fields = schema.fields;
    const names = fields.map((_, i) => col(i)).join(',');
    const cast = (i: number) => {
      const t = (fields[i] as (typeof fields)[number]).type;
      return {
        integer: 'bigint[]',
        number: 'float8[]',
        boolean: 'boolean[]',
        date: 'date[]',
        datetime: 'timestamptz[]',
        string: 'text[]',
      }[t];
    };
    const unnest = fields.map((_, i) => `$${i + 1}::${cast(i)}`).join(',');
    const text = `INSERT INTO ${q(table)} (${names}) SELECT ${names} FROM unnest(${unnest}) WITH ORDINALITY AS u(${names}, "_n") ORDER BY "_n"`;
    for (let start = 0; start < rows.length; start += PG_MAX_ROWS_PER_STATEMENT) {
      const end = Math.min(rows.length, start + PG_MAX_ROWS_PER_STATEMENT);
      const columns = fields.map((f, i) => {
        const encode = cellEncoder(f.type, 'postgres');
        const values: unknown[] = new Array(end - start);
        for (let r = start; r < end; r++) values[r - start] = encode((rows[r] as readonly Cell[])[i]);
        return values;
      });
      await run(db, text, columns);
    }
  }

  async function withTransaction(db: AnyDb, many: boolean, work: (db: AnyDb) => Promise<void>) {
    if (!many || db.isTransaction) return work(db);
    return db.transaction().execute(work);
  }

  return {
    async createTable(db, table, schema) {
      checkTableName(table);
      checkSchema(schema);
      cache.invalidate(table);
      const columns = schema.fields.map((f, i) => `${col(i)} ${sqlType(f.type, dialect)}`);
      if (dialect === 'sqlite') {
        await run(db, `CREATE TABLE ${q(table)} ("_id" INTEGER PRIMARY KEY, ${columns.join(', ')})`);
      } else {
        const tsv = pgTsvectorExpr(schema);
        if (tsv) columns.push(`"_fts" tsvector GENERATED ALWAYS AS (${tsv}) STORED`);
        await run(
          db,
          `CREATE TABLE ${q(table)} ("_id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, ${columns.join(', ')})`,
        );
      }
    },

    async insertRows(db, table, schema, rows) {
      checkTableName(table);
      if (rows.length === 0) return;
      cache.invalidate(table);
      const many = rows.length > (dialect === 'sqlite' ? SQLITE_MAX_ROWS_PER_STATEMENT : PG_MAX_ROWS_PER_STATEMENT);
      await withTransaction(db, many, (tx) =>
        dialect === 'sqlite' ? insertSqlite(tx, table, schema, rows) : insertPostgres(tx, table, schema, rows),
      );
      cache.invalidate(table);
    },

    async finalize(db, table, schema) {
      checkTableName(table);
      cache.invalidate(table);
      const textIndexes = schema.fields.map((f, i) => (isText(f) ? i : -1)).filter((i) => i >= 0);
      if (dialect === 'sqlite') {
        const statements: string[] = [];
        for (let i = 0; i < schema.fields.length; i++) {
          // The rowid (_id) is implicitly the last key of every SQLite index: (c, _id) order for free.
          statements.push(`CREATE INDEX IF NOT EXISTS ${q(`${table}__c${i}`)} ON ${q(table)} (${col(i)})`);
        }
        if (textIndexes.length > 0) {
          const fts = ftsTable(table);
          const cols = textIndexes.map(col).join(', ');
          const news = textIndexes.map((i) => `new.${col(i)}`).join(', ');
          const olds = textIndexes.map((i) => `old.${col(i)}`).join(', ');
          const existing = await run(db, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [fts]);
          if (existing.length === 0) {
            statements.push(
              `CREATE VIRTUAL TABLE ${q(fts)} USING fts5(${cols}, content=${q(table)}, content_rowid='_id', tokenize='unicode61 remove_diacritics 2', detail=none)`,
            );
            // Filled in slices of rows rather than one 'rebuild': a writer waiting meanwhile waits for one slice.
            const [last] = await run<{ id: number | null }>(db, `SELECT max("_id") AS id FROM ${q(table)}`);
            for (let from = 1; from <= Number(last?.id ?? 0); from += FTS_SLICE_ROWS) {
              statements.push(
                `INSERT INTO ${q(fts)}(rowid, ${cols}) SELECT "_id", ${cols} FROM ${q(table)} WHERE "_id" >= ${from} AND "_id" < ${from + FTS_SLICE_ROWS}`,
              );
            }
            // Keep the index in step with any later write (tables are normally read-only after finalize).
            statements.push(
              `CREATE TRIGGER ${q(`${table}__ai`)} AFTER INSERT ON ${q(table)} BEGIN INSERT INTO ${q(fts)}(rowid, ${cols}) VALUES (new."_id", ${news}); END`,
              `CREATE TRIGGER ${q(`${table}__ad`)} AFTER DELETE ON ${q(table)} BEGIN INSERT INTO ${q(fts)}(${q(fts)}, rowid, ${cols}) VALUES ('delete', old."_id", ${olds}); END`,
              `CREATE TRIGGER ${q(`${table}__au`)} AFTER UPDATE ON ${q(table)} BEGIN INSERT INTO ${q(fts)}(${q(fts)}, rowid, ${cols}) VALUES ('delete', old."_id", ${olds}); INSERT INTO ${q(fts)}(rowid, ${cols}) VALUES (new."_id", ${news}); END`,
            );
          }
        }
        statements.push('PRAGMA analysis_limit = 2000', `ANALYZE ${q(table)}`);
        // A database file: the statements run on a writer thread of their own, so index builds of a large import
        // never hold the event loop. Without one (an in-memory database), here, with the same settings.
        if (options.sqliteFile) await runSqliteScript(options.sqliteFile, statements);
        else await runHere(db, statements);
      } else {
        const lengths =
          textIndexes.length > 0
            ? ((
                await run<Record<string, number | null>>(
                  db,
                  `SELECT ${textIndexes.map((i) => `max(octet_length(${col(i)})) AS "m${i}"`).join(', ')} FROM ${q(table)}`,
                )
              )[0] ?? {})
            : {};
        for (let i = 0; i < schema.fields.length; i++) {
          if (Number(lengths[`m${i}`] ?? 0) > PG_MAX_INDEXED_BYTES) continue;
          await run(db, `CREATE INDEX IF NOT EXISTS ${q(`${table}__c${i}`)} ON ${q(table)} (${col(i)}, "_id")`);
        }
        if (textIndexes.length > 0)
          await run(db, `CREATE INDEX IF NOT EXISTS ${q(`${table}__fts`)} ON ${q(table)} USING gin ("_fts")`);
        await run(db, `ANALYZE ${q(table)}`);
      }
      cache.invalidate(table);
    },

    async dropTable(db, table) {
      checkTableName(table);
      cache.invalidate(table);
      if (dialect === 'sqlite') await run(db, `DROP TABLE IF EXISTS ${q(ftsTable(table))}`);
      await run(db, `DROP TABLE IF EXISTS ${q(table)}`);
      await dropGeneration(db, dialect, table);
      cache.invalidate(table);
    },

    async countRows(db, table) {
      checkTableName(table);
      const [row] = await run<{ n: number | string }>(db, `SELECT count(*) AS "n" FROM ${q(table)}`);
      return Number(row?.n ?? 0);
    },

    async tableExists(db, table) {
      checkTableName(table);
      const rows =
        dialect === 'sqlite'
          ? await run(db, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [table])
          : await run(
              db,
              `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
              [table],
            );
      return rows.length > 0;
    },

    async listTables(db, prefix) {
      if (!/^[A-Za-z0-9_]+$/.test(prefix)) throw new Error(`Invalid table prefix: ${prefix}`);
      // `_` is a LIKE wildcard: escape it so `rows_` does not match `rowsx`.
      const pattern = `${prefix.replace(/_/g, '\\_')}%`;
      const rows =
        dialect === 'sqlite'
          ? await run<{ name: string }>(
              db,
              `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'`,
              [pattern],
            )
          : await run<{ name: string }>(
              db,
              `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE $1 ESCAPE '\\'`,
              [pattern],
            );
      return rows.map((r) => r.name);
    },
  };
}
