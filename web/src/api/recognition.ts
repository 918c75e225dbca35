/** Profiles, reputation, badges, trust levels, leaderboards: types from the generated schema, and hooks. */
import { api } from './client';
import { useApiQuery } from './query';
import type { QueryOf, ResponseData } from './schema';

export type UserProfile = ResponseData<'/api/v1/users/{handle}', 'get'>;
export type Localized = UserProfile['badges'][number]['name'];
export type ReputationPage = ResponseData<'/api/v1/users/{handle}/reputation', 'get'>;
export type ReputationEntry = ReputationPage['items'][number];
export type BadgeDefinition = ResponseData<'/api/v1/badges', 'get'>['items'][number];
export type TrustLevelRules = ResponseData<'/api/v1/trust-levels', 'get'>;
export type TrustLevelRule = TrustLevelRules['levels'][number];
export type Leaderboard = ResponseData<'/api/v1/leaderboards', 'get'>;
export type LeaderboardPeriod = 'week' | 'month' | 'all';
export type Contributor = ResponseData<'/api/v1/datasets/{slug}/contributors', 'get'>['items'][number];
export type ReviewStats = ResponseData<'/api/v1/organizations/{slug}/review-stats', 'get'>;

const USER = '/api/v1/users/{handle}';

export const useProfile = (handle: string) => useApiQuery(USER, { params: { path: { handle } } });
/** GET /trust-levels: the published trust-level and reputation rules. */
export const useTrustLevels = () => useApiQuery('/api/v1/trust-levels', {});
/** GET /badges: badge definitions with their criteria. */
export const useBadges = () => useApiQuery('/api/v1/badges', {});
export const useLeaderboard = (query: QueryOf<'/api/v1/leaderboards'>) =>
  useApiQuery('/api/v1/leaderboards', { params: { query } });
export const useDatasetContributors = (slug: string) =>
  useApiQuery('/api/v1/datasets/{slug}/contributors', { params: { path: { slug }, query: { _limit: 100 } } });
export const useReviewStats = (slug: string) =>
  useApiQuery('/api/v1/organizations/{slug}/review-stats', { params: { path: { slug } } });

/** One page of a user's reputation ledger (the page follows `next` cursors itself). */
export const fetchReputationPage = (
  handle: string,
  query: QueryOf<`${typeof USER}/reputation`>,
  signal?: AbortSignal,
) => api.GET(`${USER}/reputation`, { params: { path: { handle }, query }, signal });
