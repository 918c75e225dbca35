import type { TableSchema } from '../table-schema.js';
import { checkTableName, col, q, run, type AnyDb } from './physical.js';

export interface VersionDiff {
  rowsBefore: number;
  rowsAfter: number;
  rowsAdded: number;
  rowsRemoved: number;
  /** Rows whose key is in both versions with other values; null without a primary key. */
  rowsChanged: number | null;
  /** 'primaryKey' when rows were matched on the schema's primary key, else 'content' (whole rows). */
  matchedOn: 'primaryKey' | 'content';
  fieldsAdded: string[];
  fieldsRemoved: string[];
}

/**
 * What changed between two versions of a resource, computed in the database: rows matched on the
 * primary key when both schemas declare the same one, otherwise on their whole content (columns
 * present in both versions, compared as text so that a re-typed column is not "all changed").
 */
export async function diffTables(
  db: AnyDb,
  before: { table: string; schema: TableSchema },
  after: { table: string; schema: TableSchema },
): Promise<VersionDiff> {
  checkTableName(before.table);
  checkTableName(after.table);
  const oldNames = before.schema.fields.map((f) => f.name);
  const newNames = after.schema.fields.map((f) => f.name);
  const common = newNames.filter((n) => oldNames.includes(n));
  const oldCol = (name: string) => `o.${col(oldNames.indexOf(name))}`;
  const newCol = (name: string) => `n.${col(newNames.indexOf(name))}`;
  const asText = (expr: string) => `CAST(${expr} AS TEXT)`;
  const count = async (sql: string) => Number((await run<{ n: number | string }>(db, sql))[0]?.n ?? 0);
  const rowsBefore = await count(`SELECT count(*) AS n FROM ${q(before.table)}`);
  const rowsAfter = await count(`SELECT count(*) AS n FROM ${q(after.table)}`);
  const base = {
    rowsBefore,
    rowsAfter,
    fieldsAdded: newNames.filter((n) => !oldNames.includes(n)),
    fieldsRemoved: oldNames.filter((n) => !newNames.includes(n)),
  };

  const key = after.schema.primaryKey ?? [];
  const sameKey =
    key.length > 0 &&
    JSON.stringify(key) === JSON.stringify(before.schema.primaryKey ?? []) &&
    key.every((k) => common.includes(k));
  if (sameKey) {
    const on = key.map((k) => `${asText(oldCol(k))} = ${asText(newCol(k))}`).join(' AND ');
    const others = common.filter((n) => !key.includes(n));
    const differs = others.map((n) => `${asText(oldCol(n))} IS DISTINCT FROM ${asText(newCol(n))}`);
    const rowsChanged = differs.length
      ? await count(
          `SELECT count(*) AS n FROM ${q(after.table)} n JOIN ${q(before.table)} o ON ${on} WHERE ${differs.join(' OR ')}`,
        )
      : 0;
    const matched = await count(`SELECT count(*) AS n FROM ${q(after.table)} n JOIN ${q(before.table)} o ON ${on}`);
    return {
      ...base,
      rowsAdded: rowsAfter - matched,
      rowsRemoved: rowsBefore - matched,
      rowsChanged,
      matchedOn: 'primaryKey',
    };
  }
  if (common.length === 0)
    return { ...base, rowsAdded: rowsAfter, rowsRemoved: rowsBefore, rowsChanged: null, matchedOn: 'content' };
  const oldRows = `SELECT ${common.map((n) => asText(col(oldNames.indexOf(n)))).join(', ')} FROM ${q(before.table)}`;
  const newRows = `SELECT ${common.map((n) => asText(col(newNames.indexOf(n)))).join(', ')} FROM ${q(after.table)}`;
  const rowsAdded = await count(`SELECT count(*) AS n FROM (${newRows} EXCEPT ${oldRows}) d`);
  const rowsRemoved = await count(`SELECT count(*) AS n FROM (${oldRows} EXCEPT ${newRows}) d`);
  return { ...base, rowsAdded, rowsRemoved, rowsChanged: null, matchedOn: 'content' };
}
