import { Type, type Static } from '@sinclair/typebox';

export const MAX_BATCH = 1000;

export const CapturedEvent = Type.Object(
  {
    uuid: Type.Optional(
      Type.String({ format: 'uuid', description: 'The event’s own id: an event sent twice is counted once' }),
    ),
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' }),
    time: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it happened; more than 5 minutes ahead or 7 days back is clamped to the receive time',
      }),
    ),
    distinctId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'The app’s id of the person. Kept only with a server key, or with `properties.consent: true`; otherwise the visitor is a daily hash',
      }),
    ),
    properties: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'Free properties (depth ≤ 5, ≤ 100 keys, strings ≤ 8 KB). Read specially: `url` (page), `referrer` (only its host is kept), `consent` (true: keep distinctId)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CaptureBody = Type.Object(
  {
    batch: Type.String({
      format: 'uuid',
      description: 'Client-chosen id of the batch: a retried batch is answered the same and never counted twice',
    }),
    key: Type.Optional(
      Type.String({ maxLength: 100, description: 'The app’s public capture key (mtc_…), or send it in X-Capture-Key' }),
    ),
    events: Type.Array(CapturedEvent, { description: 'At most 1,000 events' }),
  },
  { additionalProperties: false },
);
export type CaptureBody = Static<typeof CaptureBody>;

export const CaptureResult = Type.Object(
  {
    batch: Type.String(),
    accepted: Type.Integer({ description: 'Events stored by this batch' }),
    duplicates: Type.Integer({ description: 'Events already stored (sent before under the same uuid)' }),
    replayed: Type.Boolean({ description: 'True when this batch id was received before: the first answer, again' }),
    rejected: Type.Array(Type.Object({ index: Type.Integer(), reasons: Type.Array(Type.String()) }), {
      description: 'Events refused, by their index in the batch; the others are kept',
    }),
    flagged: Type.Array(Type.Object({ index: Type.Integer(), flags: Type.Array(Type.String()) }), {
      description: 'Events kept with a correction (clamped_future, clamped_past)',
    }),
  },
  { $id: 'CaptureResult' },
);
export type CaptureResult = Static<typeof CaptureResult>;

export const CreateCaptureKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    origins: Type.Array(Type.String({ maxLength: 200, pattern: '^https?://[^/?#\\s]+$' }), {
      maxItems: 50,
      description: 'Web origins allowed to send with this key (https://example.org); none: server-side use only',
    }),
  },
  { additionalProperties: false },
);
export type CreateCaptureKeyBody = Static<typeof CreateCaptureKeyBody>;

export const CaptureKeyView = Type.Object(
  {
    id: Type.String(),
    appId: Type.String(),
    name: Type.String(),
    key: Type.String({ description: 'Public: it ships in web pages and can only write events' }),
    origins: Type.Array(Type.String()),
    createdAt: Type.String(),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'CaptureKeyView' },
);
export type CaptureKeyView = Static<typeof CaptureKeyView>;

export const StatsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'Start (default: 30 days ago). The period is widened to whole hours when under two days and within the last 90 days, to whole UTC days otherwise; the answer’s `from` and `to` say which',
      }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End, excluded (default: now)' })),
    grain: Type.Optional(Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')])),
    event: Type.Optional(Type.String({ maxLength: 200, description: 'One event name (default: all)' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

const Top = Type.Array(Type.Object({ value: Type.String(), count: Type.Integer(), visitors: Type.Integer() }));
export const Stats = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    grain: Type.String(),
    totals: Type.Object({ events: Type.Integer(), visitors: Type.Integer() }),
    series: Type.Array(Type.Object({ time: Type.String(), count: Type.Integer() })),
    events: Top,
    pages: Top,
    referrers: Top,
    countries: Top,
    datasets: Top,
  },
  { $id: 'CaptureStats' },
);
export type Stats = Static<typeof Stats>;

export const FunnelBody = Type.Object(
  {
    steps: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 2, maxItems: 10 }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 90 * 86400, description: 'From the first step to the last' }),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type FunnelBody = Static<typeof FunnelBody>;
export const FunnelResult = Type.Object(
  {
    steps: Type.Array(Type.Object({ name: Type.String(), visitors: Type.Integer(), share: Type.Number() })),
  },
  { $id: 'CaptureFunnel' },
);
export type FunnelResult = Static<typeof FunnelResult>;

export const RetentionResult = Type.Object(
  {
    note: Type.String(),
    cohorts: Type.Array(
      Type.Object({
        week: Type.String({ description: 'Monday of the cohort’s first week (UTC)' }),
        size: Type.Integer(),
        retained: Type.Array(Type.Integer(), { description: 'Visitors active in week 0, 1, 2… after their first' }),
      }),
    ),
  },
  { $id: 'CaptureRetention' },
);
export type RetentionResult = Static<typeof RetentionResult>;
