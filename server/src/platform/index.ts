import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { EventRecorder } from '../events/recorder.js';
import { createAccountStore } from './accounts/store.js';
import { createAccountService } from './accounts/service.js';
import { accountRoutes } from './accounts/routes.js';
import { createLoginThrottle, createRedisLoginThrottle } from './accounts/login-throttle.js';
import { createTokenStore } from './tokens/store.js';
import { createTokenService } from './tokens/service.js';
import { tokenRoutes } from './tokens/routes.js';
import { createOrganizationStore } from './organizations/store.js';
import { createOrganizationService } from './organizations/service.js';
import { organizationRoutes } from './organizations/routes.js';
import { createMailStore } from './mail/store.js';
import { createMailService } from './mail/service.js';
import { createDirectory } from './directory.js';
import { createOrganizationAccess } from './access.js';
import { seedDemo } from './demo.js';
import { createBackOffice } from './back-office/service.js';
import { backOfficeRoutes } from './back-office/routes.js';
import type { PersonalDataAccessRecorder } from '../kernel/personal-data.js';

export { authPlugin, userOf, SESSION_COOKIE, type BearerResolver, type ClientScopeCheck } from './auth-plugin.js';
export { createOidcService, oidcRoutes } from './oidc/index.js';
export type { MailMessage, MailService } from './mail/service.js';
export type { AccountStore } from './accounts/store.js';
export { devMailRoutes } from './mail/routes.js';
export { DEMO_EMAIL } from './demo.js';
export { can, organizationPermissions, roles, type Role, type Action } from './policy.js';
export type { OrganizationAccess, OrganizationRef } from './access.js';

export interface PlatformDeps {
  db: Kysely<Database>;
  /** PostgreSQL's senders skip the mails another sender is claiming (mail/store.ts). */
  dialect?: 'sqlite' | 'postgres';
  events: EventRecorder;
  clock: Clock;
  secretKey: string;
  baseUrl: string;
  smtpUrl?: string;
  mailFrom: string;
  logger?: { warn(o: object, m: string): void };
  /** The server's Redis connection (kernel/redis.ts): sign-in counters shared by every instance; in memory otherwise. */
  redis?: Redis;
  /** Prefix of the sign-in throttle's keys in Redis (`mt:login:`). */
  loginThrottlePrefix?: string;
  /** Where reads of someone's personal data are recorded (the ledger's personal-data access log). */
  dataAccess: PersonalDataAccessRecorder;
  /** Sign-in throttle limits (tests lower them); 5 per account and 50 per address otherwise. */
  loginLimits?: { perAccount?: number; perAddress?: number };
}

/**
 * Builds the platform capability: accounts, sessions, tokens, organizations, mail.
 * Contract: built first, since every other capability takes its read models (`directory`, `access`) and the
 * `mail` outbox; `accountStore` is handed out only to the composition root's narrow adapters.
 */
export function createPlatform(deps: PlatformDeps) {
  const { db, events, clock } = deps;
  const accountStore = createAccountStore();
  const organizationStore = createOrganizationStore();
  const mail = createMailService({
    db,
    store: createMailStore(deps.dialect),
    clock,
    smtpUrl: deps.smtpUrl,
    from: deps.mailFrom,
    logger: deps.logger,
  });
  const now = () => clock.now().getTime();
  const throttle = deps.redis
    ? createRedisLoginThrottle({
        client: deps.redis,
        prefix: deps.loginThrottlePrefix,
        now,
        logger: deps.logger,
        ...deps.loginLimits,
      })
    : createLoginThrottle({ now, ...deps.loginLimits });
  const accounts = createAccountService({
    db,
    store: accountStore,
    events,
    mail,
    clock,
    throttle,
    secretKey: deps.secretKey,
    baseUrl: deps.baseUrl,
  });
  const tokens = createTokenService({ db, store: createTokenStore(), events, clock });
  accounts.onErase(async () => tokens.clearCache());
  const organizations = createOrganizationService({
    db,
    store: organizationStore,
    accounts: accountStore,
    events,
    mail,
    clock,
    baseUrl: deps.baseUrl,
  });
  const directory = createDirectory(db, accountStore, organizationStore);
  const access = createOrganizationAccess(db, organizationStore);
  const backOffice = createBackOffice({
    db,
    accounts: accountStore,
    organizations: organizationStore,
    dataAccess: deps.dataAccess,
    events,
  });

  return {
    accounts,
    tokens,
    organizations,
    mail,
    directory,
    access,
    /** The one account store: read by the composition root for narrow read models and event consumers. */
    accountStore,
    seedDemo: (options?: { force?: boolean }) => seedDemo({ db, accounts, accountStore, organizations }, options),
    /** The platform's HTTP routes, to register under /api/v1. */
    routes: async (app: FastifyInstance, opts: { secureCookies: boolean }) => {
      await app.register(accountRoutes, { accounts, secureCookies: opts.secureCookies });
      await app.register(tokenRoutes, { tokens });
      await app.register(organizationRoutes, { organizations, baseUrl: deps.baseUrl });
      await app.register(backOfficeRoutes, { backOffice });
    },
  };
}
export type Platform = ReturnType<typeof createPlatform>;
