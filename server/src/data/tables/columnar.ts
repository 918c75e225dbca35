/**
 * The columnar copy of each resource-version table: a Parquet file in the data directory, read by DuckDB
 * (`@duckdb/node-api`, in process), that answers facets, group-by aggregates, column statistics and counts
 * of matching rows in milliseconds where a row store scans for hundreds (docs/architecture.md, "Columnar
 * analytics", has the measurements behind the choice).
 *
 * - One file per (table, generation): `{dir}/{table}.g{generation}.parquet`, with a sidecar `.json` holding
 *   its size and SHA-256. A table is at generation 0 after its import; a write bumps it (generations.ts), so a
 *   file is valid for one state of the rows and an old one is never used for a newer state.
 * - Built in the background: after an import from a CSV written during the import's own pass (importSink),
 *   after a write (or when the file is missing or corrupt) from the rows read back from the main database.
 *   One build at a time, in a one-thread DuckDB instance of its own (CSV → Parquet, within DuckDB's memory
 *   limit), so that a build adds little to the process's peak. Until the file is ready, callers use the row path.
 * - A file is checked against its sidecar (size, SHA-256) the first time this process uses it and again
 *   whenever its size or modification time changes: a corrupt or missing file is deleted and rebuilt, never read.
 * - Queries: the query engine (engine.ts, dialect 'duckdb') over `db`, where the table's name is a view on its
 *   Parquet file. Every statement runs on DuckDB's threads (the event loop only waits), at most two at a time
 *   (the rest of the libuv pool stays free for files), interrupted at the deadline or when the client leaves.
 * - Value forms are those of the row store: dates and datetimes are kept as their ISO text (the one stored form,
 *   which sorts in time order), booleans as BOOLEAN, integers as BIGINT, numbers as DOUBLE.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { CompiledQuery } from 'kysely';
import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Driver,
  type Dialect as KyselyDialect,
  type QueryResult,
} from 'kysely';
import type { Cell, FieldType, TableSchema } from '../table-schema.js';
import { type AnyDb, cellEncoder, checkTableName } from './physical.js';
import { abortError, queryTimeout, type QueryLimits } from './workers/pool.js';

/** Where a rebuild reads the rows from (the main database), and the table's generation now. */
export interface ColumnarSource {
  /** Every row in `_id` order, values in schema order. */
  rows(): AsyncIterable<readonly Cell[]>;
  generation(): Promise<number>;
}

/** Rows of an import, written as they are inserted; `finish` schedules the build of generation 0. */
export interface ColumnarImportSink {
  write(rows: readonly (readonly Cell[])[]): Promise<void>;
  finish(): void;
  abort(): Promise<void>;
}

export interface ColumnarOptions {
  /** Directory of the files (created if needed). */
  dir: string;
  /** DuckDB's memory limit in MB (default 128): builds and queries spill beyond it. */
  memoryLimitMb?: number;
  threads?: number;
  logger?: { warn(o: object, m: string): void; info?(o: object, m: string): void };
}

