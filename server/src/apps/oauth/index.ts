import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { BearerResolver } from '../../platform/index.js';
import type { Platform } from '../../platform/index.js';
import type { ClientRegistry } from '../clients.js';
import { apiResourceOf, createOAuthProvider, loadSigningKeys, type OidcProvider } from './provider.js';
import { createOAuthService } from './service.js';
import { createOAuthStore } from './store.js';
import { oauthApiRoutes, oauthRootRoutes } from './routes.js';

export interface OAuthDeps {
  db: Db;
  events: EventRecorder;
  platform: Platform;
  clients: ClientRegistry;
  secretKey: string;
  baseUrl: string;
  logger: { warn(o: object, m: string): void };
}

/** Credentials the other resolvers own: personal tokens (mtp_) and app keys (mtk_). */
const OTHER_PREFIXES = ['mtp_', 'mtk_'];
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The OAuth 2.1 authorization server (oidc-provider), its consent flow and the user's authorized apps.
 * Contract: `bearer` resolves any token without the `mtp_`/`mtk_` prefixes as an access token; `rootRoutes`
 * mount the provider at the root (issuer = base URL), `apiRoutes` under /api/v1; `start` runs the hourly
 * cleanup of expired artifacts until `stop`.
 */
export function createOAuth(deps: OAuthDeps) {
  const db = deps.db.kysely;
  const store = createOAuthStore(db);
  // Built on first use: a new database generates its signing keys then (an RSA key takes ~0.2 s), so a
  // server that never sees OAuth — and every test app — starts without paying for it.
  let built: Promise<OidcProvider> | undefined;
  const provider = (): Promise<OidcProvider> =>
    (built ??= (async () => {
      const jwks = await loadSigningKeys(store, deps.secretKey);
      const p = await createOAuthProvider({
        baseUrl: deps.baseUrl,
        secretKey: deps.secretKey,
        store,
        clients: deps.clients,
        jwks,
        sessionUser: async (sessionId) => (await deps.platform.accounts.actorFromSession(sessionId))?.userId,
        accountExists: async (userId) => (await deps.platform.accountStore.findById(db, userId)) !== undefined,
      });
      p.on('server_error', (_ctx, error) => deps.logger.warn({ err: String(error) }, 'oauth server error'));
      return p;
    })().catch((error: unknown) => {
      built = undefined; // the next request tries again
      throw error;
    }));
  const service = createOAuthService({
    db,
    provider,
    store,
    clients: deps.clients,
    events: deps.events,
    directory: deps.platform.directory,
    apiResource: apiResourceOf(deps.baseUrl),
    findUser: async (userId) => {
      const user = await deps.platform.accountStore.findById(db, userId);
      return user && { id: user.id, handle: user.handle };
    },
  });
  const bearer: BearerResolver = {
    name: 'oauth-access-token',
    matches: (credential) => !OTHER_PREFIXES.some((p) => credential.startsWith(p)),
    resolve: (credential) => service.actorFromToken(credential),
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    provider,
    service,
    store,
    bearer,
    async apiRoutes(api: FastifyInstance) {
      await api.register(oauthApiRoutes, { oauth: service });
    },
    rootRoutes: (app: FastifyInstance) => oauthRootRoutes(app, { provider, oauth: service, baseUrl: deps.baseUrl }),
    start() {
      timer = setInterval(
        () =>
          void service
            .deleteExpired()
            .catch((e: unknown) => deps.logger.warn({ err: String(e) }, 'oauth cleanup failed')),
        CLEANUP_INTERVAL_MS,
      );
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
export type OAuth = ReturnType<typeof createOAuth>;
