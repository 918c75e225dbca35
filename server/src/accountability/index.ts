/**
 * The public commitments page's read model (`GET /api/v1/accountability`). It owns no table: the composition root
 * passes each capability's measurements (`CommitmentSources`).
 */
export { createCommitmentsService, PLATFORM_TARGETS, type CommitmentSources } from './service.js';
export { commitmentsRoutes } from './routes.js';
