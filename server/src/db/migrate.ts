import { Migrator, sql, type DatabaseIntrospector, type Kysely, type MigrationProvider } from 'kysely';
import type { Database } from './schema.js';
import type { Db } from './database.js';
import { foundation } from './migrations/001_foundation.js';
import { data } from './migrations/002_data.js';
import { community } from './migrations/003_community.js';
import { recognition } from './migrations/004_recognition.js';
import { notifications } from './migrations/005_notifications.js';
import { discussions } from './migrations/006_discussions.js';
import { communityResources } from './migrations/007_community_resources.js';
import { apps } from './migrations/008_apps.js';
// developer platform migrations (one import line each, in order)
import { oauth } from './migrations/009_oauth.js';
import { usage } from './migrations/010_usage.js';
import { webhooks } from './migrations/011_webhooks.js';
import { reuses } from './migrations/012_reuses.js';
import { hardening } from './migrations/013_hardening.js';
import { reviewRules } from './migrations/014_review_rules.js';
import { home } from './migrations/015_home.js';
import { tableGenerations } from './migrations/017_table_generations.js';
import { ledger } from './migrations/018_ledger.js';
import { importAttempts } from './migrations/019_import_attempts.js';
import { titleColumn } from './migrations/021_title_column.js';
import { dataAccess } from './migrations/024_data_access.js';
import { logSubjects } from './migrations/025_log_subjects.js';
import { logCosignatures } from './migrations/026_log_cosignatures.js';
import { myData } from './migrations/027_my_data.js';
import { flags } from './migrations/028_flags.js';
import { capture } from './migrations/029_capture.js';
import { services } from './migrations/030_services.js';
import { harvest } from './migrations/031_harvest.js';
import { scale } from './migrations/032_scale.js';
import { captureDimensions } from './migrations/033_capture_dimensions.js';
import { logBundles } from './migrations/034_log_bundles.js';
import { captureHours } from './migrations/035_capture_hours.js';
import { mailClaims } from './migrations/036_mail_claims.js';
import { captureVisitorWeeks } from './migrations/037_capture_visitor_weeks.js';
import type { Migration } from './migrations/types.js';

/** Every migration, in order. Append only. */
export const migrations: Migration[] = [
  foundation,
  data,
  community,
  recognition,
  notifications,
  discussions,
  communityResources,
  apps,
  // developer platform migrations (append in number order)
  oauth,
  usage,
  webhooks,
  reuses,
  hardening,
  reviewRules,
  home,
  tableGenerations,
  ledger,
  importAttempts,
  titleColumn,
  dataAccess,
  logSubjects,
  logCosignatures,
  myData,
  flags,
  capture,
  services,
  harvest,
  scale,
  captureDimensions,
  logBundles,
  captureHours,
  mailClaims,
  captureVisitorWeeks,
];

export async function migrateToLatest(db: Db): Promise<string[]> {
  const provider: MigrationProvider = {
    getMigrations: async () => Object.fromEntries(migrations.map((m) => [m.name, { up: (k) => m.up(k, db.dialect) }])),
  };
  // On PostgreSQL, Kysely looks for its tables in every schema unless told which one: with several
  // databases in one cluster (tests use a schema each) it would find another's and skip creating its own.
  const migrationTableSchema =
    db.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: withMigrationTablesOnly(db, migrationTableSchema),
    provider,
    migrationTableName: 'kysely_migration',
    migrationLockTableName: 'kysely_migration_lock',
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/**
 * The database as Kysely's migrator sees it: its introspection reads only the migrator's two tables. Kysely's own
 * lists every table of the database with its columns to learn whether those two exist; with a table per dataset
 * version that is slow, and on PostgreSQL it fails ("relation … does not exist") when another instance or a dying
 * connection drops a table meanwhile, which stopped a server from starting.
 */
function withMigrationTablesOnly(db: Db, schema: string | undefined): Kysely<Database> {
  const k = db.kysely;
  const introspection: DatabaseIntrospector = {
    async getSchemas() {
      if (db.dialect !== 'postgres') return [];
      const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(k);
      return rows;
    },
    async getTables() {
      const { rows } =
        db.dialect === 'postgres'
          ? await sql<{ name: string; schema: string }>`select table_name as name, table_schema as schema
              from information_schema.tables
              where table_name in (${sql.join(MIGRATION_TABLES)})
                and (${schema ?? null}::text is null or table_schema = ${schema ?? null})`.execute(k)
          : await sql<{ name: string; schema: string }>`select name, 'main' as schema from sqlite_master
              where type = 'table' and name in (${sql.join(MIGRATION_TABLES)})`.execute(k);
      return rows.map((r) => ({ name: r.name, schema: r.schema, isView: false, columns: [] }));
    },
    async getMetadata() {
      return { tables: await this.getTables() };
    },
  };
  return new Proxy(k, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, prop, target);
      // Kysely keeps its state in private fields: its methods must run on the real instance.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
