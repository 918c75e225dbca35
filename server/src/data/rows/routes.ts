import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { Next, ResourceParams } from '../http-params.js';
import { DEFAULT_ROW_LIMIT, MAX_ROW_LIMIT } from '../tables/index.js';
import { COUNT_BOUND, QUICK_BOUND, type RowsService } from './service.js';
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

const ROWS_HEAD = Buffer.from('{"rows":');

const EXAMPLE_ROW = { _id: 1042, code: '25056', name: 'Besançon', department: '25', population: 119198 };

const OPS_HELP =
  '`eq` (the default: `column=value`), `ne`, `lt`, `lte`, `gt`, `gte`, `in` (comma-separated values), `contains` and `startswith` (text, case- and accent-insensitive), `isnull` (`1` or `0`)';

/** The reserved `_` parameters shared by rows, downloads and aggregates; strings, as the engine parses them. */
const searchParams = {
  _q: Type.Optional(
    Type.String({
      description:
        'Full-text search over the text columns, case- and accent-insensitive (at most 500 characters), e.g. `besan`.',
    }),
  ),
  _q_mode: Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      enum: ['prefix', 'words', 'phrase'],
      description:
        'How `_q` matches: `prefix` (the default: every word, the last one may be a prefix, as typed), `words` (every word, whole) or `phrase` (the words in this order).',
    }),
  ),
};

/**
 * The documented form of a row query. Filters are any number of `<column>__<op>=value` parameters: OpenAPI has no
 * pattern for parameter names, so they are documented as one free-form `filters` object, which OpenAPI's default
 * query style (form, exploded) sends as separate parameters, as "try it out" does; no parameter is called `filters`.
 */
const RowQuery = Type.Object(
  {
    filters: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: `Filters, each its own query parameter: \`<column>=value\` (equality) or \`<column>__<op>=value\` with op one of ${OPS_HELP}. Several filters all apply (AND). Example: \`?department=25&population__gte=10000\`.`,
        examples: [{ department: '25', population__gte: '10000' }],
      }),
    ),
    ...searchParams,
    _sort: Type.Optional(
      Type.String({
        description:
          'Comma-separated columns; a leading `-` sorts descending, e.g. `-population,name`. Default: `_id`.',
      }),
    ),
    _limit: Type.Optional(
      Type.String({
        description: `Rows per page, ${1}–${MAX_ROW_LIMIT} (default ${DEFAULT_ROW_LIMIT}).`,
      }),
    ),
    _cursor: Type.Optional(
      Type.String({ description: 'Where the next page starts: copy it from `next` (or the `Link` header).' }),
    ),
    _fields: Type.Optional(
      Type.String({
        description: 'Comma-separated columns to return (`_id` is always there), e.g. `code,name,population`.',
      }),
    ),
    _total: Type.Optional(
      Type.Unsafe<string>({
        type: 'string',
        enum: ['estimate', 'exact', 'none'],
        description: `How to count the matching rows in \`total\`: \`estimate\` (the default: exact up to ${QUICK_BOUND}, cheap), \`exact\` (exact up to ${COUNT_BOUND}) or \`none\`.`,
      }),
    ),
    _facet: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Repeatable (`_facet=a&_facet=b`): the top values of this column, with counts, under the current filters (at most 10).',
      }),
    ),
  },
  { additionalProperties: true },
);

const AggregateQuery = Type.Object(
  {
    filters: RowQuery.properties.filters,
    ...searchParams,
    _group: Type.Optional(Type.String({ description: 'Comma-separated columns to group by, e.g. `department`.' })),
    _agg: Type.Optional(
      Type.String({
        description:
          'Comma-separated aggregates: `count`, `distinct:col` (distinct values), or `sum:col`, `avg:col`, `min:col`, `max:col` over numeric columns, e.g. `count,sum:population`.',
      }),
    ),
    _sort: RowQuery.properties._sort,
    _limit: RowQuery.properties._limit,
  },
  { additionalProperties: true },
);

const DownloadQuery = Type.Object(
  {
    ...RowQuery.properties,
    _raw: Type.Optional(
      Type.String({
        description:
          'CSV only: `1` writes cells as they are, without the apostrophe that protects spreadsheets from formulas.',
      }),
    ),
  },
  { additionalProperties: true },
);

// Rows are dynamic objects: left to JSON.stringify, which serializes them faster than a generated serializer can.
const Row = Type.Unknown({ description: 'A row: `_id` and one property per column', examples: [EXAMPLE_ROW] });

