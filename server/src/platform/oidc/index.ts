/** Sign-in with OpenID Connect providers (authorization code + PKCE); identities link to accounts. */
export { createOidcService, type OidcService } from './service.js';
/** The sign-in and callback routes of each configured provider. */
export { oidcRoutes } from './routes.js';
