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
 *
 * With read replicas (PostgreSQL, DATABASE_READ_URLS), statements run inside `within()` go where the read router
 * says (db/replicas.ts: a replica within the lag bound, or the primary); those outside it — rebuilding a
 * columnar copy after a write — always read the primary.
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
import { registerStepRunner, type AnyDb, type TableDialect } from '../physical.js';
import type { ReadRouter } from '../../../db/replicas.js';
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
  /** PostgreSQL read replicas (DATABASE_READ_URLS): statements run inside `within()` may go to one. */
  replicas?: ReadRouter;
  logger?: { warn(o: object, m: string): void };
}

/** A PostgreSQL session running a statement: its backend pid, on a replica (`url`) or the primary. */
interface Running {
  pid: number;
  url?: string;
}

interface Context extends QueryLimits {
  /** PostgreSQL sessions running a statement for this context. */
  running?: Set<Running>;
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

/** Errors that mean the server or the connection went away (not the query's fault). */
function isConnectionLoss(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code && /^(57P0[123]|08\d\d\d|ECONNRESET|ECONNREFUSED|EPIPE)$/.test(code)) return true;
  return /Connection terminated|connection.*(closed|ended)/i.test(message ?? '');
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
    // A page and its count, or a page's two segments, in one trip to a worker (physical.runSteps).
    const steps = (list: Parameters<typeof pool.steps>[0], render?: Parameters<typeof pool.steps>[2]) =>
      pool.steps(list, context.getStore() ?? {}, render);
    registerStepRunner(db, steps);
    return { db, within, stats: () => pool.stats(), close: () => db.destroy() };
  }

  const { databaseUrl, pgSchema } = options.location;
  const sessionOptions = [
    `-c statement_timeout=${Math.max(1, Math.round(options.timeoutMs))}`,
    '-c default_transaction_read_only=on',
    ...(pgSchema ? [`-c search_path=${pgSchema}`] : []),
  ].join(' ');
  // One pool per server: the primary's, and each read replica's once it is chosen (DATABASE_READ_URLS).
  const pools = new Map<string, pg.Pool>();
  const poolFor = (url: string) => {
    let pool = pools.get(url);
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max: options.size, options: sessionOptions });
      pool.on('error', () => undefined);
      pools.set(url, pool);
    }
    return pool;
  };
  const primaryPool = poolFor(databaseUrl!);
  const cancel = ({ pid, url }: Running) => {
    const failed = (err: unknown) => options.logger?.warn({ err: String(err) }, 'could not cancel a query');
    if (!url) return options.main.executeQuery(CompiledQuery.raw('SELECT pg_cancel_backend($1)', [pid])).catch(failed);
    // On a replica: a connection of its own (its pool may be busy with the very statements to stop).
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    return client
      .connect()
      .then(() => client.query('SELECT pg_cancel_backend($1)', [pid]))
      .catch(failed)
      .finally(() => void client.end().catch(() => undefined));
  };
  /** A replica for a statement run inside `within()` (a request's read), when the router offers one. */
  const connectTo = async (ctx: Context | undefined): Promise<{ client: pg.PoolClient; url?: string }> => {
    const url = ctx ? options.replicas?.choose() : undefined;
    if (url) {
      try {
        return { client: await poolFor(url).connect(), url };
      } catch (error) {
        options.replicas!.markDown(url, error);
      }
    }
    return { client: await primaryPool.connect() };
  };
  /**
   * A replica that goes away under a statement is set aside at once (not at the next check), and the next
   * statements go elsewhere. The lost statement itself is run again on the primary when it is a plain one (it
   * only read, and its caller has no answer yet); a streamed one (a cursor, half of whose rows may be sent)
   * fails. The rerun is not in the request's running set: the primary session's statement_timeout bounds it.
   */
  const watched = new WeakSet<pg.PoolClient>();
  const watchReplica = (client: pg.PoolClient, url: string) => {
    // pg emits 'error' on a client whose server goes away, even one checked out (the pool listens to idle ones
    // only): unheard, it would crash the process. Once per pooled client.
    if (!watched.has(client)) {
      watched.add(client);
      client.on('error', (error) => options.replicas!.markDown(url, error));
    }
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: typeof query }).query = (...args: unknown[]) => {
      const streamed = typeof (args[0] as { submit?: unknown } | undefined)?.submit === 'function';
      return query(...args).catch(async (error: unknown) => {
        if (!isConnectionLoss(error)) throw error;
        options.replicas!.markDown(url, error);
        if (streamed) throw error;
        const fallback = await primaryPool.connect();
        try {
          return await (fallback.query as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          fallback.release();
        }
      });
    };
  };
  // Kysely asks this pool for a client per statement: the client is tied to the request's context, so that
  // the request's deadline or departure cancels what it runs.
  const trackingPool = {
    async connect() {
      const ctx = context.getStore();
      if (ctx?.expired) throw queryTimeout(ctx.timeoutMs);
      if (ctx?.signal?.aborted) throw abortError();
      const { client, url } = await connectTo(ctx);
      if (!ctx) return client;
      if (url) watchReplica(client, url);
      const running: Running = { pid: (client as unknown as { processID: number }).processID, url };
      (ctx.running ??= new Set()).add(running);
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => {
        ctx.running?.delete(running);
        client.release = release;
        return release(err);
      };
      return client;
    },
    end: () => Promise.all([...pools.values()].map((pool) => pool.end())),
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
        for (const running of ctx.running ?? []) void cancel(running);
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
