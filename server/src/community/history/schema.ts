import { Type, type Static } from '@sinclair/typebox';

const Person = Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]);
const RowObject = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]);

export const RevisionView = Type.Object({
  id: Type.String(),
  rowId: Type.Integer(),
  revision: Type.Integer({ description: 'Revision number of this row (1, 2, …)' }),
  op: Type.Union([Type.Literal('insert'), Type.Literal('update'), Type.Literal('delete'), Type.Literal('revert')]),
  before: RowObject,
  after: RowObject,
  actor: Person,
  author: Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()], {
    description:
      'Who proposed the change (the contribution’s author); `actor` is who applied it (the reviewer, or the author for a direct edit). Null for reverts.',
  }),
  contributionId: Type.Union([Type.String(), Type.Null()]),
  revertsRevisionId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type RevisionView = Static<typeof RevisionView>;

export const ChangelogEntry = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('contribution'), Type.Literal('revert')]),
  resourceId: Type.String(),
  contributionId: Type.Union([Type.String(), Type.Null()]),
  revisionId: Type.Union([Type.String(), Type.Null()]),
  rowIds: Type.Array(Type.Integer()),
  actor: Person,
  author: Person,
  createdAt: Type.String(),
});
export type ChangelogEntry = Static<typeof ChangelogEntry>;

export const PageQuery = Type.Object(
  {
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
