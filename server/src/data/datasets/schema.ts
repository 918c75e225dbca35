import { Type, type Static } from '@sinclair/typebox';
import { licenseIds } from './licenses.js';
import { Nullable, ResourceView } from '../resources/schema.js';

export const datasetStatuses = ['draft', 'published', 'archived'] as const;
export type DatasetStatus = (typeof datasetStatuses)[number];
export const frequencies = [
  'continuous',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'biannual',
  'annual',
  'irregular',
  'unknown',
] as const;

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd' });
const Keyword = Type.String({ minLength: 1, maxLength: 60 });
const Theme = Type.String({
  pattern: '^[A-Z]{4}$',
  description: 'EU data theme code, e.g. GOVE, ENVI, TRAN, ECON, SOCI, EDUC, HEAL, AGRI, ENER, REGI, JUST, INTR, TECH',
});

const DatasetFields = {
  title: Type.String({ minLength: 3, maxLength: 200 }),
  description: Type.String({ maxLength: 20_000, description: 'Markdown; rendered sanitized' }),
  keywords: Type.Array(Keyword, { maxItems: 30, uniqueItems: true }),
  themes: Type.Array(Theme, { maxItems: 10, uniqueItems: true }),
  license: Type.Union(licenseIds.map((id) => Type.Literal(id))),
  contactPoint: Type.Object(
    {
      name: Type.Optional(Type.String({ maxLength: 120 })),
      email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    },
    { additionalProperties: false },
  ),
  temporal: Type.Object(
    { start: Type.Optional(IsoDate), end: Type.Optional(IsoDate) },
    { additionalProperties: false },
  ),
  spatial: Type.String({ maxLength: 200, description: 'Area covered, e.g. "France" or "Département du Doubs"' }),
  frequency: Type.Union(frequencies.map((f) => Type.Literal(f))),
};

export const CreateDatasetBody = Type.Object(
  {
    title: DatasetFields.title,
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$', maxLength: 100 })),
    organization: Type.Optional(
      Type.String({ maxLength: 64, description: 'Slug of the owning organization; omit for a personal dataset' }),
    ),
    description: Type.Optional(DatasetFields.description),
    keywords: Type.Optional(DatasetFields.keywords),
    themes: Type.Optional(DatasetFields.themes),
    license: DatasetFields.license,
    contactPoint: Type.Optional(DatasetFields.contactPoint),
    temporal: Type.Optional(DatasetFields.temporal),
    spatial: Type.Optional(DatasetFields.spatial),
    frequency: Type.Optional(DatasetFields.frequency),
    status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')])),
  },
  { additionalProperties: false },
);
export type CreateDatasetBody = Static<typeof CreateDatasetBody>;

export const UpdateDatasetBody = Type.Object(
  {
    title: Type.Optional(DatasetFields.title),
    description: Type.Optional(DatasetFields.description),
    keywords: Type.Optional(DatasetFields.keywords),
    themes: Type.Optional(DatasetFields.themes),
    license: Type.Optional(DatasetFields.license),
    contactPoint: Type.Optional(DatasetFields.contactPoint),
    temporal: Type.Optional(DatasetFields.temporal),
    spatial: Type.Optional(Type.Union([DatasetFields.spatial, Type.Null()])),
    frequency: Type.Optional(DatasetFields.frequency),
    status: Type.Optional(Type.Union(datasetStatuses.map((s) => Type.Literal(s)))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDatasetBody = Static<typeof UpdateDatasetBody>;

export const DatasetView = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  descriptionHtml: Type.String({ description: 'The description rendered from Markdown and sanitized' }),
  organization: Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]),
  owner: Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]),
  keywords: Type.Array(Type.String()),
  themes: Type.Array(Type.String()),
  license: Type.Object({ id: Type.String(), title: Type.String(), url: Type.String() }),
  contactPoint: Type.Object({ name: Type.Optional(Type.String()), email: Type.Optional(Type.String()) }),
  temporal: Type.Object({ start: Type.Optional(Type.String()), end: Type.Optional(Type.String()) }),
  spatial: Nullable(Type.String()),
  frequency: Nullable(Type.String()),
  status: Type.Union(datasetStatuses.map((s) => Type.Literal(s))),
  resources: Type.Array(ResourceView, { description: 'The publisher’s own resources' }),
  communityResources: Type.Array(ResourceView, { description: 'Resources shared by the community' }),
  metrics: Type.Object({ views: Type.Integer(), downloads: Type.Integer() }),
  featured: Type.Boolean({ description: 'Featured on the home page by the platform’s administrators' }),
  viewerCanEdit: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type DatasetView = Static<typeof DatasetView>;

export const DatasetSummary = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  excerpt: Type.String(),
  organization: Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]),
  keywords: Type.Array(Type.String()),
  themes: Type.Array(Type.String()),
  license: Type.String(),
  formats: Type.Array(Type.String()),
  status: Type.String(),
  metrics: Type.Object({ views: Type.Integer(), downloads: Type.Integer() }),
  featured: Type.Boolean({ description: 'Featured on the home page by the platform’s administrators' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type DatasetSummary = Static<typeof DatasetSummary>;

export const DatasetSearchQuery = Type.Object(
  {
    _q: Type.Optional(Type.String({ maxLength: 200 })),
    organization: Type.Optional(Type.String({ maxLength: 64 })),
    theme: Type.Optional(Type.String({ maxLength: 10 })),
    keyword: Type.Optional(Type.String({ maxLength: 60 })),
    license: Type.Optional(Type.String({ maxLength: 40 })),
    format: Type.Optional(Type.String({ maxLength: 20 })),
    status: Type.Optional(Type.Union(datasetStatuses.map((s) => Type.Literal(s)))),
    featured: Type.Optional(Type.Boolean({ description: 'Only the datasets featured on the home page' })),
    _sort: Type.Optional(
      Type.Union(
        [
          Type.Literal('relevance'),
          Type.Literal('-updated'),
          Type.Literal('-popularity'),
          Type.Literal('title'),
          Type.Literal('-featured'),
        ],
        { description: '`-featured`: the most recently featured first, then the others' },
      ),
    ),
    _cursor: Type.Optional(Type.String({ maxLength: 400 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type DatasetSearchQuery = Static<typeof DatasetSearchQuery>;
