/**
 * Row-level reads and writes on a resource-version table, for contributions and reverts.
 *
 * Same physical layout and encoding as the bulk store (`c{i}` columns, `_id` row id, cellEncoder /
 * decodeCell). On SQLite the FTS5 index follows through the triggers created by `finalize`; on
 * PostgreSQL the `_fts` column is generated. Every write bumps the table's generation in the same
 * transaction (generations.ts: what cross-instance caches and columnar copies key on) and invalidates the
 * table in the query cache;
 * callers writing inside a transaction must also call `invalidate(table)` after commit, so that a
 * page computed from the pre-commit state by another connection is not kept.
 */
import type { Cell, TableSchema } from '../table-schema.js';
import type { QueryCache } from './cache.js';
import {
  type AnyDb,
  cellEncoder,
  checkTableName,
  col,
  decodeCell,
  isValidDate,
  normalizeDatetime,
  Params,
  q,
  readExpr,
  run,
  type TableDialect,
} from './physical.js';
import { bumpGeneration } from './generations.js';

/** A row by public field name (without `_id`). */
export type RowValues = Record<string, Cell>;

export interface RowsWriter {
  getRow(db: AnyDb, table: string, schema: TableSchema, rowId: number): Promise<RowValues | undefined>;
  getRows(db: AnyDb, table: string, schema: TableSchema, rowIds: readonly number[]): Promise<Map<number, RowValues>>;
  /** Inserts rows with new ids (max + 1, …), returned in order. `id` forces the row id (re-creating a deleted row). */
  insertRows(
    db: AnyDb,
    table: string,
    schema: TableSchema,
    rows: ReadonlyArray<{ values: RowValues; id?: number }>,
  ): Promise<number[]>;
  insertRow(db: AnyDb, table: string, schema: TableSchema, values: RowValues, id?: number): Promise<number>;
  /** Partial update; false when the row does not exist. */
  updateRow(db: AnyDb, table: string, schema: TableSchema, rowId: number, values: RowValues): Promise<boolean>;
  /** False when the row does not exist. */
  deleteRow(db: AnyDb, table: string, rowId: number): Promise<boolean>;
  /** Serializes writers of one table until the end of the transaction (PostgreSQL advisory lock; SQLite serializes writers anyway). */
  lockTable(db: AnyDb, table: string): Promise<void>;
  invalidate(table: string): void;
}

const GET_ROWS_BATCH = 500;

