/**
 * A page rendered where its rows are read: the rows of a page's statements (steps.ts) decoded into the API's row
 * objects and serialized to JSON bytes by the query worker itself. The event loop then only splices those bytes into
 * the response: no structured clone of row objects, no decoding, no JSON.stringify, no UTF-8 encoding there (that
 * was most of the request thread's time for an uncached page). The same function renders on the request thread
 * when the database has no workers (PostgreSQL, an in-memory SQLite), so both paths answer the same bytes.
 */
import type { Cell, FieldType } from '../../table-schema.js';
import { decodeCell } from '../physical.js';
import type { StepRows } from './steps.js';

export interface PageRender {
  /**
   * The page's statements (step indexes), per alternative plan in order of preference: the page is the first
   * plan with no statement (nothing can match) or whose first statement ran; its segments are concatenated.
   */
  plans: number[][];
  /** Rows in the page; one more read means more follow. */
  limit: number;
  /** [output key, alias, type] for returned fields, in output order. */
  out: Array<[string, string, FieldType]>;
  /** Alias and type per sort key (for the cursor). */
  sortAlias: Array<[string, FieldType | 'id']>;
}

export interface RenderedRows {
  /** The JSON array of the page's rows, UTF-8 (its own ArrayBuffer: transferable). */
  json: Uint8Array;
  /** The last row's sort values when more rows follow, else null. */
  next: Cell[] | null;
  /** Rows in the page. */
  length: number;
}

const encoder = new TextEncoder();

/**
 * Renders the page from the program's results. A worker may read the page's statements as arrays of values
 * (better-sqlite3's raw mode: no object per row), `columns[step]` naming them; without, rows are objects by alias.
 */
export function renderPage(
  results: readonly (StepRows | unknown[][] | null)[],
  render: PageRender,
  columns: readonly (readonly string[] | undefined)[] = [],
): RenderedRows {
  const plan = render.plans.find((p) => p.length === 0 || results[p[0]!]);
  // Each row with where to read its values (an alias, or a position in a raw row).
  const raw: RawRow[] = [];
  for (const i of plan ?? []) {
    const names = columns[i];
    const positions = new Map(names?.map((name, k) => [name, k]));
    const at = names ? (alias: string) => positions.get(alias) ?? -1 : (alias: string) => alias;
    for (const src of results[i] ?? []) raw.push({ src: src as Record<string | number, unknown>, at });
  }
  const { rows, next } = decodeRows(raw, render);
  return { json: encoder.encode(JSON.stringify(rows)), next, length: rows.length };
}

/** A raw row of a page's statement, and where its values are (an alias, or a position in a raw row). */
export interface RawRow {
  src: Record<string | number, unknown>;
  at: (alias: string) => string | number;
}

/**
 * The API's row objects of a page, at most `limit`, and the last row's sort values when more rows were read (one
 * more than `limit`). The one decoding of a page: the engine's (request thread) and the rendered one (worker).
 */
export function decodeRows(
  raw: readonly RawRow[],
  render: Pick<PageRender, 'limit' | 'out' | 'sortAlias'>,
): { rows: Array<Record<string, Cell>>; next: Cell[] | null } {
  const length = Math.min(raw.length, render.limit);
  const rows: Record<string, Cell>[] = new Array(length);
  let keys: { id: string | number; out: Array<[string, string | number, FieldType]> } | null = null;
  let keysFor: unknown = null;
  for (let r = 0; r < length; r++) {
    const { src, at } = raw[r]!;
    if (keysFor !== at) {
      keysFor = at;
      keys = { id: at('id'), out: render.out.map(([key, alias, type]) => [key, at(alias), type]) };
    }
    const row: Record<string, Cell> = { _id: Number(src[keys!.id]) };
    for (const [key, from, type] of keys!.out) row[key] = decodeCell(type, src[from]);
    rows[r] = row;
  }
  const last = raw[length - 1];
  const next =
    raw.length > render.limit && last
      ? render.sortAlias.map(([alias, type]) => {
          const value = last.src[last.at(alias)];
          return type === 'id' ? Number(value) : decodeCell(type, value);
        })
      : null;
  return { rows, next };
}
