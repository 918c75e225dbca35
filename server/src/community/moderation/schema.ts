import { Type, type Static } from '@sinclair/typebox';

export const flagReasons = ['spam', 'abuse', 'personal_data', 'wrong_data'] as const;
export const flagKinds = ['discussion', 'message', 'contribution', 'user'] as const;
export const hideKinds = ['discussion', 'message', 'contribution'] as const;
export type FlagKind = (typeof flagKinds)[number];
export type HideKind = (typeof hideKinds)[number];

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const FlagBody = Type.Object(
  {
    target: Type.Object(
      {
        kind: Type.Union(flagKinds.map((k) => Type.Literal(k))),
        id: Type.String({ minLength: 1, maxLength: 64, description: 'The object id (a user: handle or id)' }),
      },
      { additionalProperties: false },
    ),
    reason: Type.Union(flagReasons.map((r) => Type.Literal(r))),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'For moderators only' })),
  },
  { additionalProperties: false },
);
export type FlagBody = Static<typeof FlagBody>;

export const HideBody = Type.Object(
  {
    target: Type.Object(
      { kind: Type.Union(hideKinds.map((k) => Type.Literal(k))), id: Id },
      { additionalProperties: false },
    ),
    reason: Type.String({ minLength: 1, maxLength: 300, description: 'Shown publicly in place of the content' }),
  },
  { additionalProperties: false },
);
export type HideBody = Static<typeof HideBody>;
export const RestoreBody = Type.Object({ target: HideBody.properties.target }, { additionalProperties: false });
export type RestoreBody = Static<typeof RestoreBody>;

export const SuspendBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Shown to the user in every refused request' }),
    until: Type.Optional(
      Type.String({ format: 'date-time', description: 'End of the suspension (default: until lifted)' }),
    ),
  },
  { additionalProperties: false },
);
export type SuspendBody = Static<typeof SuspendBody>;

export const FlagQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('dismissed')], { default: 'open' }),
    ),
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);
export type FlagQuery = Static<typeof FlagQuery>;

const Person = Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]);

export const FlagView = Type.Object({
  id: Type.String(),
  target: Type.Object({ kind: Type.Union(flagKinds.map((k) => Type.Literal(k))), id: Type.String() }),
  targetAuthor: Person,
  reporter: Person,
  reason: Type.Union(flagReasons.map((r) => Type.Literal(r))),
  note: Type.Union([Type.String(), Type.Null()], { description: 'Shown to moderators only' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('dismissed')]),
  createdAt: Type.String(),
  handledAt: Type.Union([Type.String(), Type.Null()]),
});
export type FlagView = Static<typeof FlagView>;

export const HiddenView = Type.Object({
  target: HideBody.properties.target,
  hidden: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type HiddenView = Static<typeof HiddenView>;

export const SuspensionView = Type.Object({
  handle: Type.String(),
  suspended: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
  until: Type.Union([Type.String(), Type.Null()]),
});
export type SuspensionView = Static<typeof SuspensionView>;

export const CommunitySettingsBody = Type.Object(
  {
    allowDirectEdits: Type.Boolean({
      description: 'Proposals by trust-level ≥ 3 users are applied at once (still revisions, revertible, logged)',
    }),
    reviewersOptIn: Type.Boolean({
      description: 'Trust-level ≥ 3 users may review contributions to this dataset (not their own)',
    }),
  },
  { additionalProperties: false },
);
export type CommunitySettingsBody = Static<typeof CommunitySettingsBody>;