export interface Columnar {
  /** Kysely over DuckDB, for the query engine's 'duckdb' dialect (raw statements only). */
  readonly db: AnyDb;
  /** Is the copy of this table at this generation ready? When not, schedules its build from `source`. */
  ready(table: string, generation: number, schema: TableSchema, source: ColumnarSource): Promise<boolean>;
  /** Builds the copy now if needed and waits for it (the forced columnar path, tests). */
  ensure(table: string, generation: number, schema: TableSchema, source: ColumnarSource): Promise<void>;
  /**
   * A statement on this table's copy failed: its file is checked against its sidecar, and forgotten and deleted
   * when it does not match (the next `ready` rebuilds it). A sound file stays: a failure that is not the file's
   * must not make every request rebuild it.
   */
  suspect(table: string): Promise<void>;
  importSink(table: string, schema: TableSchema): ColumnarImportSink;
  /** Runs `work` with these limits on every statement it sends through `db`. */
  within<T>(limits: QueryLimits, work: () => Promise<T>): Promise<T>;
  /**
   * Rows (`_id`, then the values of `fields`, schema indexes) as a Parquet file with the Table Schema's types:
   * written to a temporary file in constant memory (a CSV, then DuckDB's COPY), then read as a stream that
   * deletes the file when it closes.
   */
  parquet(
    schema: TableSchema,
    fields: readonly number[],
    rows: AsyncIterable<{ id: number; values: readonly Cell[] }>,
  ): Promise<Readable>;
  /** Deletes every file of the table (its version was dropped). */
  drop(table: string): Promise<void>;
  /** Waits for the builds in progress (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** DuckDB type of each stored form (see the module comment). */
const storedType: Record<FieldType, string> = {
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'VARCHAR',
  datetime: 'VARCHAR',
  string: 'VARCHAR',
};
/** Parquet (download) type of each Table Schema type. */
const publicType: Record<FieldType, string> = { ...storedType, date: 'DATE', datetime: 'TIMESTAMPTZ' };

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
/**
 * How the CSV written here is read back: every text quoted, an unquoted empty field is NULL. A 4 MB read buffer
 * (DuckDB's default is 16 × the 2 MB line limit: 32 MB, several held at once): converting 1M rows then peaked
 * ~55 MB lower on one thread (a build), ~85 MB lower on two (a download), and ran a little faster.
 */
const CSV_BUFFER_BYTES = 4 << 20;
/**
 * Rows per Parquet row group of a build: the writer holds a whole group in memory before writing it; half DuckDB's
 * default (122,880) took another ~20 MB off a 1M-row build's peak (and still leaves more groups than threads).
 */
const ROW_GROUP_ROWS = 61_440;
const csvColumns = (types: string[]) =>
  `columns={${types.map((t, i) => `${literal(i === 0 ? '_id' : `c${i - 1}`)}: ${literal(t)}`).join(', ')}}`;
const readCsv = (path: string, types: string[]) =>
  `read_csv(${literal(path)}, header=false, delim=',', quote='"', escape='"', allow_quoted_nulls=false, auto_detect=false, buffer_size=${CSV_BUFFER_BYTES}, ${csvColumns(types)})`;

/** A CSV writer of typed rows (`_id` first), with back-pressure. */
function csvWriter(path: string, types: readonly FieldType[]) {
  const encoders = types.map((t) => cellEncoder(t, 'postgres'));
  const out = createWriteStream(path);
  let failed: Error | null = null;
  out.on('error', (e) => (failed = e));
  let chunk = '';
  const cell = (v: string | number | boolean | null): string => {
    if (v === null) return '';
    if (typeof v === 'string') return `"${v.replaceAll('"', '""')}"`;
    return String(v);
  };
  return {
    async add(id: number, values: readonly Cell[]) {
      let line = String(id);
      for (let i = 0; i < types.length; i++) line += `,${cell(encoders[i]!(values[i]))}`;
      chunk += `${line}\n`;
      if (chunk.length > 1 << 20) await this.flush();
    },
    async flush() {
      if (failed) throw failed;
      if (chunk.length === 0) return;
      const ok = out.write(chunk);
      chunk = '';
      if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
    },
    async end() {
      await this.flush();
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      if (failed) throw failed;
    },
    destroy() {
      out.destroy();
    },
  };
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface Ready {
  generation: number;
  path: string;
  size: number;
  mtimeMs: number;
}

interface Context extends QueryLimits {
  expired?: boolean;
}

/** Kysely over DuckDB: raw statements only (the query engine writes its SQL itself). */
class DuckDialect implements KyselyDialect {
  constructor(private readonly driver: Driver) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver() {
    return this.driver;
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

const MAX_RUNNING = 2;
const LEFTOVER_AGE_MS = 24 * 3600 * 1000;
/** Temporary names: two instances (or processes) may share the directory. */
const unique = () => randomBytes(6).toString('hex');

export function createColumnar(options: ColumnarOptions): Columnar {
  const dir = options.dir;
  mkdirSync(dir, { recursive: true });
  // Leftovers of a process that died mid-build or mid-download. Only old ones: another instance sharing the
  // directory may be writing its own right now.
  for (const name of readdirSync(dir)) {
    if (!/\.(csv|tmp)$|^download\./.test(name)) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > LEFTOVER_AGE_MS) rmSync(path, { force: true });
    } catch {
      // gone meanwhile
    }
  }
  const context = new AsyncLocalStorage<Context>();
  let instance: Promise<DuckDBInstance> | undefined;
  let closed = false;
  const open = () =>
    (instance ??= import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {
      const db = await DuckDBInstance.create(':memory:', {
        threads: String(options.threads ?? Math.max(1, Math.min(4, availableParallelism()))),
        // 128 MB: a build (CSV → Parquet) comes right after an import, on top of what the import left in the
        // process; its answers over 1M rows fit well within it.
        memory_limit: `${options.memoryLimitMb ?? 128}MB`,
        temp_directory: join(dir, 'tmp'),
        preserve_insertion_order: 'true',
      });
      return db;
    }));

  // At most MAX_RUNNING statements at once: the others wait their turn here (under their own deadline).
  let running = 0;
  const waiting: Array<() => void> = [];
  async function slot(): Promise<() => void> {
    if (running >= MAX_RUNNING) await new Promise<void>((r) => waiting.push(r));
    running++;
    return () => {
      running--;
      waiting.shift()?.();
    };
  }

  /** One statement on its own connection, so that it can be interrupted alone. */
  async function exec(sql: string, params: readonly unknown[], ctx: Context | undefined) {
    if (closed) throw new Error('The columnar engine is closed');
    if (ctx?.signal?.aborted) throw abortError();
    if (ctx?.deadline !== undefined && Date.now() >= ctx.deadline) throw queryTimeout(ctx.timeoutMs);
    const release = await slot();
    let connection: DuckDBConnection | undefined;
    let timer: NodeJS.Timeout | undefined;
    let repeat: NodeJS.Timeout | undefined;
    let expired = false;
    // An interrupt that lands before the statement starts executing is lost: repeated until it ends.
    const stop = () => {
      connection?.interrupt();
      repeat ??= setInterval(() => connection?.interrupt(), 25);
    };
    try {
      connection = await (await open()).connect();
      if (ctx?.deadline !== undefined)
        timer = setTimeout(
          () => {
            expired = true;
            stop();
          },
          Math.max(0, ctx.deadline - Date.now()),
        );
      ctx?.signal?.addEventListener('abort', stop, { once: true });
      const reader = await connection.runAndReadAll(sql, params as never);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    } catch (error) {
      if (expired) throw queryTimeout(ctx?.timeoutMs);
      if (ctx?.signal?.aborted) throw abortError();
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      if (repeat) clearInterval(repeat);
      ctx?.signal?.removeEventListener('abort', stop);
      connection?.closeSync();
      release();
    }
  }

  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      return { rows: (await exec(query.sql, query.parameters, context.getStore())) as R[] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('The columnar engine does not stream');
    },
  };
  const refuse = () => Promise.reject(new Error('The columnar engine is read-only: no transactions'));
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: refuse,
    commitTransaction: refuse,
    rollbackTransaction: refuse,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const db = new Kysely<unknown>({ dialect: new DuckDialect(driver) }) as AnyDb;
  const sql = (text: string) => exec(text, [], undefined);

