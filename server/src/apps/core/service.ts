import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { randomToken, sha256 } from '../../kernel/crypto.js';
import { newId } from '../../kernel/ids.js';
import { decodeCursor, encodeCursor, isKeyCursor, toPage, type Page } from '../../kernel/pagination.js';
import { isSensitiveScope, scopeIds } from '../../kernel/scopes.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { OrganizationAccess } from '../../platform/index.js';
import type { ClientRegistry, OAuthClientRecord } from '../clients.js';
import type { AppRecord, AppsCoreStore } from './store.js';
import type { AppView, CreateAppBody, UpdateAppBody } from './schema.js';

export const CLIENT_ID_PREFIX = 'mtc_';
export const CLIENT_SECRET_PREFIX = 'mts_';
const MANAGING_ROLES = ['owner', 'admin'] as const;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface AppsCoreDeps {
  db: Kysely<Database>;
  store: AppsCoreStore;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  /** Called when credentials may have stopped working (an app deleted), so that caches forget them. */
  onCredentialsChanged?: () => void;
}

/**
 * Checks one redirect URI: absolute, https (or http on a loopback host, for native and development
 * apps), no fragment, no credentials. The string is kept as given: OAuth matches it exactly.
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.includes('#')) return 'must not contain a fragment (#)';
  if (/\s/.test(uri)) return 'must not contain spaces';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return 'must be an absolute URI (https://…)';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return url.hostname ? undefined : 'must name a host';
  if (url.protocol === 'http:')
    return LOOPBACK_HOSTS.has(url.hostname)
      ? undefined
      : 'must use https (http is allowed only on localhost, 127.0.0.1 and [::1])';
  return 'must use https (or http on localhost)';
}

function checkRedirectUris(uris: string[]) {
  const errors = uris.flatMap((uri, i) => {
    const problem = redirectUriProblem(uri);
    return problem ? [{ field: `redirectUris.${i}`, message: `${uri.slice(0, 100)} ${problem}` }] : [];
  });
  if (errors.length)
    throw new AppError('validation_failed', `Invalid redirect URI: ${errors.map((e) => e.message).join('; ')}`, {
      errors,
    });
}

export const toAppView = (a: AppRecord): AppView => ({
  id: a.id,
  clientId: a.clientId,
  name: a.name,
  description: a.description,
  homepage: a.homepage,
  redirectUris: a.redirectUris,
  owner: { id: a.ownerId, handle: a.ownerHandle },
  organization: a.organizationId
    ? { id: a.organizationId, slug: a.organizationSlug ?? '', name: a.organizationName ?? '' }
    : null,
  plan: a.plan,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

/** Event visibility and organization of an app's events. */
export const appEventScope = (a: { organizationId: string | null }) =>
  a.organizationId
    ? { visibility: 'organization' as const, organizationId: a.organizationId }
    : { visibility: 'private' as const };

/** Refuses third-party app credentials where a credential could mint other credentials. */
export function refuseAppCredential(actor: UserActor) {
  if (actor.client)
    throw forbidden(
      "An app's own credentials cannot manage app secrets or keys; use a session or a personal access token",
    );
}

