import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { isScope, isSensitiveScope, scopeIds, scopes as scopeDescriptions } from '../../kernel/scopes.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import type { ClientRegistry, OAuthClientRecord } from '../clients.js';
import type { OidcGrant, OidcInteraction, OidcProvider, OidcToken } from './provider.js';
import type { OAuthStore } from './store.js';
import type { AuthorizedApp, InteractionView, OAuthAppSummary, ScopeView } from './schema.js';

/** The OpenID Connect scopes, described as the consent screen shows them. */
const OIDC_SCOPES: Record<string, string> = {
  openid: 'Know who you are on this platform (your account identifier)',
  offline_access: 'Keep access when you are not using the app',
};

const describe = (id: string): ScopeView => ({
  id,
  description: (scopeDescriptions as Record<string, string>)[id] ?? OIDC_SCOPES[id] ?? id,
  sensitive: isSensitiveScope(id),
});
const words = (s: string | undefined) => (s ?? '').split(' ').filter(Boolean);

export interface OAuthServiceDeps {
  db: Kysely<Database>;
  /** The protocol engine, built on first use. */
  provider: () => Promise<OidcProvider>;
  store: OAuthStore;
  clients: ClientRegistry;
  events: EventRecorder;
  directory: Directory;
  apiResource: string;
  /** The user's handle and existence, for bearer tokens. */
  findUser(userId: string): Promise<{ id: string; handle: string } | undefined>;
}

