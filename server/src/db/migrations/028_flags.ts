import { columnTypes, type Migration } from './types.js';

/**
 * Feature flags (iteration/flags): flags per app and environment, reusable segments, scheduled changes, release
 * plans, and one version counter per app and environment (the ETag of its ruleset).
 */
export const flags: Migration = {
  name: '028_flags',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('flags')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      // The evaluator's FlagDefinition (type, variants, enabled, offVariant, rules, fallthrough, seed, bucketBy).
      .addColumn('definition', t.json, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('last_evaluated_at', t.timestamp)
      .addUniqueConstraint('flags_app_env_key_unique', ['app_id', 'environment', 'key'])
      .execute();

    await db.schema
      .createTable('flag_segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('conditions', t.json, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('flag_segments_app_key_unique', ['app_id', 'key'])
      .execute();

    await db.schema
      .createTable('flag_schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('flag_key', 'text', (c) => c.notNull())
      .addColumn('run_at', t.timestamp, (c) => c.notNull())
      // A partial FlagDefinition (enabled, rules, fallthrough, offVariant) applied at run_at.
      .addColumn('changes', t.json, (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      // pending → applied | cancelled | failed
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('applied_at', t.timestamp)
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('flag_schedules_due_idx').on('flag_schedules').columns(['status', 'run_at']).execute();

    await db.schema
      .createTable('flag_release_plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('flag_key', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull())
      .addColumn('baseline_variant', 'text', (c) => c.notNull())
      // [{ percent, at?, soakMinutes? }]
      .addColumn('stages', t.json, (c) => c.notNull())
      // [{ source, threshold, minCalls?, ... }]
      .addColumn('guardrails', t.json, (c) => c.notNull())
      .addColumn('current_stage', 'integer', (c) => c.notNull())
      // running → paused → running … → completed | cancelled
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('stage_started_at', t.timestamp, (c) => c.notNull())
      .addColumn('paused_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('flag_release_plans_status_idx').on('flag_release_plans').columns(['status']).execute();

    await db.schema
      .createTable('flag_rulesets')
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('flag_rulesets_pk', ['app_id', 'environment'])
      .execute();
  },
};
