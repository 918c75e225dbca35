import { Type, type Static } from '@sinclair/typebox';

export const reuseTypes = ['application', 'visualization', 'article', 'api', 'other'] as const;
export type ReuseType = (typeof reuseTypes)[number];
export const MAX_DATASETS = 20;
export const MAX_TOPICS = 10;

const ReuseTypeSchema = Type.Union(
  reuseTypes.map((t) => Type.Literal(t)),
  { description: 'application, visualization, article, api or other' },
);
const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'An http or https address' });
const ImageUrl = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'An https address of an image, shown as is (the server never fetches it)',
});
const Topic = Type.String({ minLength: 1, maxLength: 40 });
const Topics = Type.Array(Topic, {
  maxItems: MAX_TOPICS,
  description: 'Free tags, normalized (lowercase, no accents, words joined by dashes)',
});
const DatasetSlugs = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: MAX_DATASETS,
  description: 'Slugs of the published datasets it uses (at least one)',
});

export const CreateReuseBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 10_000, description: 'Markdown (rendered sanitized)' }),
    url: Url,
    image: Type.Optional(Type.Union([ImageUrl, Type.Null()])),
    type: ReuseTypeSchema,
    topics: Type.Optional(Topics),
    datasets: DatasetSlugs,
    organization: Type.Optional(
      Type.Union([
        Type.String({ minLength: 1, maxLength: 100, description: 'Slug of an organization you are a member of' }),
        Type.Null(),
      ]),
    ),
    app: Type.Optional(
      Type.Union([
        Type.String({
          minLength: 1,
          maxLength: 64,
          description: 'Id of an app you own (its API calls count in the statistics)',
        }),
        Type.Null(),
      ]),
    ),
    slug: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' })),
  },
  { additionalProperties: false },
);
export type CreateReuseBody = Static<typeof CreateReuseBody>;

export const UpdateReuseBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    url: Type.Optional(Url),
    image: Type.Optional(Type.Union([ImageUrl, Type.Null()])),
    type: Type.Optional(ReuseTypeSchema),
    topics: Type.Optional(Topics),
    datasets: Type.Optional(DatasetSlugs),
    organization: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
    app: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateReuseBody = Static<typeof UpdateReuseBody>;

export const ReuseQuery = Type.Object(
  {
    type: Type.Optional(ReuseTypeSchema),
    topic: Type.Optional(Type.String({ maxLength: 40 })),
    dataset: Type.Optional(Type.String({ maxLength: 100, description: 'Slug of a dataset the reuses use' })),
    organization: Type.Optional(Type.String({ maxLength: 100, description: 'Slug of the publishing organization' })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words of the title, description or topics' })),
    sort: Type.Optional(
      Type.Union([Type.Literal('recent'), Type.Literal('popular'), Type.Literal('featured')], {
        default: 'recent',
        description:
          'recent (newest first), popular (most viewed), featured (featured by an organization first, then newest)',
      }),
    ),
    _cursor: Type.Optional(Type.String({ maxLength: 300 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type ReuseQuery = Static<typeof ReuseQuery>;

export const PageQuery = Type.Object(
  {
    _cursor: Type.Optional(Type.String({ maxLength: 300 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

export const StatsQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'API calls counted over this many days' }),
    ),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Person = Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]);
const OrgRef = Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]);
const DatasetRef = Type.Object({ slug: Type.String(), title: Type.String(), organization: Nullable(Type.String()) });

export const ReuseSummary = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  type: ReuseTypeSchema,
  url: Type.String(),
  image: Nullable(Type.String()),
  topics: Type.Array(Type.String()),
  datasets: Type.Array(DatasetRef, { description: 'The datasets it uses (drafts left out)' }),
  owner: Person,
  organization: OrgRef,
  featuredBy: Type.Array(Type.Object({ slug: Type.String(), name: Type.String() }), {
    description: 'Organizations featuring it',
  }),
  views: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type ReuseSummary = Static<typeof ReuseSummary>;

export const ReuseView = Type.Composite([
  ReuseSummary,
  Type.Object({
    description: Type.String({ description: 'Markdown source' }),
    descriptionHtml: Type.String({ description: 'Rendered and sanitized' }),
    app: Nullable(Type.String({ description: 'Id of the app it is built with' })),
    viewerCanEdit: Type.Boolean(),
    viewerCanFeature: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), featured: Type.Boolean() }), {
      description: 'Organizations the viewer administers whose datasets the reuse uses: they may feature it',
    }),
  }),
]);
export type ReuseView = Static<typeof ReuseView>;

const Facet = Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }));
export const ReusePage = Type.Object({
  items: Type.Array(ReuseSummary),
  facets: Type.Object({ types: Facet, topics: Facet }, { description: 'Counts under the other filters' }),
  next: Type.Union([Type.String(), Type.Null()]),
});

export const UsedByPage = Type.Object({
  items: Type.Array(
    Type.Composite([
      ReuseSummary,
      Type.Object({ featured: Type.Boolean({ description: "Featured by the dataset's organization (listed first)" }) }),
    ]),
  ),
  next: Type.Union([Type.String(), Type.Null()]),
});
export type UsedByItem = ReuseSummary & { featured: boolean };

export const StatsItem = Type.Object({
  reuse: ReuseSummary,
  views: Type.Integer(),
  apiCalls: Type.Integer({
    description: 'Calls of the linked app over the period (0 without an app or without usage analytics)',
  }),
  score: Type.Integer({ description: 'views + apiCalls' }),
});
export type StatsItem = Static<typeof StatsItem>;
export const StatsPage = Type.Object({
  items: Type.Array(StatsItem),
  days: Type.Integer(),
  apiCallsCounted: Type.Boolean({ description: 'Whether usage analytics were available to count API calls' }),
});