export function createOAuthService(deps: OAuthServiceDeps) {
  const { db, provider, store, clients, events, directory, apiResource } = deps;

  async function appSummary(client: OAuthClientRecord): Promise<OAuthAppSummary> {
    const [owner] = await directory.usersByIds([client.ownerId]);
    const [organization] = client.organizationId ? await directory.organizationsByIds([client.organizationId]) : [];
    return {
      id: client.appId,
      name: client.name,
      description: client.description,
      homepage: client.homepage,
      owner: { handle: owner?.handle ?? 'unknown', name: owner?.name ?? '' },
      organization: organization ? { slug: organization.slug, name: organization.name } : null,
    };
  }

  async function latestGrant(userId: string, clientId: string): Promise<OidcGrant | undefined> {
    const [row] = await store.grantsOf(userId, clientId);
    return row ? (await provider()).Grant.find(row.id) : undefined;
  }

  /** What an interaction asks of a user: the scopes requested, and those not granted yet. */
  async function requestOf(userId: string, interaction: OidcInteraction) {
    const client = await clients.findByClientId(interaction.params.client_id);
    if (!client) throw notFound('App');
    const requested = [...new Set(words(interaction.params.scope))];
    // oidc-provider refused any scope the client may not have before the interaction started; keep ours only.
    const allowed = new Set(client.allowedScopes);
    const resourceScopes = requested.filter((s) => isScope(s) && allowed.has(s));
    const oidcScopes = requested.filter((s) => s in OIDC_SCOPES);
    const grant = await latestGrant(userId, client.clientId);
    const grantedResource = new Set(words(grant?.getResourceScope(apiResource)));
    const grantedOidc = new Set(words(grant?.getOIDCScope()));
    // Our scopes are also "static" scopes for oidc-provider (so that a scope the client may not have is
    // refused with invalid_scope): a grant holds them both as OpenID scopes and as the API's scopes.
    const granted = (s: string) => grantedOidc.has(s) && (s in OIDC_SCOPES || grantedResource.has(s));
    const all = [...oidcScopes, ...resourceScopes];
    // prompt=consent (or login) asks for the screen even when everything was allowed before.
    const prompted = words(interaction.params.prompt).some((p) => p === 'consent' || p === 'login');
    return {
      client,
      grant,
      resourceScopes,
      oidcScopes,
      all,
      missing: all.filter((s) => !granted(s)),
      granted,
      prompted,
    };
  }

  async function finish(
    interaction: OidcInteraction,
    result: Record<string, unknown>,
    userId?: string,
  ): Promise<string> {
    // The provider's browser session belongs to someone else (who signed out of Multitude since): end it
    // here, rather than through oidc-provider's logout confirmation page.
    if (userId && interaction.session?.accountId && interaction.session.accountId !== userId) {
      if (interaction.session.cookie) await new store.KyselyAdapter('Session').destroy(interaction.session.cookie);
      delete interaction.session;
    }
    interaction.result = result;
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
    return interaction.returnTo;
  }

  async function findInteraction(uid: string): Promise<OidcInteraction> {
    const interaction = await (await provider()).Interaction.find(uid);
    if (!interaction)
      throw new AppError('not_found', 'This authorization request expired or does not exist; start again from the app');
    return interaction;
  }

  async function allow(actor: UserActor, interaction: OidcInteraction): Promise<string> {
    const { client, grant: existing, resourceScopes, oidcScopes, missing } = await requestOf(actor.userId, interaction);
    const grant = existing ?? new (await provider()).Grant({ accountId: actor.userId, clientId: client.clientId });
    if (oidcScopes.length || resourceScopes.length) grant.addOIDCScope([...oidcScopes, ...resourceScopes].join(' '));
    if (resourceScopes.length) grant.addResourceScope(apiResource, resourceScopes.join(' '));
    const grantId = await grant.save();
    const redirectTo = await finish(
      interaction,
      { login: { accountId: actor.userId }, consent: { grantId } },
      actor.userId,
    );
    if (missing.length || !existing) {
      await db.transaction().execute((trx) =>
        events.record(trx, {
          type: 'oauth.authorized',
          actorId: actor.userId,
          subjectId: client.appId,
          visibility: 'private',
          payload: { appId: client.appId, grantId, scopes: [...oidcScopes, ...resourceScopes] },
        }),
      );
      events.notify();
    }
    return redirectTo;
  }

  return {
    apiResource,

    /** The consent screen's content. */
    async interaction(actor: UserActor, uid: string): Promise<InteractionView> {
      const interaction = await findInteraction(uid);
      const { client, all, missing, granted, prompted } = await requestOf(actor.userId, interaction);
      return {
        uid,
        app: await appSummary(client),
        scopes: all.map((s) => ({ ...describe(s), alreadyGranted: granted(s) })),
        consentRequired: missing.length > 0 || prompted,
      };
    },

    /** Allow (login + consent: the grant is created or extended) or deny (the app gets access_denied). */
    async decide(actor: UserActor, uid: string, decision: 'allow' | 'deny'): Promise<{ redirectTo: string }> {
      const interaction = await findInteraction(uid);
      if (decision === 'deny') {
        return {
          redirectTo: await finish(interaction, {
            error: 'access_denied',
            error_description: 'The user refused to authorize the app',
          }),
        };
      }
      return { redirectTo: await allow(actor, interaction) };
    },

    /**
     * Entering the consent page: when the signed-in user already allowed everything asked, the
     * interaction is finished at once (only the provider's own session was missing) and the browser goes on.
     */
    async finishIfNothingToAsk(actor: UserActor, interaction: OidcInteraction): Promise<string | undefined> {
      const { missing, prompted } = await requestOf(actor.userId, interaction);
      if (missing.length || prompted) return undefined;
      return allow(actor, interaction);
    },

    /** `Authorization: Bearer <opaque OAuth access token>` → the user (or, for client credentials, the app's owner). */
    async actorFromToken(value: string): Promise<UserActor | undefined> {
      if (value.length > 256 || !/^[\w-]+$/.test(value)) return undefined;
      const engine = await provider();
      const token: OidcToken | undefined =
        (await engine.AccessToken.find(value)) ?? (await engine.ClientCredentials.find(value));
      if (!token || token.isExpired) return undefined;
      // Only tokens for this API (not an OpenID-only token, not another resource's).
      const audiences = Array.isArray(token.aud) ? token.aud : [token.aud];
      if (!audiences.includes(apiResource)) return undefined;
      const client = await clients.findByClientId(token.clientId);
      if (!client) return undefined;
      let userId: string;
      if (token.kind === 'AccessToken') {
        if (!token.grantId || !token.accountId) return undefined;
        const grant = await engine.Grant.find(token.grantId);
        if (!grant || grant.accountId !== token.accountId || grant.clientId !== token.clientId) return undefined;
        userId = token.accountId;
      } else {
        userId = client.ownerId;
      }
      const user = await deps.findUser(userId);
      if (!user) return undefined;
      // An accreditation withdrawn since the token was issued takes its scopes away at once.
      const allowed = new Set(client.allowedScopes);
      const tokenScopes = words(token.scope).filter((s) => isScope(s) && allowed.has(s));
      return {
        kind: 'user',
        userId: user.id,
        handle: user.handle,
        // An app never acts with administrator powers.
        isAdmin: false,
        via: 'oauth',
        scopes: new Set(tokenScopes),
        client:
          token.kind === 'AccessToken' ? { appId: client.appId, grantId: token.grantId } : { appId: client.appId },
      };
    },

    /** The apps the user authorized, with what they may do. */
    async authorizedApps(actor: UserActor): Promise<AuthorizedApp[]> {
      const grants = await store.grantsOf(actor.userId);
      const byClient = new Map<string, typeof grants>();
      for (const g of grants) byClient.set(g.clientId, [...(byClient.get(g.clientId) ?? []), g]);
      const items: AuthorizedApp[] = [];
      for (const [clientId, rows] of byClient) {
        const client = await clients.findByClientId(clientId);
        if (!client) continue;
        const granted = new Set<string>();
        for (const row of rows) {
          const payload = row.payload as { resources?: Record<string, string>; openid?: { scope?: string } };
          for (const s of words(payload.openid?.scope)) granted.add(s);
          for (const s of words(payload.resources?.[apiResource])) granted.add(s);
        }
        const ordered = [...Object.keys(OIDC_SCOPES), ...scopeIds].filter((s) => granted.has(s));
        items.push({
          app: await appSummary(client),
          scopes: ordered.map(describe),
          firstAuthorizedAt: rows.map((r) => r.createdAt).sort()[0]!,
          lastAuthorizedAt: rows
            .map((r) => r.updatedAt)
            .sort()
            .at(-1)!,
        });
      }
      return items.sort((a, b) => b.lastAuthorizedAt.localeCompare(a.lastAuthorizedAt));
    },

    /** Withdraws every grant the user gave the app, with every code and token issued under them. */
    async revokeApp(actor: UserActor, appId: string): Promise<void> {
      const grants = await store.grantsOf(actor.userId);
      const clientIds = [...new Set(grants.map((g) => g.clientId))];
      let revoked: OAuthClientRecord | undefined;
      for (const clientId of clientIds) {
        const client = await clients.findByClientId(clientId);
        if (client?.appId !== appId) continue;
        revoked = client;
        for (const g of grants.filter((x) => x.clientId === clientId)) await store.destroyGrant(g.id);
      }
      if (!revoked) throw notFound('Authorized app');
      await db.transaction().execute((trx) =>
        events.record(trx, {
          type: 'oauth.revoked',
          actorId: actor.userId,
          subjectId: appId,
          visibility: 'private',
          payload: { appId },
        }),
      );
      events.notify();
    },

    /** Erasure of an account: every grant it gave, with the codes and tokens issued under them. */
    async forgetUser(userId: string): Promise<void> {
      for (const g of await store.grantsOf(userId)) await store.destroyGrant(g.id);
    },

    /** Housekeeping: expired codes, tokens, sessions and interactions. */
    deleteExpired: () => store.deleteExpired(),
  };
}
export type OAuthService = ReturnType<typeof createOAuthService>;