export function createAppService(deps: AppsCoreDeps) {
  const { db, store, events, clock, access } = deps;
  const now = () => clock.now().toISOString();

  /** The app when the actor owns it or administers its organization; otherwise 404 (ids are not to be probed). */
  async function manageable(actor: UserActor, id: string): Promise<AppRecord> {
    const app = await store.findApp(db, id);
    if (!app) throw notFound('App');
    if (app.ownerId === actor.userId || actor.isAdmin) return app;
    if (app.organizationId) {
      const role = await access.roleOf(actor, app.organizationId);
      if (role && (MANAGING_ROLES as readonly string[]).includes(role)) return app;
    }
    throw notFound('App');
  }

  return {
    manageable,

    async create(actor: UserActor, input: CreateAppBody): Promise<AppView & { clientSecret: string }> {
      if (!input.name.trim()) throw invalid('name', 'The name cannot be blank');
      checkRedirectUris(input.redirectUris);
      let organizationId: string | null = null;
      if (input.organization) {
        const org = await access.bySlug(input.organization);
        if (!org) throw invalid('organization', 'No organization has this slug');
        const role = await access.roleOf(actor, org.id);
        if (!actor.isAdmin && !(role && (MANAGING_ROLES as readonly string[]).includes(role))) {
          throw forbidden('Only owners and admins of the organization may register apps for it');
        }
        organizationId = org.id;
      }
      const clientSecret = randomToken(CLIENT_SECRET_PREFIX);
      const at = now();
      const id = newId('app');
      await db.transaction().execute(async (trx) => {
        await store.insertApp(trx, {
          id,
          clientId: CLIENT_ID_PREFIX + randomToken().slice(0, 24),
          clientSecretHash: sha256(clientSecret),
          name: input.name.trim(),
          description: input.description.trim(),
          homepage: input.homepage ?? null,
          redirectUris: input.redirectUris,
          ownerId: actor.userId,
          organizationId,
          createdAt: at,
          updatedAt: at,
        });
        await events.record(trx, {
          type: 'app.registered',
          actorId: actor.userId,
          subjectId: id,
          ...appEventScope({ organizationId }),
          payload: { name: input.name.trim() },
        });
      });
      events.notify();
      const app = await store.findApp(db, id);
      return { ...toAppView(app!), clientSecret };
    },

    async list(actor: UserActor, cursor: string | undefined, limit: number): Promise<Page<AppView>> {
      const after = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const orgIds = await access.organizationIdsOf(actor.userId, MANAGING_ROLES);
      const rows = await store.listApps(db, actor.userId, orgIds, after, limit + 1);
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      return { items: page.items.map(toAppView), nextCursor: page.nextCursor };
    },

    async get(actor: UserActor, id: string): Promise<AppView> {
      return toAppView(await manageable(actor, id));
    },

    async update(actor: UserActor, id: string, input: UpdateAppBody): Promise<AppView> {
      const app = await manageable(actor, id);
      if (input.name !== undefined && !input.name.trim()) throw invalid('name', 'The name cannot be blank');
      if (input.redirectUris) checkRedirectUris(input.redirectUris);
      await db.transaction().execute(async (trx) => {
        await store.updateApp(trx, id, {
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.description !== undefined ? { description: input.description.trim() } : {}),
          ...(input.homepage !== undefined ? { homepage: input.homepage } : {}),
          ...(input.redirectUris ? { redirectUris: input.redirectUris } : {}),
          updatedAt: now(),
        });
        await events.record(trx, {
          type: 'app.updated',
          actorId: actor.userId,
          subjectId: id,
          ...appEventScope(app),
          payload: { fields: Object.keys(input) },
        });
      });
      events.notify();
      return toAppView((await store.findApp(db, id))!);
    },

    /** Soft delete: the app, its keys and its OAuth tokens stop working at once; the history stays. */
    async remove(actor: UserActor, id: string): Promise<void> {
      const app = await manageable(actor, id);
      await db.transaction().execute(async (trx) => {
        await store.deleteApp(trx, id, now());
        deps.onCredentialsChanged?.();
        await events.record(trx, {
          type: 'app.deleted',
          actorId: actor.userId,
          subjectId: id,
          ...appEventScope(app),
          payload: { clientId: app.clientId },
        });
      });
      events.notify();
    },

    /** A new client secret, shown once; the old one stops working now. */
    async resetClientSecret(actor: UserActor, id: string): Promise<{ clientId: string; clientSecret: string }> {
      refuseAppCredential(actor);
      const app = await manageable(actor, id);
      const clientSecret = randomToken(CLIENT_SECRET_PREFIX);
      await db.transaction().execute(async (trx) => {
        await store.updateApp(trx, id, { clientSecretHash: sha256(clientSecret), updatedAt: now() });
        await events.record(trx, {
          type: 'app.client_secret_reset',
          actorId: actor.userId,
          subjectId: id,
          ...appEventScope(app),
        });
      });
      events.notify();
      return { clientId: app.clientId, clientSecret };
    },
  };
}
export type AppService = ReturnType<typeof createAppService>;

/** Every non-sensitive scope, plus the sensitive ones covered by an approved accreditation. */
export async function allowedScopesOf(db: Kysely<Database>, store: AppsCoreStore, appId: string): Promise<string[]> {
  const accredited = new Set((await store.approvedScopes(db, appId)).flat());
  return scopeIds.filter((s) => !isSensitiveScope(s) || accredited.has(s));
}

/** The OAuth server's view of apps (see apps/clients.ts). */
export function createClientRegistry(deps: { db: Kysely<Database>; store: AppsCoreStore }): ClientRegistry {
  const { db, store } = deps;
  return {
    async findByClientId(clientId: string): Promise<OAuthClientRecord | undefined> {
      const app = await store.findAppByClientId(db, clientId);
      if (!app) return undefined;
      return {
        appId: app.id,
        clientId: app.clientId,
        clientSecretHash: app.clientSecretHash,
        name: app.name,
        description: app.description,
        homepage: app.homepage,
        ownerId: app.ownerId,
        organizationId: app.organizationId,
        redirectUris: app.redirectUris,
        allowedScopes: await allowedScopesOf(db, store, app.id),
      };
    },
  };
}
