import { Migrator, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import { foundation } from './migrations/001_foundation.js';
import { data } from './migrations/002_data.js';
import type { Migration } from './migrations/types.js';

/** Every migration, in order. Append only. */
export const migrations: Migration[] = [foundation, data];

export async function migrateToLatest(db: Db): Promise<string[]> {
  const provider: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(migrations.map((m) => [m.name, { up: (k) => m.up(k, db.dialect) }])),
  };
  const migrator = new Migrator({ db: db.kysely, provider, migrationTableName: 'kysely_migration', migrationLockTableName: 'kysely_migration_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
