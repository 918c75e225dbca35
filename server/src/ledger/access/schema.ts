import { Type, type Static, type TSchema } from '@sinclair/typebox';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const DataAccessView = Type.Object(
  {
    id: Type.String(),
    occurredAt: DateTime,
    hidden: Type.Boolean({ description: 'true while the record is hidden for a legal reason: only its dates show' }),
    hiddenUntil: Nullable(DateTime),
    hiddenReason: Nullable(Type.String()),
    actor: Nullable(Type.Object({ handle: Type.String() })),
    organization: Nullable(Type.Object({ slug: Type.String(), name: Type.String() })),
    app: Nullable(Type.Object({ id: Type.String() })),
    purpose: Nullable(Type.String()),
    legalBasis: Nullable(Type.String()),
    fields: Type.Array(Type.String(), { description: 'which data was read: email, account, …' }),
    queryId: Nullable(Type.String({ description: 'the request id, to match the platform’s own logs' })),
    record: Nullable(
      Type.String({ description: 'the canonical JSON record; its SHA-256 is recordHash (null while hidden)' }),
    ),
    recordHash: Type.String({ description: 'hex SHA-256 of the record' }),
    eventId: Type.String({
      description: 'the log event holding the hash: GET /api/v1/log/events/{eventId} proves it is in the log',
    }),
  },
  { $id: 'DataAccessRecord' },
);
export type DataAccessView = Static<typeof DataAccessView>;

export const DataAccessPage = Type.Object({
  items: Type.Array(Type.Ref('DataAccessRecord')),
  next: Nullable(Type.String()),
});

export const DataAccessQuery = Type.Object(
  {
    _cursor: Type.Optional(Type.String({ maxLength: 300 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);

export const RecordParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const HideBody = Type.Object(
  {
    until: Type.String({ format: 'date-time', description: 'shown to the person again from this time' }),
    reason: Type.String({
      minLength: 10,
      maxLength: 500,
      description: 'the legal reason, shown to the person while hidden (e.g. the text that requires it)',
    }),
  },
  { additionalProperties: false },
);
export type HideBody = Static<typeof HideBody>;
