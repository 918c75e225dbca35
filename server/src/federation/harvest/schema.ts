import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const HarvestReport = Type.Object(
  {
    pages: Type.Integer({ description: 'Pages read' }),
    records: Type.Integer({ description: 'Records found' }),
    errors: Type.Array(Type.Object({ sourceId: Type.String(), message: Type.String() }), {
      description: 'Records skipped, each with its identifier at the source (at most 1,000 listed)',
    }),
    skipped: Type.Array(Type.String(), { description: 'What the run did not read or do, and why' }),
    heldWithdrawals: Type.Integer({
      description:
        'Datasets the source no longer lists that were NOT withdrawn because they are more than half of the source’s (and more than 10): the mass-withdrawal guard. POST /harvest-runs/{id}/withdrawals withdraws them anyway.',
    }),
  },
  { $id: 'HarvestReport' },
);

export const HarvestRun = Type.Object(
  {
    id: Type.String(),
    sourceId: Type.String(),
    trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule'), Type.Literal('webhook')]),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('running'),
      Type.Literal('succeeded'),
      Type.Literal('failed'),
    ]),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    withdrawn: Type.Integer(),
    errors: Type.Integer(),
    report: Type.Ref(HarvestReport),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed run failed (nothing was changed)' }),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Nullable(Type.String({ format: 'date-time' })),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'HarvestRun' },
);

export const HarvestRecord = Type.Object(
  {
    sourceRecordId: Type.String({ description: 'The record’s identifier at the source' }),
    sourceUrl: Nullable(Type.String()),
    state: Type.Union([Type.Literal('active'), Type.Literal('withdrawn')]),
    updatedAt: Type.String({ format: 'date-time' }),
    dataset: Type.Union([
      Type.Object({
        slug: Type.String(),
        title: Type.String(),
        status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]),
      }),
      Type.Null(),
    ]),
  },
  { $id: 'HarvestRecord' },
);

export const SourceKind = Type.Union(
  [Type.Literal('dcat'), Type.Literal('ckan'), Type.Literal('udata'), Type.Literal('multitude')],
  {
    description:
      'dcat: a DCAT-AP catalog (RDF/XML, Turtle or JSON-LD, Hydra-paged); ckan: a CKAN portal (action API package_search); udata: a udata API v1 datasets listing; multitude: another Multitude instance (its CKAN-compatible API, and its webhooks)',
  },
);

export const HarvestSource = Type.Object(
  {
    id: Type.String(),
    organization: Type.String({ description: 'organization slug' }),
    name: Type.String(),
    kind: SourceKind,
    url: Type.String(),
    intervalMinutes: Type.Union([Type.Integer(), Type.Null()]),
    nextRunAt: Nullable(Type.String({ format: 'date-time' })),
    enabled: Type.Boolean(),
    webhook: Type.Boolean({ description: 'Whether the followed instance’s webhooks trigger runs' }),
    createdAt: Type.String({ format: 'date-time' }),
    lastRun: Type.Union([Type.Ref(HarvestRun), Type.Null()]),
  },
  { $id: 'HarvestSource' },
);

export const AddSourceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: SourceKind,
    url: Type.String({ minLength: 8, maxLength: 2000, description: 'http(s) URL of the catalog, portal or API' }),
    intervalMinutes: Type.Optional(
      Type.Union([Type.Integer({ minimum: 15, maximum: 60 * 24 * 31 }), Type.Null()], {
        description: 'Minutes between scheduled runs (at least 15); null or absent: on demand only',
      }),
    ),
    webhookSecret: Type.Optional(
      Type.Union([Type.String({ maxLength: 300 }), Type.Null()], {
        description:
          'multitude only: the signing secret (whsec_…) of the webhook subscription made at the followed instance for dataset events, pointed at this source’s webhook URL',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AddSourceBody = Static<typeof AddSourceBody>;

export const UpdateSourceBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    intervalMinutes: Type.Optional(Type.Union([Type.Integer({ minimum: 15, maximum: 60 * 24 * 31 }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean({ description: 'false pauses scheduled and webhook runs' })),
    webhookSecret: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateSourceBody = Static<typeof UpdateSourceBody>;

export const OrgParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
