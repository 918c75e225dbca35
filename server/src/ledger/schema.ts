import { Type, type Static } from '@sinclair/typebox';

const Base64Hash = Type.String({ description: 'A SHA-256 hash, standard base64', pattern: '^[A-Za-z0-9+/]{43}=$' });

export const LogCheckpoint = Type.Object(
  {
    size: Type.Integer({ minimum: 0, description: 'Tree size: number of entries' }),
    rootHash: Base64Hash,
    note: Type.String({ description: 'The C2SP signed-note checkpoint, as served at /log/checkpoint' }),
  },
  { $id: 'LogCheckpoint' },
);

export const LogInclusion = Type.Object(
  {
    index: Type.Integer({ minimum: 0 }),
    eventId: Type.String(),
    entry: Type.String({ description: 'The canonical JSON entry; its leaf hash is SHA-256(0x00 || UTF-8 entry)' }),
    leafHash: Base64Hash,
    proof: Type.Union([Type.Array(Base64Hash), Type.Null()], {
      description: 'RFC 9162 inclusion proof against the checkpoint; null while the entry awaits its first checkpoint',
    }),
    checkpoint: Type.Ref('LogCheckpoint'),
  },
  { $id: 'LogInclusion' },
);

export const LogConsistency = Type.Object(
  {
    from: Type.Integer({ minimum: 0 }),
    to: Type.Integer({ minimum: 0 }),
    fromRoot: Base64Hash,
    toRoot: Base64Hash,
    proof: Type.Array(Base64Hash, { description: 'RFC 9162 consistency proof' }),
    checkpoint: Type.Ref('LogCheckpoint'),
  },
  { $id: 'LogConsistency' },
);

const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const LogIndexParams = Type.Object({ index: Size }, { additionalProperties: false });
export const LogEventParams = Type.Object(
  { eventId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export const LogConsistencyQuery = Type.Object({ from: Size, to: Size }, { additionalProperties: false });
export type LogConsistencyQuery = Static<typeof LogConsistencyQuery>;

export const LogSubjectQuery = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 100, description: 'a dataset, contribution, app… id' }),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type LogSubjectQuery = Static<typeof LogSubjectQuery>;

export const LogEntryList = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        index: Type.Integer({ minimum: 0 }),
        eventId: Type.String(),
        entry: Type.String({ description: 'The canonical JSON entry' }),
      }),
    ),
  },
  { $id: 'LogEntryList' },
);

export const LogHistoryQuery = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 90 })) },
  { additionalProperties: false },
);

export const LogHistory = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        day: Type.String({ description: 'YYYY-MM-DD (UTC)' }),
        size: Type.Integer({ minimum: 0, description: 'the largest tree size signed that day' }),
      }),
    ),
  },
  { $id: 'LogHistory' },
);

export const LogCosignatureBody = Type.Object(
  {
    size: Size,
    cosignature: Type.String({
      maxLength: 1000,
      description: 'The signature line: "— <witness name> base64(key hash || timestamp || Ed25519 signature)"',
    }),
  },
  { additionalProperties: false },
);

export const LogCosignatureAccepted = Type.Object({
  size: Type.Integer({ minimum: 0 }),
  witness: Type.String(),
  signedAt: Type.String({ format: 'date-time' }),
  added: Type.Boolean({ description: 'false when this witness had already cosigned this size' }),
});

export const LogWitnessed = Type.Object(
  {
    size: Type.Integer({ minimum: 0 }),
    rootHash: Base64Hash,
    note: Type.String({ description: 'The checkpoint, signed by the log and cosigned by its witnesses' }),
    witnesses: Type.Array(
      Type.Object({ name: Type.String(), keyId: Type.String(), signedAt: Type.String({ format: 'date-time' }) }),
    ),
  },
  { $id: 'LogWitnessed' },
);
