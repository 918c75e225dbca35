export { createOidcService, type OidcService } from './service.js';
export { oidcRoutes } from './routes.js';
