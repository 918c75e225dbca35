import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Dialect } from '../../db/database.js';
import type { Actor } from '../../kernel/actor.js';
import type { Cell } from '../table-schema.js';
import { AppError } from '../../kernel/errors.js';
import type { ResourceService } from '../resources/service.js';
import { createQueryEngine, parseAggregateQuery, parseRowQuery } from '../tables/index.js';

type Params = Record<string, string | string[] | undefined>;

/**
 * A CSV cell. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by a
 * spreadsheet (OWASP "CSV injection"): unless the client asks for the raw values (`_raw=1`), such text gets a
 * leading apostrophe, which spreadsheets show as text. Numbers are written as numbers (a negative one is no formula).
 */
export const csvCell = (value: Cell | undefined, raw = false): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (!raw && typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The query API over a resource's live table, and its streamed downloads. */
export function createRowsService(deps: { db: Kysely<Database>; dialect: Dialect; resources: ResourceService }) {
  const engine = createQueryEngine(deps.dialect);
  const { db, resources } = deps;
  // The engine returns the same frozen array for a cached page: its JSON is computed once.
  const serialized = new WeakMap<object, string>();
  const rowsJson = (rows: readonly object[]) => {
    let json = serialized.get(rows);
    if (json === undefined) {
      json = JSON.stringify(rows);
      if (Object.isFrozen(rows)) serialized.set(rows, json);
    }
    return json;
  };

  return {
    async page(actor: Actor, slug: string, id: string, params: Params) {
      const live = await resources.liveTable(actor, slug, id);
      const query = parseRowQuery(params, live.schema);
      const [page, facets] = await Promise.all([
        engine.selectRows(db, live.table, live.schema, query),
        query.facets.length ? engine.facets(db, live.table, live.schema, query) : Promise.resolve(undefined),
      ]);
      return { rows: page.rows, rowsJson: rowsJson(page.rows), nextCursor: page.nextCursor, facets };
    },

    async download(actor: Actor, slug: string, id: string, params: Params, format: 'csv' | 'json' | 'ndjson') {
      const live = await resources.liveTable(actor, slug, id);
      // `_cursor` resumes where a page stopped (a malformed one is a 400, as on …/rows); `_limit` caps the rows,
      // and without it the whole result streams. `_raw=1` writes CSV cells as they are (see csvCell).
      const rawParam = params._raw;
      if (rawParam !== undefined && rawParam !== '0' && rawParam !== '1')
        throw new AppError('validation_failed', '_raw takes 1 or 0', {
          errors: [{ field: '_raw', message: 'Must be 1 or 0' }],
        });
      const raw = rawParam === '1';
      const query = parseRowQuery(params, live.schema, { ignore: ['_raw'] });
      const cap = params._limit !== undefined ? query.limit : Infinity;
      await resources.recordDownload(actor, live.datasetId, live.organizationId, live.resourceId, format);
      const fields = query.fields ?? live.schema.fields.map((f) => f.name);
      const all = engine.streamRows(db, live.table, live.schema, query);
      async function* limited() {
        let n = 0;
        if (n >= cap) return;
        for await (const row of all) {
          yield row;
          if (++n >= cap) return;
        }
      }
      const rows = limited();
      async function* body(): AsyncGenerator<string> {
        if (format === 'csv') {
          yield `\uFEFF${['_id', ...fields].map((f) => csvCell(f, raw)).join(',')}\r\n`;
          for await (const row of rows)
            yield `${[row._id, ...fields.map((f) => row[f])].map((v) => csvCell(v as Cell, raw)).join(',')}\r\n`;
        } else if (format === 'ndjson') {
          for await (const row of rows) yield `${JSON.stringify(row)}\n`;
        } else {
          yield '[';
          let first = true;
          for await (const row of rows) {
            yield `${first ? '' : ','}\n${JSON.stringify(row)}`;
            first = false;
          }
          yield '\n]\n';
        }
      }
      return {
        stream: Readable.from(body()),
        contentType: {
          csv: 'text/csv; charset=utf-8',
          json: 'application/json; charset=utf-8',
          ndjson: 'application/x-ndjson; charset=utf-8',
        }[format],
        fileName: `${slug}-${id}.${format}`,
      };
    },

    async aggregate(actor: Actor, slug: string, id: string, params: Params) {
      const live = await resources.liveTable(actor, slug, id);
      return engine.aggregate(db, live.table, live.schema, parseAggregateQuery(params, live.schema));
    },

    async stats(actor: Actor, slug: string, id: string) {
      const live = await resources.liveTable(actor, slug, id);
      return engine.columnStats(db, live.table, live.schema);
    },
  };
}
export type RowsService = ReturnType<typeof createRowsService>;
