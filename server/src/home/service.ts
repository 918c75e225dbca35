import type { Static } from '@sinclair/typebox';
import type { Clock } from '../kernel/clock.js';
import { createTtlCache } from '../kernel/ttl-cache.js';
import type { DatasetSummary } from '../data/index.js';
import type { ReuseSummary } from '../apps/index.js';
import type { LatestAccepted } from '../community/index.js';
import type { HomeView } from './schema.js';

/**
 * What the home page reads from each capability: each computes its own figures behind its index.ts, and the
 * composition root hands them here as plain functions. Nothing here knows a table.
 */
export interface HomeSources {
  catalogFigures(): Promise<{ datasets: number; rows: number }>;
  contributionFigures(): Promise<{ contributors: number; acceptedThisMonth: number }>;
  reviewFigures(): Promise<{ windowDays: number; medianSecondsToReview: number | null }>;
  latestAccepted(limit: number): Promise<LatestAccepted[]>;
  /** Published datasets, as an anonymous visitor sees them. */
  datasets(sort: '-featured' | '-popularity', limit: number): Promise<Array<Static<typeof DatasetSummary>>>;
  reuses(sort: 'featured' | 'popular', limit: number): Promise<Array<Static<typeof ReuseSummary>>>;
}

const LIST_SIZE = 4;
const LATEST = 6;

/**
 * The home page's data, the same for every visitor (public data only), kept `cacheMs` in process: the page is
 * the most visited and its figures may be a little late. Other instances keep their own copy.
 */
export function createHomeService(deps: { sources: HomeSources; clock: Clock; cacheMs?: number }) {
  const cacheMs = deps.cacheMs ?? 30_000;
  const cache = createTtlCache<HomeView>({ ttlMs: cacheMs, max: 1 });
  const { sources } = deps;

  async function compute(): Promise<HomeView> {
    const [catalog, contributions, reviews, latest, featured, popular, featuredReuses, popularReuses] =
      await Promise.all([
        sources.catalogFigures(),
        sources.contributionFigures(),
        sources.reviewFigures(),
        sources.latestAccepted(LATEST),
        sources.datasets('-featured', LIST_SIZE),
        sources.datasets('-popularity', LIST_SIZE),
        sources.reuses('featured', LIST_SIZE),
        sources.reuses('popular', LIST_SIZE),
      ]);
    return {
      figures: {
        datasets: catalog.datasets,
        rows: catalog.rows,
        contributors: contributions.contributors,
        acceptedThisMonth: contributions.acceptedThisMonth,
        medianReviewSeconds: reviews.medianSecondsToReview,
        reviewWindowDays: reviews.windowDays,
      },
      featuredDatasets: featured.filter((d) => d.featured),
      popularDatasets: popular,
      featuredReuses: featuredReuses.filter((r) => r.featuredBy.length > 0),
      popularReuses,
      latestContributions: latest,
    };
  }

  return {
    async view(): Promise<HomeView> {
      const now = deps.clock.now().getTime();
      const cached = cacheMs > 0 ? cache.get('home', now) : undefined;
      if (cached) return cached;
      const fresh = await compute();
      if (cacheMs > 0) cache.set('home', fresh, now);
      return fresh;
    },
  };
}
export type HomeService = ReturnType<typeof createHomeService>;
