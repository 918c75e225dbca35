import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { Next, ResourceParams } from '../http-params.js';
import { COUNT_BOUND, type RowsService } from './service.js';
import type { Expensive } from '../../kernel/cost.js';

/**
 * A page is costly when it filters (its count then scans what matches), searches or asks for facets; a plain page
 * read along one index stops after `_limit` rows. Downloads, aggregates and statistics always are.
 */
const filteredPage: Expensive = (query) =>
  Object.keys(query).some((k) => !k.startsWith('_') || k === '_q' || k === '_facet');

/** Aborted when the client goes away before its answer is complete: its queries stop at once. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

const AnyQuery = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'Filters `column__op=value` and reserved `_` parameters; see the description',
  },
);
// Rows are dynamic objects: left to JSON.stringify, which serializes them faster than a generated serializer can.
const Row = Type.Unknown({ description: 'A row: `_id` and one property per column' });

const QUERY_HELP = [
  'Filters: `column=value` (equality) or `column__op=value` with op one of eq, ne, lt, lte, gt, gte, in (comma-separated), contains, startswith, isnull (1 or 0).',
  '`_sort=col,-col2` (a leading `-` sorts descending), `_limit` (1–1000), `_cursor` (from `next`), `_fields=a,b`, `_q` full-text search over text columns (case- and accent-insensitive; `_q_mode=prefix` (default: the last word may be a prefix, as typed), `words` or `phrase`; without `_sort`, the most relevant rows first — bm25 on SQLite, ts_rank on PostgreSQL — with a stable cursor), `_facet=col` (repeatable): top values with counts under the current filters.',
  `\`total\` counts the rows matching the filters and \`_q\`: exactly up to ${COUNT_BOUND}, beyond which it is ${COUNT_BOUND} with \`totalExact: false\`; null when counting ran past the time limit.`,
  'Every query has a time limit (`MULTITUDE_QUERY_TIMEOUT_MS`, 5 s by default): beyond it the answer is a 503 problem with `Retry-After`.',
  'Facets and counts (here), aggregates and statistics are answered by the columnar copy of the table (DuckDB over Parquet) once it is built, by the row store meanwhile and for `_q`; the answers are the same, and the `x-multitude-engine` response header (`columnar` or `rows`) says which answered.',
].join(' ');

/** The query API of a tabular resource: rows, downloads of the same view, aggregates, column statistics. */
export async function rowRoutes(base: FastifyInstance, opts: { rows: RowsService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { rows } = opts;

  app.get(
    '/datasets/:slug/resources/:id/rows',
    {
      config: { expensive: filteredPage },
      schema: {
        tags: ['Rows'],
        summary: 'Query rows',
        description: QUERY_HELP,
        params: ResourceParams,
        querystring: AnyQuery,
        response: {
          200: Type.Object({
            rows: Type.Array(Row),
            next: Next,
            total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
              description: 'Rows matching the filters and `_q`; null when counting ran past the time limit',
            }),
            totalExact: Type.Boolean({
              description: 'False when `total` is the counting bound (more rows match) or unknown',
            }),
            facets: Type.Optional(
              Type.Record(Type.String(), Type.Array(Type.Object({ value: Type.Unknown(), count: Type.Integer() }))),
            ),
          }),
          ...problems(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const page = await rows.page(
        request.actor,
        request.params.slug,
        request.params.id,
        request.query as Record<string, string | string[]>,
        clientGone(reply),
      );
      const next = nextLink(request, reply, opts.baseUrl, page.nextCursor);
      reply.header('x-multitude-engine', page.by);
      // Assembled from the page's cached JSON (the shape of the response schema above).
      const body = `{"rows":${page.rowsJson},"next":${JSON.stringify(next)},"total":${page.total},"totalExact":${page.totalExact}${page.facets ? `,"facets":${JSON.stringify(page.facets)}` : ''}}`;
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  for (const format of ['csv', 'json', 'ndjson', 'parquet'] as const) {
    app.get(
      `/datasets/:slug/resources/:id/rows.${format}`,
      {
        config: { expensive: true },
        schema: {
          tags: ['Rows'],
          summary: `Download every matching row as ${format === 'parquet' ? 'Parquet' : format.toUpperCase()} (streamed)`,
          description:
            format === 'parquet'
              ? 'Same parameters as …/rows; without `_limit` the whole result (from `_cursor` when given). An Apache Parquet file (snappy) with `_id` (INT64) then the columns under their names, typed from the Table Schema: integer → INT64, number → DOUBLE, boolean → BOOLEAN, date → DATE, datetime → TIMESTAMP (UTC, microseconds), string → UTF-8 text. Written in constant memory to a temporary file, then streamed: the first byte comes once the file is complete.'
              : `Same parameters as …/rows; without \`_limit\` the whole result (from \`_cursor\` when given). CSV cells starting with = + - @, a tab or a carriage return get a leading apostrophe (spreadsheet formula injection) unless \`_raw=1\`.`,
          params: ResourceParams,
          querystring: AnyQuery,
          response: { ...problems(400, 404, 503) },
        },
      },
      async (request, reply) => {
        const download = await rows.download(
          request.actor,
          request.params.slug,
          request.params.id,
          request.query as Record<string, string | string[]>,
          format,
          clientGone(reply),
        );
        return reply
          .header('content-type', download.contentType)
          .header('content-disposition', `attachment; filename="${download.fileName}"`)
          .send(download.stream);
      },
    );
  }

  app.get(
    '/datasets/:slug/resources/:id/aggregate',
    {
      config: { expensive: true },
      schema: {
        tags: ['Rows'],
        summary:
          'Group and aggregate: `_group=col[,col2]&_agg=sum:population,avg:area,count` under the same filters as …/rows',
        params: ResourceParams,
        querystring: AnyQuery,
        response: {
          200: Type.Object({ rows: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...problems(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const answer = await rows.aggregate(
        request.actor,
        request.params.slug,
        request.params.id,
        request.query as Record<string, string | string[]>,
        clientGone(reply),
      );
      reply.header('x-multitude-engine', answer.by);
      return answer.value;
    },
  );

  app.get(
    '/datasets/:slug/resources/:id/stats',
    {
      config: { expensive: true },
      schema: {
        tags: ['Rows'],
        summary: 'Per column: min, max, nulls, distinct count and top values',
        params: ResourceParams,
        response: {
          200: Type.Object({ columns: Type.Record(Type.String(), Type.Unknown()) }),
          ...problems(404, 503),
        },
      },
    },
    async (request, reply) => {
      const answer = await rows.stats(request.actor, request.params.slug, request.params.id, clientGone(reply));
      reply.header('x-multitude-engine', answer.by);
      return { columns: answer.value };
    },
  );
}