const QUERY_HELP = [
  `Filter with \`<column>__<op>=value\` parameters (${OPS_HELP}), search with \`_q\`, sort with \`_sort\`, page with \`_limit\` and \`_cursor\`, choose columns with \`_fields\`, count values with \`_facet\`. Unknown columns or parameters are a 400 problem naming them.`,
  'Without `_sort`, `_q` results come most relevant first (bm25 on SQLite, ts_rank on PostgreSQL), with a stable cursor.',
  `\`total\` counts the rows matching the filters and \`_q\`: exactly up to ${QUICK_BOUND} by default (then ${QUICK_BOUND} with \`totalExact: false\`), or with \`_total=exact\` exactly up to ${COUNT_BOUND} (the whole table's count without filters is always counted that far); \`_total=none\` skips counting, for the fastest pages; null when counting ran past the time limit.`,
  'Every query has a time limit (`MULTITUDE_QUERY_TIMEOUT_MS`, 5 s by default): beyond it the answer is a 503 problem with `Retry-After`.',
  'Facets and counts (here), aggregates and statistics are answered by the columnar copy of the table (DuckDB over Parquet) once it is built, by the row store meanwhile and for `_q`; the answers are the same, and the `x-multitude-engine` response header (`columnar` or `rows`) says which answered.',
].join(' ');

/** The query API of a tabular resource: rows, downloads of the same view, aggregates, column statistics. */
export async function rowRoutes(base: FastifyInstance, opts: { rows: RowsService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { rows } = opts;
  // The `next` link of a repeated request (a cached page) is the same string every time: parsing and
  // re-serializing its URL on each request cost more than the rest of the answer's assembly.
  const links = new Map<string, string>();
  const nextOf = (request: FastifyRequest, reply: FastifyReply, cursor: string | null) => {
    if (!cursor) return null;
    const key = `${request.url}\u0000${cursor}`;
    const known = links.get(key);
    if (known !== undefined) {
      reply.header('link', `<${known}>; rel="next"`);
      return known;
    }
    const next = nextLink(request, reply, opts.baseUrl, cursor)!;
    if (links.size >= 1000) links.clear();
    links.set(key, next);
    return next;
  };

  app.get(
    '/datasets/:slug/resources/:id/rows',
    {
      config: { expensive: filteredPage },
      schema: {
        tags: ['Rows'],
        summary: 'Query rows',
        description: QUERY_HELP,
        params: ResourceParams,
        querystring: RowQuery,
        response: {
          200: Type.Object(
            {
              rows: Type.Array(Row),
              next: Next,
              total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
                description: 'Rows matching the filters and `_q`; null when counting ran past the time limit',
              }),
              totalExact: Type.Boolean({
                description: 'False when `total` is the counting bound (more rows match; see `_total`) or unknown',
              }),
              facets: Type.Optional(
                Type.Record(Type.String(), Type.Array(Type.Object({ value: Type.Unknown(), count: Type.Integer() }))),
              ),
            },
            {
              examples: [
                {
                  rows: [EXAMPLE_ROW],
                  next: 'https://data.example.org/api/v1/datasets/communes/resources/r_8f2k/rows?department=25&_limit=1&_cursor=eyJpZCI6MTA0Mn0',
                  total: 573,
                  totalExact: true,
                  facets: { department: [{ value: '25', count: 573 }] },
                },
              ],
            },
          ),
          ...problems(400, 401, 403, 404, 429, 503),
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
      const next = nextOf(request, reply, page.nextCursor);
      reply.header('x-multitude-engine', page.by);
      // Assembled from the page's cached JSON bytes (the shape of the response schema above).
      const tail = `,"next":${JSON.stringify(next)},"total":${page.total},"totalExact":${page.totalExact}${page.facets ? `,"facets":${JSON.stringify(page.facets)}` : ''}}`;
      const body = Buffer.concat([ROWS_HEAD, page.rowsJson, Buffer.from(tail)]);
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
          querystring: DownloadQuery,
          response: { ...problems(400, 401, 403, 404, 429, 503) },
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
        querystring: AggregateQuery,
        response: {
          200: Type.Object(
            { rows: Type.Array(Type.Object({}, { additionalProperties: true })) },
            { examples: [{ rows: [{ department: '25', count: 573, 'sum:population': 543974 }] }] },
          ),
          ...problems(400, 401, 403, 404, 429, 503),
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
          200: Type.Object({
            columns: Type.Record(
              Type.String(),
              Type.Object({
                min: Type.Unknown(),
                max: Type.Unknown(),
                nulls: Type.Integer(),
                distinct: Type.Integer(),
                top: Type.Array(Type.Object({ value: Type.Unknown(), count: Type.Integer() })),
              }),
            ),
          }),
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