  /**
   * A build's CSV → Parquet conversion, on a DuckDB instance of its own with one thread, closed when done. Each
   * thread of a COPY buffers its own row groups: on the query instance's two threads a 1M-row build took ~280 MB
   * over the process's baseline, on one ~130 MB (and was no slower: reading the CSV is the bound). It comes right
   * after an import, when the process is at its largest; queries keep the query instance's threads meanwhile.
   */
  async function convert(text: string) {
    if (closed) throw new Error('The columnar engine is closed');
    const release = await slot();
    try {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const builder = await DuckDBInstance.create(':memory:', {
        threads: '1',
        memory_limit: `${options.memoryLimitMb ?? 128}MB`,
        temp_directory: join(dir, 'tmp'),
        preserve_insertion_order: 'true',
      });
      try {
        const connection = await builder.connect();
        try {
          await connection.run(text);
        } finally {
          connection.closeSync();
        }
      } finally {
        builder.closeSync();
      }
    } finally {
      release();
    }
  }

  const fileOf = (table: string, generation: number) => join(dir, `${table}.g${generation}.parquet`);
  const sidecarOf = (path: string) => `${path}.json`;
  const ready = new Map<string, Ready>();
  const builds = new Map<string, Promise<void>>();
  let queue: Promise<void> = Promise.resolve();

