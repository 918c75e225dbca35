/**
 * Write generations of resource-version tables (table `table_generations`, migration 017).
 *
 * A table is at generation 0 after its import; every row write after that (contributions, reverts, direct
 * edits — all through rows-write.ts) bumps it in the writer's transaction, so the new generation commits
 * with the rows. Whatever is derived from a table's rows — cached answers, the columnar copy — is valid for
 * one generation. Readers get the generation with the live version (one join), so an instance that did not
 * make the write still sees it at its next request: no stale answer survives a commit, on any instance.
 */
import { type AnyDb, checkTableName, Params, run, type TableDialect } from './physical.js';

export async function bumpGeneration(db: AnyDb, dialect: TableDialect, table: string): Promise<void> {
  checkTableName(table);
  const p = new Params(dialect);
  await run(
    db,
    `INSERT INTO "table_generations" ("table_name", "generation") VALUES (${p.add(table)}, 1) ON CONFLICT ("table_name") DO UPDATE SET "generation" = "table_generations"."generation" + 1`,
    p.values,
  );
}

export async function readGeneration(db: AnyDb, dialect: TableDialect, table: string): Promise<number> {
  checkTableName(table);
  const p = new Params(dialect);
  const [row] = await run<{ generation: number | string }>(
    db,
    `SELECT "generation" FROM "table_generations" WHERE "table_name" = ${p.add(table)}`,
    p.values,
  );
  return Number(row?.generation ?? 0);
}

export async function dropGeneration(db: AnyDb, dialect: TableDialect, table: string): Promise<void> {
  checkTableName(table);
  const p = new Params(dialect);
  await run(db, `DELETE FROM "table_generations" WHERE "table_name" = ${p.add(table)}`, p.values);
}