export function createRowsWriter(dialect: TableDialect, options: { cache: QueryCache }): RowsWriter {
  const { cache } = options;
  const selectList = (schema: TableSchema) =>
    ['"_id"', ...schema.fields.map((f, i) => `${readExpr(f.type, col(i), dialect)} AS ${col(i)}`)].join(', ');
  const decode = (schema: TableSchema, raw: Record<string, unknown>): RowValues => {
    const out: RowValues = {};
    schema.fields.forEach((f, i) => (out[f.name] = decodeCell(f.type, raw[`c${i}`])));
    return out;
  };
  const indexOf = (schema: TableSchema, name: string) => {
    const i = schema.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new Error(`Unknown column ${JSON.stringify(name)}`);
    return i;
  };

  const writer: RowsWriter = {
    async getRow(db, table, schema, rowId) {
      return (await writer.getRows(db, table, schema, [rowId])).get(rowId);
    },

    async getRows(db, table, schema, rowIds) {
      checkTableName(table);
      const out = new Map<number, RowValues>();
      const ids = [...new Set(rowIds)];
      for (let start = 0; start < ids.length; start += GET_ROWS_BATCH) {
        const p = new Params(dialect);
        const list = ids.slice(start, start + GET_ROWS_BATCH).map((id) => p.add(id, 'id'));
        const rows = await run<Record<string, unknown>>(
          db,
          `SELECT ${selectList(schema)} FROM ${q(table)} WHERE "_id" IN (${list.join(', ')})`,
          p.values,
        );
        for (const r of rows) out.set(Number(r._id), decode(schema, r));
      }
      return out;
    },

    async insertRows(db, table, schema, rows) {
      checkTableName(table);
      if (rows.length === 0) return [];
      cache.invalidate(table);
      const [max] = await run<{ m: number | string | null }>(db, `SELECT max("_id") AS "m" FROM ${q(table)}`);
      let next = Number(max?.m ?? 0) + 1;
      const ids: number[] = [];
      const encoders = schema.fields.map((f) => cellEncoder(f.type, dialect));
      for (const row of rows) {
        const id = row.id ?? next++;
        if (row.id !== undefined && row.id >= next) next = row.id + 1;
        const p = new Params(dialect);
        const values = [
          p.add(id, 'id'),
          ...schema.fields.map((f, i) => p.add(encoders[i]!(row.values[f.name] ?? null), f.type)),
        ];
        await run(
          db,
          `INSERT INTO ${q(table)} ("_id", ${schema.fields.map((_, i) => col(i)).join(', ')}) VALUES (${values.join(', ')})`,
          p.values,
        );
        ids.push(id);
      }
      await bumpGeneration(db, dialect, table);
      cache.invalidate(table);
      return ids;
    },

    async insertRow(db, table, schema, values, id) {
      const [rowId] = await writer.insertRows(db, table, schema, [{ values, id }]);
      return rowId!;
    },

    async updateRow(db, table, schema, rowId, values) {
      checkTableName(table);
      const names = Object.keys(values);
      if (names.length === 0) return (await writer.getRow(db, table, schema, rowId)) !== undefined;
      cache.invalidate(table);
      const p = new Params(dialect);
      const sets = names.map((name) => {
        const i = indexOf(schema, name);
        const f = schema.fields[i]!;
        return `${col(i)} = ${p.add(cellEncoder(f.type, dialect)(values[name] ?? null), f.type)}`;
      });
      const where = p.add(rowId, 'id');
      const changed = await run(
        db,
        `UPDATE ${q(table)} SET ${sets.join(', ')} WHERE "_id" = ${where} RETURNING "_id"`,
        p.values,
      );
      if (changed.length > 0) await bumpGeneration(db, dialect, table);
      cache.invalidate(table);
      return changed.length > 0;
    },

    async deleteRow(db, table, rowId) {
      checkTableName(table);
      cache.invalidate(table);
      const p = new Params(dialect);
      const deleted = await run(
        db,
        `DELETE FROM ${q(table)} WHERE "_id" = ${p.add(rowId, 'id')} RETURNING "_id"`,
        p.values,
      );
      if (deleted.length > 0) await bumpGeneration(db, dialect, table);
      cache.invalidate(table);
      return deleted.length > 0;
    },

    async lockTable(db, table) {
      checkTableName(table);
      if (dialect === 'postgres') await run(db, `SELECT pg_advisory_xact_lock(hashtext($1)) AS "l"`, [table]);
    },

    invalidate: (table) => cache.invalidate(table),
  };
  return writer;
}

/**
 * Checks and normalizes proposed values against a Table Schema: unknown columns, wrong JSON types,
 * invalid dates, required fields. Errors name the column (`{prefix}.{column}`).
 */
export function checkRowValues(
  schema: TableSchema,
  values: Record<string, unknown>,
  prefix: string,
  options: { complete?: boolean } = {},
): { values: RowValues; errors: Array<{ field: string; message: string }> } {
  const errors: Array<{ field: string; message: string }> = [];
  const out: RowValues = {};
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  for (const [name, value] of Object.entries(values)) {
    const field = byName.get(name);
    const at = `${prefix}.${name}`;
    if (!field) {
      errors.push({ field: at, message: `Unknown column "${name}"` });
      continue;
    }
    if (value === null) {
      if (field.constraints?.required) errors.push({ field: at, message: 'This column is required' });
      out[name] = null;
      continue;
    }
    switch (field.type) {
      case 'integer':
        if (typeof value !== 'number' || !Number.isSafeInteger(value))
          errors.push({ field: at, message: 'Expected an integer' });
        else out[name] = value;
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value))
          errors.push({ field: at, message: 'Expected a number' });
        else out[name] = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') errors.push({ field: at, message: 'Expected true or false' });
        else out[name] = value;
        break;
      case 'date':
        if (typeof value !== 'string' || !isValidDate(value))
          errors.push({ field: at, message: 'Expected a date (YYYY-MM-DD)' });
        else out[name] = value;
        break;
      case 'datetime': {
        const normalized = typeof value === 'string' ? normalizeDatetime(value) : null;
        if (normalized === null) errors.push({ field: at, message: 'Expected an ISO 8601 datetime' });
        else out[name] = normalized;
        break;
      }
      case 'string':
        if (typeof value !== 'string') errors.push({ field: at, message: 'Expected a string' });
        else if (value.length > 100_000) errors.push({ field: at, message: 'Too long (100,000 characters at most)' });
        else out[name] = value.replaceAll('\u0000', '');
        break;
    }
  }
  if (options.complete) {
    for (const f of schema.fields) {
      if (!(f.name in values)) {
        if (f.constraints?.required) errors.push({ field: `${prefix}.${f.name}`, message: 'This column is required' });
        out[f.name] = null;
      }
    }
  }
  return { values: out, errors };
}
