import { Type, type Static } from '@sinclair/typebox';

// A reuse (apps/reuses) is a subject too: its discussions hang on its first dataset for visibility and moderation.
export const subjectKinds = ['dataset', 'resource', 'contribution', 'reuse'] as const;
export type SubjectKind = (typeof subjectKinds)[number];
export const MAX_BODY = 10_000;

const Body = Type.String({
  minLength: 1,
  maxLength: MAX_BODY,
  description: 'Markdown; `@handle` mentions notify existing users (at most 20)',
});
const Subject = Type.Object(
  {
    kind: Type.Union(subjectKinds.map((k) => Type.Literal(k))),
    id: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The id of the dataset (or its slug), resource, contribution or reuse',
    }),
  },
  { additionalProperties: false },
);

export const CreateThreadBody = Type.Object(
  { subject: Subject, title: Type.String({ minLength: 1, maxLength: 200 }), body: Body },
  { additionalProperties: false },
);
export type CreateThreadBody = Static<typeof CreateThreadBody>;
export const MessageBody = Type.Object({ body: Body }, { additionalProperties: false });
export type MessageBody = Static<typeof MessageBody>;
export const CloseBody = Type.Object(
  { resolution: Type.Optional(Type.String({ maxLength: 2000, description: 'How it was resolved (Markdown)' })) },
  { additionalProperties: false },
);
export type CloseBody = Static<typeof CloseBody>;

export const ThreadQuery = Type.Object(
  {
    subject: Type.String({
      maxLength: 120,
      pattern: '^(dataset|resource|contribution|reuse):.+$',
      description: 'kind:id, e.g. dataset:ds_…, resource:res_… or reuse:reu_…',
    }),
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type ThreadQuery = Static<typeof ThreadQuery>;

const Person = Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ThreadSummary = Type.Object({
  id: Type.String(),
  subject: Type.Object({ kind: Type.Union(subjectKinds.map((k) => Type.Literal(k))), id: Type.String() }),
  dataset: Type.String({ description: 'Slug of the dataset the subject belongs to' }),
  title: Type.String({ description: 'Replaced by "hidden by moderation: {reason}" when hidden' }),
  author: Person,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  resolution: Nullable(Type.String()),
  resolutionHtml: Nullable(Type.String()),
  closedBy: Person,
  closedAt: Nullable(Type.String()),
  hidden: Nullable(Type.String({ description: 'The public moderation reason when hidden' })),
  messageCount: Type.Integer(),
  lastMessageAt: Type.String(),
  createdAt: Type.String(),
});
export type ThreadSummary = Static<typeof ThreadSummary>;

export const MessageView = Type.Object({
  id: Type.String(),
  author: Person,
  body: Type.String({ description: 'Markdown source, or "hidden by moderation: {reason}"' }),
  bodyHtml: Type.String({ description: 'Rendered and sanitized' }),
  hidden: Nullable(Type.String()),
  helpful: Type.Boolean(),
  markedHelpfulBy: Person,
  createdAt: Type.String(),
});
export type MessageView = Static<typeof MessageView>;

export const ThreadView = Type.Composite([
  ThreadSummary,
  Type.Object({
    messages: Type.Array(MessageView),
    viewerSubscribed: Type.Boolean(),
    viewerCanClose: Type.Boolean(),
    viewerCanMarkHelpful: Type.Boolean(),
  }),
]);
export type ThreadView = Static<typeof ThreadView>;
