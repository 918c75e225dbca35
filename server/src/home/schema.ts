import { Type, type Static } from '@sinclair/typebox';
import { DatasetSummary } from '../data/index.js';
import { ReuseSummary } from '../apps/index.js';

export const HomeFigures = Type.Object({
  datasets: Type.Integer({ description: 'Published datasets' }),
  rows: Type.Integer({ description: 'Rows in the live tables of published datasets (publishers’ resources)' }),
  contributors: Type.Integer({ description: 'People with at least one accepted contribution' }),
  acceptedThisMonth: Type.Integer({ description: 'Contributions accepted since the first day of the month (UTC)' }),
  medianReviewSeconds: Type.Union([Type.Number(), Type.Null()], {
    description: 'Median time from proposal to review over the last `reviewWindowDays` days; null without reviews',
  }),
  reviewWindowDays: Type.Integer(),
});

export const LatestContribution = Type.Object({
  id: Type.String(),
  dataset: Type.Object({ slug: Type.String(), title: Type.String() }),
  author: Type.Object({ handle: Type.String(), name: Type.String() }),
  changes: Type.Integer({ description: 'Changes applied' }),
  partial: Type.Boolean({ description: 'Only part of the proposal was accepted' }),
  acceptedAt: Type.String({ format: 'date-time' }),
});

export const HomeView = Type.Object({
  figures: HomeFigures,
  featuredDatasets: Type.Array(DatasetSummary, {
    description: 'Chosen by the platform’s administrators, the most recently featured first',
  }),
  popularDatasets: Type.Array(DatasetSummary, { description: 'The most viewed and downloaded' }),
  featuredReuses: Type.Array(ReuseSummary, { description: 'Reuses featured by organizations' }),
  popularReuses: Type.Array(ReuseSummary, { description: 'The most viewed reuses' }),
  latestContributions: Type.Array(LatestContribution, {
    description: 'The latest accepted contributions, on datasets anyone may see',
  }),
});
export type HomeView = Static<typeof HomeView>;
