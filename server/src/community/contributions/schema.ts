import { Type, type Static } from '@sinclair/typebox';
import { SAFE_INTEGER_MAX } from '../../kernel/input.js';

export const MAX_CHANGES = 500;

// Not a union of JSON types: Ajv's type coercion would turn 150 into "150". The service checks each
// value against the column's type (string, number, boolean or null).
const CellValue = Type.Unknown({ description: 'A string, number, boolean or null, per the column type' });

export const Change = Type.Object(
  {
    op: Type.Union([Type.Literal('insert'), Type.Literal('update'), Type.Literal('delete')]),
    rowId: Type.Optional(
      Type.Integer({ minimum: 1, maximum: SAFE_INTEGER_MAX, description: 'The row `_id` (update, delete)' }),
    ),
    values: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), CellValue, {
        maxProperties: 1500,
        description: 'Column values by name (insert: the row; update: the columns to change)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Change = Static<typeof Change>;

export const ProposalBody = Type.Object(
  {
    changes: Type.Array(Change, { minItems: 1, maxItems: MAX_CHANGES }),
    comment: Type.String({ minLength: 1, maxLength: 2000, description: 'Why (Markdown)' }),
    source: Type.Optional(
      Type.String({ maxLength: 2000, pattern: '^https?://[^\\s]+$', description: 'An http(s) URL backing the change' }),
    ),
    apply: Type.Optional(
      Type.Boolean({
        description:
          'Apply at once instead of waiting for a review: for those who may edit the data directly (`canApply` in `GET /datasets/{slug}/contribution-rules`); 403 otherwise. Recorded like an accepted proposal (revisions, history, events, `direct: true`).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ProposalBody = Static<typeof ProposalBody>;

export const AcceptBody = Type.Object(
  {
    changes: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: MAX_CHANGES - 1 }), {
        minItems: 1,
        maxItems: MAX_CHANGES,
        description: 'Indexes of the changes to accept (default: all)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AcceptBody = Static<typeof AcceptBody>;
export const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }), spam: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type RejectBody = Static<typeof RejectBody>;
export const RequestChangesBody = Type.Object(
  { comment: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export type RequestChangesBody = Static<typeof RequestChangesBody>;

export const statuses = [
  'pending',
  'accepted',
  'partially_accepted',
  'rejected',
  'changes_requested',
  'withdrawn',
] as const;
export type ContributionStatus = (typeof statuses)[number];

export const ContributionQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(statuses.map((s) => Type.Literal(s)))),
    organization: Type.Optional(Type.String({ maxLength: 100 })),
    dataset: Type.Optional(Type.String({ maxLength: 100 })),
    author: Type.Optional(Type.String({ maxLength: 40, description: 'Author handle' })),
    overdue: Type.Optional(
      Type.Boolean({
        description:
          'true: only pending proposals older than their organization’s review target (`GET /organizations/{slug}/review-rules`)',
      }),
    ),
    _sort: Type.Optional(
      Type.Union([Type.Literal('created'), Type.Literal('-created')], {
        description: 'created (oldest first, the default: a review queue) or -created',
      }),
    ),
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type ContributionQuery = Static<typeof ContributionQuery>;

/** How many changes, and values per change, a summary previews. */
export const PREVIEW_CHANGES = 3;
export const PREVIEW_VALUES = 4;

const ChangePreview = Type.Object({
  op: Type.Union([Type.Literal('insert'), Type.Literal('update'), Type.Literal('delete')]),
  label: Type.Union([Type.String(), Type.Null()], {
    description: 'The row as people recognise it (its title column and primary key), e.g. "Besançon (25056)"',
  }),
  rowId: Type.Union([Type.Integer(), Type.Null()]),
  values: Type.Array(Type.Object({ column: Type.String(), before: Type.Unknown(), after: Type.Unknown() }), {
    description: `Up to ${PREVIEW_VALUES} values: the changed cells of an update, the first filled cells of an insert`,
  }),
  moreValues: Type.Integer({ description: 'Changed values not listed' }),
});

const Person = Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]);
const RowObject = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]);

export const ContributionSummary = Type.Object({
  id: Type.String(),
  status: Type.Union(statuses.map((s) => Type.Literal(s))),
  dataset: Type.String({ description: 'Dataset slug' }),
  resourceId: Type.String(),
  author: Person,
  reviewer: Person,
  comment: Type.String(),
  commentHtml: Type.String({ description: 'The comment rendered from Markdown, sanitized' }),
  source: Type.Union([Type.String(), Type.Null()]),
  changeCount: Type.Integer(),
  suspicious: Type.Boolean(),
  spam: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  reviewedAt: Type.Union([Type.String(), Type.Null()]),
  reviewDueAt: Type.Union([Type.String(), Type.Null()], {
    description: 'When a pending proposal is due for review under its organization’s target (null: no target)',
  }),
  overdue: Type.Boolean({ description: 'Pending beyond its organization’s review target' }),
  preview: Type.Array(ChangePreview, {
    maxItems: PREVIEW_CHANGES,
    description: `The first ${PREVIEW_CHANGES} changes as people read them: the row's label and values before → after`,
  }),
});
export type ContributionSummary = Static<typeof ContributionSummary>;

export const DiffEntry = Type.Object({
  index: Type.Integer(),
  op: Type.Union([Type.Literal('insert'), Type.Literal('update'), Type.Literal('delete')]),
  rowId: Type.Union([Type.Integer(), Type.Null()]),
  label: Type.Union([Type.String(), Type.Null()], {
    description:
      'How people recognise the row: a name-like (else the first) text column and the primary key, e.g. "Besançon (25056)"',
  }),
  before: RowObject,
  after: RowObject,
  changedColumns: Type.Array(Type.String()),
  conflict: Type.Boolean({ description: 'The row changed since the proposal (pending proposals only)' }),
  current: RowObject,
  accepted: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'Whether this change was applied (null while undecided)',
  }),
});
export type DiffEntry = Static<typeof DiffEntry>;

export const ContributionView = Type.Composite([
  ContributionSummary,
  Type.Object({
    reviewNote: Type.Union([Type.String(), Type.Null()], {
      description: 'Rejection reason or requested changes: shown to the author and reviewers only',
    }),
    viewerCanReview: Type.Boolean(),
    conflicts: Type.Array(Type.Integer()),
    diff: Type.Array(DiffEntry),
  }),
]);
export type ContributionView = Static<typeof ContributionView>;

export const ContributionRules = Type.Object({
  canPropose: Type.Boolean({ description: 'Signed in, not suspended, and the dataset is open to proposals' }),
  canApply: Type.Boolean({
    description:
      'May edit the data directly (the dataset’s editors; trust level ≥ 3 where the dataset allows direct edits): proposals may be applied at once with `apply: true`',
  }),
  otherReviewers: Type.Integer({
    description: 'How many people other than the viewer review this dataset’s proposals (organization reviewers)',
  }),
  noOtherReviewer: Type.Boolean({
    description:
      'Nobody but the viewer may review: a proposal would wait for the platform administrators (the organization’s owners are notified)',
  }),
  reviewTargetDays: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The organization’s published review target, in days',
  }),
});
export type ContributionRules = Static<typeof ContributionRules>;
