import { Type, type Static } from '@sinclair/typebox';

const Localized = Type.Object({ en: Type.String(), fr: Type.String() });
const Next = Type.Union([Type.String(), Type.Null()]);
const Limit = (max: number, def: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: def }));
const Cursor = Type.Optional(Type.String({ maxLength: 300 }));

export const HandleParams = Type.Object({ handle: Type.String({ maxLength: 40 }) });
export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });
export const PageQuery = Type.Object({ _cursor: Cursor, _limit: Limit(100, 50) }, { additionalProperties: false });

export const Profile = Type.Object({
  handle: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  erasedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description:
      'When the account was erased (the handle is then a pseudonym and the profile a tombstone); null otherwise',
  }),
  reputation: Type.Integer(),
  trustLevel: Type.Integer({ minimum: 0, maximum: 4 }),
  badges: Type.Array(
    Type.Object({ code: Type.String(), name: Localized, awardedAt: Type.String({ format: 'date-time' }) }),
  ),
  stats: Type.Object({
    acceptedContributions: Type.Integer(),
    rowsChanged: Type.Integer(),
    reviews: Type.Integer(),
    datasetsImproved: Type.Integer(),
  }),
  calendar: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), count: Type.Integer() }), {
    description: 'Accepted contributions per UTC day, last 365 days; days without any are left out',
  }),
});

export const ReputationPage = Type.Object({
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      eventId: Type.String({ description: 'The domain event this entry comes from' }),
      reason: Type.String({
        description: 'contribution_accepted, review, answer_helpful, contribution_spam, content_hidden',
      }),
      points: Type.Integer(),
      dataset: Type.Union([Type.String({ description: 'Dataset slug' }), Type.Null()]),
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ),
  next: Next,
});

export const BadgeList = Type.Object({
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Localized,
      criterion: Localized,
      repeatable: Type.Boolean(),
      holders: Type.Integer(),
    }),
  ),
});

export const TrustLevelRules = Type.Object({
  levels: Type.Array(
    Type.Object({
      level: Type.Integer(),
      code: Type.String(),
      name: Localized,
      requirements: Type.Union([
        Type.Object({
          acceptedContributions: Type.Integer(),
          daysSinceSignUp: Type.Integer(),
          maxSpamRejections: Type.Union([Type.Integer(), Type.Null()]),
        }),
        Type.Null(),
      ]),
      requirementText: Localized,
      proposalsPerDay: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited' }),
      privileges: Type.Array(Localized),
    }),
  ),
  demotion: Localized,
  reputation: Type.Record(Type.String(), Type.Integer(), { description: 'The reputation rules of this platform' }),
});

export const TrustLevelBody = Type.Object(
  {
    level: Type.Integer({ minimum: 0, maximum: 4 }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type TrustLevelBody = Static<typeof TrustLevelBody>;

export const TrustLevelView = Type.Object({
  handle: Type.String(),
  level: Type.Integer(),
  reason: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const LeaderboardQuery = Type.Object(
  {
    period: Type.Optional(
      Type.Union([Type.Literal('week'), Type.Literal('month'), Type.Literal('all')], { default: 'all' }),
    ),
    dataset: Type.Optional(Type.String({ maxLength: 100, description: 'Dataset slug' })),
    organization: Type.Optional(Type.String({ maxLength: 100, description: 'Organization slug' })),
    _limit: Limit(100, 20),
  },
  { additionalProperties: false },
);

export const Leaderboard = Type.Object({
  period: Type.String(),
  items: Type.Array(
    Type.Object({ rank: Type.Integer(), handle: Type.String(), name: Type.String(), points: Type.Integer() }),
  ),
});

export const Contributors = Type.Object({
  items: Type.Array(
    Type.Object({
      handle: Type.String(),
      name: Type.String(),
      acceptedContributions: Type.Integer(),
      rowsChanged: Type.Integer(),
      firstContributionAt: Type.String({ format: 'date-time' }),
      lastContributionAt: Type.String({ format: 'date-time' }),
    }),
  ),
  next: Next,
});

export const ReviewStats = Type.Object({
  organization: Type.String(),
  windowDays: Type.Integer(),
  reviewed: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  rejectedAsSpam: Type.Integer(),
  medianSecondsToReview: Type.Union([Type.Number(), Type.Null()], {
    description: 'From submission to acceptance or rejection; null without reviews in the window',
  }),
});
