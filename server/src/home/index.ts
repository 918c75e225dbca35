/**
 * The home page's read model. It owns no table: the composition root passes each capability's figures and lists
 * (`HomeSources`), and this module composes and caches them for `GET /api/v1/home`.
 */
export { createHomeService, type HomeService, type HomeSources } from './service.js';
export { homeRoutes } from './routes.js';
