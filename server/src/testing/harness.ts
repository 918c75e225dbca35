import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions, type Multitude } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';

/** The dialect this test run targets: the suite runs once per dialect (see scripts/test.mjs). */
export const testDialect: 'sqlite' | 'postgres' = process.env.MULTITUDE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
/**
 * Which path answers facets, aggregates, statistics and counts (MULTITUDE_TEST_QUERY_PATH): `rows` (the row
 * store) or `columnar` (the DuckDB copy, waited for instead of falling back). The same tests run on both.
 */
export const testQueryPath: 'rows' | 'columnar' =
  process.env.MULTITUDE_TEST_QUERY_PATH === 'columnar' ? 'columnar' : 'rows';

export interface TestDb {
  db: Db;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A fresh, isolated database: a new SQLite file, or a new PostgreSQL schema. */
export async function createTestDb(): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'multitude-test-'));
  if (testDialect === 'sqlite') {
    const db = openDatabase({ sqliteFile: join(dataDir, 'test.db') });
    return {
      db,
      dataDir,
      cleanup: async () => {
        await db.close().catch(() => undefined);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.MULTITUDE_TEST_DATABASE_URL;
  if (!url) throw new Error('MULTITUDE_TEST_DATABASE_URL is needed to run the PostgreSQL suite');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = openDatabase({ databaseUrl: url, pgSchema: schema, pgPoolSize: 5 });
  return {
    db,
    dataDir,
    cleanup: async () => {
      await db.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends Multitude {
  /** Everything the server logged, as text. */
  logs(): string;
  cleanup(): Promise<void>;
}

export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      MULTITUDE_DATA_DIR: dataDir,
      MULTITUDE_DEMO: '0',
      LOG_LEVEL: 'info',
      MULTITUDE_QUERY_PATH: testQueryPath,
    }),
    ...overrides,
  };
}

/** A log stream whose text a test can read back (the app's pino output). */
export function capturedLogs(): { logStream: Writable; logs: () => string } {
  let text = '';
  const logStream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { logStream, logs: () => text };
}

export async function createTestApp(
  options: Partial<Omit<BuildOptions, 'config' | 'db'>> & { config?: Partial<Config> } = {},
): Promise<TestApp> {
  const testDb = await createTestDb();
  const { logStream, logs } = capturedLogs();
  const { config: overrides, ...rest } = options;
  const multitude = await buildApp({
    validateEvents: true,
    ...rest,
    config: testConfig(testDb.dataDir, overrides),
    db: testDb.db,
    logStream,
  });
  return {
    ...multitude,
    logs,
    cleanup: async () => {
      await multitude.close();
      await testDb.cleanup();
    },
  };
}

/** A signed-in browser-like client: keeps the session cookie and sends the CSRF header. */
export interface Session {
  cookie: string;
  csrf: string;
  handle: string;
  email: string;
  password: string;
}

let counter = 0;
export function uniqueUser(prefix = 'user') {
  counter += 1;
  const handle = `${prefix}-${process.pid}-${counter}`.slice(0, 39);
  return {
    email: `${handle}@example.org`,
    password: 'correct horse battery',
    handle,
    name: `Test ${prefix} ${counter}`,
  };
}

export function sessionFrom(
  response: LightMyRequestResponse,
  user: { handle: string; email: string; password: string },
): Session {
  const cookies = response.cookies as Array<{ name: string; value: string }>;
  const session = cookies.find((c) => c.name === 'mt_session');
  const csrf = cookies.find((c) => c.name === 'mt_csrf');
  if (!session || !csrf) throw new Error(`No session cookie in response ${response.statusCode}: ${response.body}`);
  return { cookie: `mt_session=${session.value}`, csrf: csrf.value, ...user };
}

export async function register(app: Multitude['app'], prefix = 'user'): Promise<Session> {
  const user = uniqueUser(prefix);
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: user });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  return sessionFrom(response, user);
}

/** Headers for a session-authenticated mutation. */
export const asSession = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
