/**
 * Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/), the subset Multitude
 * infers, stores and serves. The publisher can review and edit it; re-typing re-imports.
 */
import type { RowProblem } from './import/messages.js';

export const fieldTypes = ['integer', 'number', 'boolean', 'date', 'datetime', 'string'] as const;
export type FieldType = (typeof fieldTypes)[number];

export interface Field {
  /** The column name as published (from the header), unique within the table. */
  name: string;
  type: FieldType;
  title?: string;
  description?: string;
  /** For dates: 'default' (ISO yyyy-mm-dd) or a pattern such as '%d/%m/%Y'. */
  format?: string;
  /** For numbers: ',' when the source writes decimal commas. */
  decimalChar?: string;
  /** For numbers: thousands separator seen in the source, if any. */
  groupChar?: string;
  trueValues?: string[];
  falseValues?: string[];
  constraints?: { required?: boolean; unique?: boolean };
}

export interface TableSchema {
  fields: Field[];
  primaryKey?: string[];
  /** Source values that mean "no value" (e.g. '', 'NA', 'N/A', '-'). */
  missingValues: string[];
}

/** A typed cell as stored: dates and datetimes are ISO strings. */
export type Cell = string | number | boolean | null;

/** How the source file is to be read, as detected (and overridable). */
export interface SourceDialect {
  format: 'csv' | 'json' | 'ndjson' | 'xlsx';
  encoding: 'utf-8' | 'windows-1252';
  /** CSV only. */
  delimiter?: ',' | ';' | '\t' | '|';
  /** CSV/XLSX: whether the first row is a header. */
  header: boolean;
  /** XLSX: which sheet (1-based). */
  sheet?: number;
}

/** Result of reading one source row: typed values in schema order, or the reason it was rejected. */
export type RowResult = { line: number; values: Cell[] } | RowProblem;