  async function register(table: string, generation: number, path: string) {
    const stat = statSync(path);
    await sql(`CREATE OR REPLACE VIEW ${ident(table)} AS SELECT * FROM read_parquet(${literal(path)})`);
    ready.set(table, { generation, path, size: stat.size, mtimeMs: stat.mtimeMs });
  }

  /** Removes the table's copies except `keep` (with `all`, its temporary files too). */
  async function removeFiles(table: string, keep?: string, all = false) {
    const copy = /^\S+\.g\d+\.parquet(\.json)?$/;
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(`${table}.`) || !(all || copy.test(name))) continue;
      const path = join(dir, name);
      if (keep && (path === keep || path === sidecarOf(keep))) continue;
      await rm(path, { force: true });
    }
  }

  /** A file on disk for this generation that matches its sidecar: registered; anything else deleted. */
  async function adopt(table: string, generation: number): Promise<boolean> {
    const path = fileOf(table, generation);
    try {
      const meta = JSON.parse(readFileSync(sidecarOf(path), 'utf8')) as { size: number; sha256: string };
      if (statSync(path).size === meta.size && (await sha256(path)) === meta.sha256) {
        await register(table, generation, path);
        return true;
      }
      options.logger?.warn({ table, path }, 'corrupt columnar copy: rebuilding it');
    } catch {
      // missing or unreadable: built again
    }
    await rm(path, { force: true });
    await rm(sidecarOf(path), { force: true });
    return false;
  }

  /** CSV (`_id`, then the stored values) → Parquet, then registered; older generations deleted. */
  async function buildFromCsv(table: string, generation: number, schema: TableSchema, csv: string) {
    const path = fileOf(table, generation);
    const temporary = `${path}.${unique()}.tmp`;
    const types = ['BIGINT', ...schema.fields.map((f) => storedType[f.type])];
    try {
      await convert(
        `COPY (SELECT * FROM ${readCsv(csv, types)}) TO ${literal(temporary)} (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
      );
      const size = statSync(temporary).size;
      await writeFile(sidecarOf(path), JSON.stringify({ size, sha256: await sha256(temporary), rows: null }));
      await rename(temporary, path);
      await register(table, generation, path);
      await removeFiles(table, path);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  function schedule(key: string, work: () => Promise<void>): Promise<void> {
    const existing = builds.get(key);
    if (existing) return existing;
    const promise = (queue = queue.then(work, work))
      .catch((error: unknown) => options.logger?.warn({ key, err: String(error) }, 'columnar build failed'))
      .finally(() => builds.delete(key));
    builds.set(key, promise);
    return promise;
  }

  function rebuild(table: string, generation: number, schema: TableSchema, source: ColumnarSource) {
    return schedule(`${table}\u0000${generation}`, async () => {
      if (closed || ready.get(table)?.generation === generation) return;
      if (await adopt(table, generation)) return;
      const csv = join(dir, `${table}.g${generation}.${unique()}.csv`);
      const writer = csvWriter(
        csv,
        schema.fields.map((f) => f.type),
      );
      try {
        let id = 0;
        for await (const values of source.rows()) await writer.add(++id, values);
        await writer.end();
        // A write during the export: this copy mixes two states; the next request builds the new one.
        if ((await source.generation()) !== generation) return;
        await buildFromCsv(table, generation, schema, csv);
      } finally {
        writer.destroy();
        await rm(csv, { force: true });
      }
    });
  }

  async function isReady(table: string, generation: number): Promise<boolean> {
    const entry = ready.get(table);
    if (!entry || entry.generation !== generation) return false;
    try {
      const stat = statSync(entry.path);
      if (stat.size === entry.size && stat.mtimeMs === entry.mtimeMs) return true;
    } catch {
      // deleted under us
    }
    ready.delete(table);
    return false;
  }

  const columnar: Columnar = {
    db,

    async ready(table, generation, schema, source) {
      checkTableName(table);
      if (await isReady(table, generation)) return true;
      void rebuild(table, generation, schema, source);
      return false;
    },

    async ensure(table, generation, schema, source) {
      checkTableName(table);
      for (let attempt = 0; attempt < 3; attempt++) {
        if (await isReady(table, generation)) return;
        await rebuild(table, generation, schema, source);
      }
      if (!(await isReady(table, generation))) throw new Error(`The columnar copy of ${table} could not be built`);
    },

    async suspect(table) {
      const entry = ready.get(table);
      if (!entry) return;
      try {
        const meta = JSON.parse(readFileSync(sidecarOf(entry.path), 'utf8')) as { size: number; sha256: string };
        if (statSync(entry.path).size === meta.size && (await sha256(entry.path)) === meta.sha256) return;
      } catch {
        // missing or unreadable
      }
      options.logger?.warn({ table, path: entry.path }, 'corrupt columnar copy: rebuilding it');
      if (ready.get(table) === entry) ready.delete(table);
      await rm(entry.path, { force: true });
      await rm(sidecarOf(entry.path), { force: true });
    },

    importSink(table, schema) {
      checkTableName(table);
      const csv = join(dir, `${table}.import.${unique()}.csv`);
      const writer = csvWriter(
        csv,
        schema.fields.map((f) => f.type),
      );
      let id = 0;
      let done = false;
      return {
        async write(rows) {
          for (const values of rows) await writer.add(++id, values);
          // Written with its batch: lines kept until 1 MB of text outlived the young generation, and the old one
          // grew with them through the whole import.
          await writer.flush();
        },
        finish() {
          done = true;
          void schedule(`${table}\u00000`, async () => {
            try {
              await writer.end();
              if (!closed) await buildFromCsv(table, 0, schema, csv);
            } finally {
              await rm(csv, { force: true });
            }
          });
        },
        async abort() {
          if (done) return;
          done = true;
          writer.destroy();
          await rm(csv, { force: true });
        },
      };
    },

    within: (limits, work) => context.run({ ...limits }, work),

    async parquet(schema, fields, rows) {
      const path = join(dir, `download.${unique()}.parquet`);
      const csv = `${path}.csv`;
      const types = fields.map((i) => schema.fields[i]!.type);
      const writer = csvWriter(csv, types);
      try {
        for await (const row of rows) await writer.add(row.id, row.values);
        await writer.end();
        const stored = ['BIGINT', ...types.map((t) => storedType[t])];
        const select = [
          '"_id"',
          ...fields.map((i, k) => {
            const f = schema.fields[i]!;
            const c = `"c${k}"`;
            return `${publicType[f.type] === storedType[f.type] ? c : `CAST(${c} AS ${publicType[f.type]})`} AS ${ident(f.name)}`;
          }),
        ];
        // Snappy: the codec every Parquet reader has.
        await sql(
          `COPY (SELECT ${select.join(', ')} FROM ${readCsv(csv, stored)}) TO ${literal(path)} (FORMAT parquet, COMPRESSION snappy)`,
        );
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      } finally {
        writer.destroy();
        await rm(csv, { force: true });
      }
      const stream = createReadStream(path);
      stream.once('close', () => void rm(path, { force: true }));
      return stream;
    },

    async drop(table) {
      checkTableName(table);
      ready.delete(table);
      await Promise.resolve(builds.get(`${table}\u00000`)).catch(() => undefined);
      if (instance) await sql(`DROP VIEW IF EXISTS ${ident(table)}`).catch(() => undefined);
      await removeFiles(table, undefined, true);
    },

    async idle() {
      while (builds.size > 0) await Promise.allSettled([...builds.values()]);
    },

    async close() {
      await columnar.idle();
      closed = true;
      if (instance) (await instance).closeSync();
      instance = undefined;
    },
  };
  return columnar;
}
