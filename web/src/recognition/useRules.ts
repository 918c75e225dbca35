export { useBadges, useTrustLevels } from '../api/recognition';
