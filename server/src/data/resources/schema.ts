import { Type, type Static } from '@sinclair/typebox';

export const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

const MessageParams = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]));

/** What an import did (import-runner.ts ImportReport); older reports have warnings as plain strings. */
export const ImportReportView = Type.Object(
  {
    rowsImported: Type.Integer(),
    rowsRejected: Type.Integer(),
    rejectedSample: Type.Array(
      Type.Object({
        line: Type.Integer(),
        reason: Type.String(),
        code: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        params: Type.Optional(MessageParams),
      }),
    ),
    warnings: Type.Array(
      Type.Union([Type.Object({ code: Type.String(), params: MessageParams, message: Type.String() }), Type.String()]),
    ),
    durationMs: Type.Number(),
    error: Type.Optional(Type.String()),
    errorCode: Type.Optional(
      Type.String({ description: 'Why the file was refused as a whole (`no_rows`, `too_many_rejected`, …)' }),
    ),
  },
  { additionalProperties: true },
);

/** How a version differs from the one before it (tables/diff.ts); older diffs lack the row counts. */
export const VersionDiffView = Type.Object(
  {
    rowsBefore: Type.Integer(),
    rowsAfter: Type.Integer(),
    fieldsAdded: Type.Array(Type.String()),
    fieldsRemoved: Type.Array(Type.String()),
    rowsAdded: Type.Optional(Type.Integer()),
    rowsRemoved: Type.Optional(Type.Integer()),
    rowsChanged: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], { description: 'Null when rows were matched on their content' }),
    ),
    matchedOn: Type.Optional(Type.Union([Type.Literal('primaryKey'), Type.Literal('content')])),
  },
  { additionalProperties: true },
);

export const VersionView = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  status: Type.String(),
  sha256: Nullable(Type.String()),
  byteSize: Type.Union([Type.Integer(), Type.Null()]),
  fileName: Nullable(Type.String()),
  format: Nullable(Type.String()),
  rowCount: Type.Union([Type.Integer(), Type.Null()]),
  rejectedCount: Type.Union([Type.Integer(), Type.Null()]),
  report: Type.Union([ImportReportView, Type.Null()]),
  diff: Type.Union([VersionDiffView, Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type VersionView = Static<typeof VersionView>;

export const JobView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
  ]),
  resourceId: Nullable(Type.String()),
  versionId: Nullable(Type.String()),
  progress: Type.Object({
    rowsRead: Type.Integer(),
    rowsRejected: Type.Integer(),
    bytesRead: Type.Integer(),
    totalBytes: Type.Union([Type.Integer(), Type.Null()]),
    percent: Type.Union([Type.Number(), Type.Null()]),
    etaSeconds: Type.Union([Type.Number(), Type.Null()]),
  }),
  error: Nullable(Type.String()),
  report: Type.Union([ImportReportView, Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type JobView = Static<typeof JobView>;

export const ResourceView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  kind: Type.Union([Type.Literal('file'), Type.Literal('url')]),
  url: Nullable(Type.String()),
  format: Nullable(Type.String()),
  mediaType: Nullable(Type.String()),
  tabular: Type.Boolean({ description: 'Whether rows can be queried through …/rows' }),
  currentVersion: Type.Union([VersionView, Type.Null()]),
  latestJob: Type.Union([JobView, Type.Null()]),
  metrics: Type.Object({ views: Type.Integer(), downloads: Type.Integer() }),
  community: Type.Boolean({ description: 'Shared by a member of the community, not by the publisher' }),
  owner: Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()], {
    description: 'Who shared a community resource (null for the publisher’s own)',
  }),
  maxRejectedShare: Type.Number({
    description:
      'A new version with a larger share of rejected rows (or no row at all) does not go live unless uploaded with force',
  }),
  titleColumn: Type.Union([Type.String(), Type.Null()], {
    description: 'The column the publisher chose as each row’s title (null: the automatic choice)',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ResourceView = Static<typeof ResourceView>;

export const CreateUrlResourceBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
    format: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type CreateUrlResourceBody = Static<typeof CreateUrlResourceBody>;
