/**
 * More instances of a test app on the same database: what several servers behind a load balancer are. Each
 * instance has its own connection pool, its own data directory (uploads cache, columnar copies) and its own
 * in-process caches; they share what a real cluster shares — the database, the instance secret and the
 * transparency log's keys (copied, as an operator copies them to every machine; see docs/deploy.md).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type BuildOptions, type Multitude } from '../app.js';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { capturedLogs, testConfig, type TestApp } from './harness.js';

/** The files of a data directory that every instance of one platform must hold alike. */
export const SHARED_DATA_FILES = ['secret.key', 'log.key', 'log.next.key'];

export interface TestInstance extends Multitude {
  logs(): string;
  /** Closes this instance only (the database stays, with the first app's cleanup). */
  cleanup(): Promise<void>;
}

export async function addInstance(
  first: TestApp,
  options: Partial<Omit<BuildOptions, 'config' | 'db'>> & { config?: Partial<Config> } = {},
): Promise<TestInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'multitude-instance-'));
  for (const name of SHARED_DATA_FILES) {
    const from = join(first.config.dataDir, name);
    if (existsSync(from)) copyFileSync(from, join(dataDir, name));
  }
  const { location } = first.db;
  const db = openDatabase(
    location.databaseUrl
      ? { databaseUrl: location.databaseUrl, pgSchema: location.pgSchema, pgPoolSize: 5 }
      : { sqliteFile: location.sqliteFile },
  );
  const { logStream, logs } = capturedLogs();
  const { config: overrides, ...rest } = options;
  const multitude = await buildApp({
    validateEvents: true,
    ...rest,
    config: testConfig(dataDir, { ...first.config, ...overrides, dataDir }),
    db,
    logStream,
  });
  return {
    ...multitude,
    logs,
    cleanup: async () => {
      await multitude.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
