/**
 * Migrating reads only the migrator's own tables: a server starting while others create and drop tables (dataset
 * versions, another instance sweeping orphans, a killed connection's work rolled back) must not fail. Kysely's
 * introspection listed every table with its columns and failed on PostgreSQL when one vanished meanwhile.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../testing/harness.js';
import { migrateToLatest } from './migrate.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.cleanup());

describe('migrating', () => {
  it('applies every migration once, then finds nothing to do', async () => {
    const first = await migrateToLatest(t.db);
    expect(first.length).toBeGreaterThan(30);
    expect(first).toContain('036_mail_claims');
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('starts while tables come and go around it', async () => {
    const k = t.db.kysely;
    for (let i = 0; i < 200; i++) await sql.raw(`CREATE TABLE churn_keep_${i} (a integer, b text)`).execute(k);
    let stop = false;
    let churned = 0;
    const churn = (async () => {
      for (let i = 0; !stop; i++) {
        await sql.raw(`CREATE TABLE churn_${i} (a integer, b text, c text)`).execute(k);
        await sql.raw(`DROP TABLE churn_${i}`).execute(k);
        churned++;
      }
    })();
    try {
      for (let i = 0; i < 20; i++) expect(await migrateToLatest(t.db)).toEqual([]);
    } finally {
      stop = true;
      await churn;
    }
    expect(churned).toBeGreaterThan(0);
  });
});
