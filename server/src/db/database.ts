import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { createReadRouter, type ReadRouter, type ReplicaOptions } from './replicas.js';
import { registerSqliteFunctions } from '../data/tables/text.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Where it lives, for the query readers that open their own connections (data/tables/workers). */
  location: { sqliteFile?: string; databaseUrl?: string; pgSchema?: string };
  /** Where the query reader sends read-only queries (PostgreSQL with DATABASE_READ_URLS): see replicas.ts. */
  replicas?: ReadRouter;
  /** Checks the database answers (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://… ; otherwise SQLite at `sqliteFile`. */
  databaseUrl?: string;
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests isolate each database in a fresh schema). */
  pgSchema?: string;
  pgPoolSize?: number;
  /** Streaming replicas for read-only queries (PostgreSQL only), and how they are watched. */
  readUrls?: string[];
  replicas?: Omit<ReplicaOptions, 'primaryUrl' | 'readUrls'>;
}

// Timestamps come back as ISO strings on both dialects, so stores return the same shapes.
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString()); // timestamptz
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}); // int8

export function openDatabase(options: DbOptions): Db {
  const plugins = [new CamelCasePlugin()];
  const readUrls = options.readUrls?.filter(Boolean) ?? [];
  if (readUrls.length && !options.databaseUrl)
    throw new Error(
      'DATABASE_READ_URLS needs DATABASE_URL: read replicas are PostgreSQL streaming replicas, not SQLite',
    );
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pgPoolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
    const replicas = readUrls.length
      ? createReadRouter({ ...options.replicas, primaryUrl: options.databaseUrl, readUrls })
      : undefined;
    return {
      kysely,
      dialect: 'postgres',
      location: { databaseUrl: options.databaseUrl, pgSchema: options.pgSchema },
      replicas,
      ping: async () => void (await sql`select 1`.execute(kysely)),
      close: async () => {
        await replicas?.close();
        await kysely.destroy();
      },
    };
  }
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // The query engine's own SQL functions (phrase search), as on the query workers' connections.
  registerSqliteFunctions(sqlite);
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    plugins,
  });
  return {
    kysely,
    dialect: 'sqlite',
    location: { sqliteFile: file },
    ping: async () => void (await sql`select 1`.execute(kysely)),
    close: () => kysely.destroy(),
  };
}

/**
 * Kysely prepares every query anew; on hot paths preparing costs more than running. Statements are
 * cached by SQL text (bounded), except one that is still iterating, which gets a fresh statement.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) return cached;
    const statement = sqlite.prepare(source);
    if (!cached) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** JSON columns are TEXT on SQLite and JSONB on PostgreSQL; read either the same way. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Booleans are 0/1 on SQLite. */
export const readBool = (value: unknown): boolean => value === true || value === 1 || value === '1';
