import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Dialect } from '../../db/database.js';
import type { Actor } from '../../kernel/actor.js';
import type { Cell } from '../table-schema.js';
import type { ResourceService } from '../resources/service.js';
import { createQueryEngine, parseAggregateQuery, parseRowQuery } from '../tables/index.js';

type Params = Record<string, string | string[] | undefined>;

const csvCell = (value: Cell | undefined): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
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
      const query = parseRowQuery({ ...params, _limit: undefined, _cursor: undefined }, live.schema);
      await resources.recordDownload(actor, live.datasetId, live.organizationId, live.resourceId, format);
      const fields = query.fields ?? live.schema.fields.map((f) => f.name);
      const rows = engine.streamRows(db, live.table, live.schema, query);
      async function* body(): AsyncGenerator<string> {
        if (format === 'csv') {
          yield `\uFEFF${['_id', ...fields].map(csvCell).join(',')}\r\n`;
          for await (const row of rows)
            yield `${[row._id, ...fields.map((f) => row[f])].map((v) => csvCell(v as Cell)).join(',')}\r\n`;
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
