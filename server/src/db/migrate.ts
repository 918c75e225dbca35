import { Migrator, sql, type MigrationProvider } from 'kysely';
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
    db: db.kysely,
    provider,
    migrationTableName: 'kysely_migration',
    migrationLockTableName: 'kysely_migration_lock',
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
