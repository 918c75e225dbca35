import { useApiGet } from '../api/hooks';
import type { BadgeDefinition, TrustLevelRules } from '../api/types';

/** GET /trust-levels: the published trust-level and reputation rules. */
export const useTrustLevels = () => useApiGet<TrustLevelRules>('/trust-levels');

/** GET /badges: badge definitions with their criteria. */
export const useBadges = () => useApiGet<{ items: BadgeDefinition[] }>('/badges');
