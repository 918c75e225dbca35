/**
 * The query reader: where the query engine's reads run when they may take more than a few milliseconds.
 *
 * - SQLite: a pool of worker threads (pool.ts), each with its own read-only connection.
 * - PostgreSQL: a pool of its own whose sessions are read-only and carry `statement_timeout`, so a runaway
 *   statement stops in the database; the driver is asynchronous, so the event loop never waits on it.
 *
 * `reader.db` is a Kysely handle over either: the engine runs on it unchanged. The limits of a request (its
 * deadline, and a signal aborted when its client goes away) apply to every statement run inside
 * `reader.within(limits, work)`: a statement past the deadline stops with a 503 problem (`query_timeout`),
 * one whose client left stops at once (AbortError). They are carried by an AsyncLocalStorage owned by the
 * reader, so nothing between the route and the driver has to pass them along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import type { AnyDb, TableDialect } from '../physical.js';
import { abortError, createSqlitePool, queryTimeout, type PoolStats, type QueryLimits } from './pool.js';

export type { QueryLimits } from './pool.js';

export interface QueryReader {
  readonly db: AnyDb;
  /** Runs `work` with these limits on every statement it sends through `db`. */
  within<T>(limits: QueryLimits, work: () => Promise<T>): Promise<T>;
  /** Worker statistics (SQLite), for tests and the benchmark. */
  stats(): PoolStats | null;
  close(): Promise<void>;
}

export interface QueryReaderOptions {
  dialect: TableDialect;
  location: { sqliteFile?: string; databaseUrl?: string; pgSchema?: string };
  /** Workers (SQLite) or connections (PostgreSQL). */
  size: number;
  /** PostgreSQL's statement_timeout for these sessions. */
  timeoutMs: number;
  /** The main database, to cancel a PostgreSQL statement whose client went away. */
  main: AnyDb;
  logger?: { warn(o: object, m: string): void };
}

interface Context extends QueryLimits {
  /** PostgreSQL sessions running a statement for this context, by backend pid. */
  running?: Set<number>;
  expired?: boolean;
}

/** Kysely over the worker pool: one stateless "connection" that sends each statement to the next free worker. */
class WorkerDialect implements KyselyDialect {
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

const readOnly = () => Promise.reject(new Error('The query reader is read-only: no transactions'));

export function createQueryReader(options: QueryReaderOptions): QueryReader {
  const context = new AsyncLocalStorage<Context>();
  const within = <T>(limits: QueryLimits, work: () => Promise<T>) => context.run({ ...limits }, work);

  if (options.dialect === 'sqlite') {
    const file = options.location.sqliteFile;
    if (!file || file === ':memory:') {
      // An in-memory database cannot be opened by another thread: queries stay on the main connection.
      return { db: options.main, within, stats: () => null, close: async () => undefined };
    }
    const pool = createSqlitePool({ file, size: options.size, logger: options.logger });
    const connection: DatabaseConnection = {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        const rows = await pool.exec(query.sql, query.parameters, context.getStore() ?? {});
        return { rows: rows as R[] };
      },
      // eslint-disable-next-line require-yield
      async *streamQuery() {
        throw new Error('The query reader does not stream: page with keyset cursors');
      },
    };
    const driver: Driver = {
      init: async () => undefined,
      acquireConnection: async () => connection,
      beginTransaction: readOnly,
      commitTransaction: readOnly,
      rollbackTransaction: readOnly,
      releaseConnection: async () => undefined,
      destroy: () => pool.close(),
    };
    const db = new Kysely<unknown>({ dialect: new WorkerDialect(driver) }) as AnyDb;
    return { db, within, stats: () => pool.stats(), close: () => db.destroy() };
  }

  const { databaseUrl, pgSchema } = options.location;
  const pgPool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.size,
    options: [
      `-c statement_timeout=${Math.max(1, Math.round(options.timeoutMs))}`,
      '-c default_transaction_read_only=on',
      ...(pgSchema ? [`-c search_path=${pgSchema}`] : []),
    ].join(' '),
  });
  const cancel = (pid: number) =>
    options.main
      .executeQuery(CompiledQuery.raw('SELECT pg_cancel_backend($1)', [pid]))
      .catch((err: unknown) => options.logger?.warn({ err: String(err) }, 'could not cancel a query'));
  // Kysely asks this pool for a client per statement: the client is tied to the request's context, so that
  // the request's deadline or departure cancels what it runs.
  const trackingPool = {
    async connect() {
      const ctx = context.getStore();
      if (ctx?.expired) throw queryTimeout(ctx.timeoutMs);
      if (ctx?.signal?.aborted) throw abortError();
      const client = await pgPool.connect();
      if (!ctx) return client;
      const pid = (client as unknown as { processID: number }).processID;
      (ctx.running ??= new Set()).add(pid);
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => {
        ctx.running?.delete(pid);
        client.release = release;
        return release(err);
      };
      return client;
    },
    end: () => pgPool.end(),
  };
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: trackingPool as unknown as pg.Pool }),
  }) as AnyDb;
  const translate = (ctx: Context | undefined, error: unknown) => {
    if ((error as { code?: string }).code !== '57014') return error; // query_canceled
    return ctx?.signal?.aborted ? abortError() : queryTimeout(ctx?.timeoutMs ?? options.timeoutMs);
  };
  return {
    db,
    within<T>(limits: QueryLimits, work: () => Promise<T>): Promise<T> {
      const ctx: Context = { ...limits };
      const stop = () => {
        for (const pid of ctx.running ?? []) void cancel(pid);
      };
      const timer =
        limits.deadline === undefined
          ? undefined
          : setTimeout(
              () => {
                ctx.expired = true;
                stop();
              },
              Math.max(0, limits.deadline - Date.now()),
            );
      limits.signal?.addEventListener('abort', stop, { once: true });
      return context
        .run(ctx, work)
        .catch((error: unknown) => {
          throw translate(ctx, error);
        })
        .finally(() => {
          if (timer) clearTimeout(timer);
          limits.signal?.removeEventListener('abort', stop);
        });
    },
    stats: () => null,
    close: () => db.destroy(),
  };
}
