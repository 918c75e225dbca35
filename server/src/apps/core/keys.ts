import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, conflict, invalid, notFound } from '../../kernel/errors.js';
import { randomToken, sha256 } from '../../kernel/crypto.js';
import { newId } from '../../kernel/ids.js';
import { isSensitiveScope } from '../../kernel/scopes.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { BearerResolver } from '../../platform/index.js';
import type { AppsCoreStore, KeyRecord } from './store.js';
import {
  DEFAULT_OVERLAP_SECONDS,
  type CreateKeyBody,
  type CreatedKey,
  type KeyView,
  type RotateKeyBody,
} from './schema.js';
import { appEventScope, refuseAppCredential, type AppService } from './service.js';
import type { TtlCache } from '../../kernel/ttl-cache.js';

export const KEY_PREFIX = 'mtk_';
/** The visible part of a key kept in the `prefix` column: mtk_ and 8 characters. */
const VISIBLE_CHARS = 12;
// last_used_at is written at most once a minute per key, so reads stay reads.
const TOUCH_INTERVAL_MS = 60_000;

export const keyStatus = (
  k: Pick<KeyRecord, 'revokedAt' | 'expiresAt' | 'replacedBy'>,
  now: Date,
): KeyView['status'] => {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && new Date(k.expiresAt) <= now) return 'expired';
  return k.replacedBy ? 'rotating' : 'active';
};

/** A sensitive scope outside the app's approved accreditations: 403 accreditation_required. */
export function accreditationRequired(scopes: string[]) {
  return new AppError(
    'accreditation_required',
    `The scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')} ${scopes.length > 1 ? 'are' : 'is'} sensitive: the app needs an approved accreditation from the organization concerned (POST /api/v1/apps/{id}/accreditations)`,
  );
}

export type KeyForAuth = NonNullable<Awaited<ReturnType<AppsCoreStore['findKeyForAuth']>>>;

/** How long an instance trusts a resolved key without asking the database again (revocations elsewhere take at most this long). */
export const KEY_CACHE_TTL_MS = 5_000;

export function createKeyService(deps: {
  db: Kysely<Database>;
  store: AppsCoreStore;
  events: EventRecorder;
  clock: Clock;
  apps: AppService;
  cache: TtlCache<KeyForAuth | null>;
}) {
  const { db, store, events, clock, apps, cache } = deps;
  const toView = (k: KeyRecord): KeyView => ({
    id: k.id,
    appId: k.appId,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdBy: { id: k.createdBy, handle: k.createdByHandle },
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
    replacedBy: k.replacedBy,
    status: keyStatus(k, clock.now()),
  });

  async function checkScopes(appId: string, scopes: string[]) {
    const sensitive = scopes.filter(isSensitiveScope);
    if (!sensitive.length) return;
    const accredited = new Set((await store.approvedScopes(db, appId)).flat());
    const missing = sensitive.filter((s) => !accredited.has(s));
    if (missing.length) throw accreditationRequired(missing);
  }

  async function mint(
    trx: Kysely<Database>,
    actor: UserActor,
    appId: string,
    name: string,
    scopes: string[],
    expiresAt: string | null,
  ) {
    const secret = randomToken(KEY_PREFIX);
    const id = newId('key');
    await store.insertKey(trx, {
      id,
      appId,
      name,
      prefix: secret.slice(0, VISIBLE_CHARS),
      secretHash: sha256(secret),
      scopes,
      createdBy: actor.userId,
      createdAt: clock.now().toISOString(),
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      replacedBy: null,
    });
    return { id, secret };
  }

  async function found(appId: string, keyId: string) {
    const key = await store.findKey(db, appId, keyId);
    if (!key) throw notFound('Key');
    return key;
  }

  return {
    async create(actor: UserActor, appId: string, input: CreateKeyBody): Promise<CreatedKey> {
      refuseAppCredential(actor);
      const app = await apps.manageable(actor, appId);
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt <= clock.now()) throw invalid('expiresAt', 'The expiry date must be in the future');
      await checkScopes(app.id, input.scopes);
      const minted = await db.transaction().execute(async (trx) => {
        const m = await mint(trx, actor, app.id, input.name.trim(), input.scopes, expiresAt?.toISOString() ?? null);
        await events.record(trx, {
          type: 'app.key_created',
          actorId: actor.userId,
          subjectId: app.id,
          ...appEventScope(app),
          payload: { keyId: m.id, scopes: input.scopes },
        });
        return m;
      });
      events.notify();
      return { ...toView(await found(app.id, minted.id)), key: minted.secret };
    },

    async list(actor: UserActor, appId: string): Promise<KeyView[]> {
      const app = await apps.manageable(actor, appId);
      return (await store.listKeys(db, app.id)).map(toView);
    },

    /**
     * A new key with the same name, scopes and expiry; the old one keeps working for `overlapSeconds`
     * (default 24 hours), then answers 401.
     */
    async rotate(
      actor: UserActor,
      appId: string,
      keyId: string,
      input: RotateKeyBody,
    ): Promise<{ key: CreatedKey; previous: KeyView }> {
      refuseAppCredential(actor);
      const app = await apps.manageable(actor, appId);
      const old = await found(app.id, keyId);
      const status = keyStatus(old, clock.now());
      if (status !== 'active')
        throw conflict(`This key is ${status === 'rotating' ? 'already rotated' : status}; create a new key instead`);
      await checkScopes(app.id, old.scopes);
      const overlapEnd = new Date(clock.now().getTime() + (input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000);
      const oldExpiry =
        old.expiresAt && new Date(old.expiresAt) < overlapEnd ? old.expiresAt : overlapEnd.toISOString();
      const minted = await db.transaction().execute(async (trx) => {
        const m = await mint(trx, actor, app.id, old.name, old.scopes, old.expiresAt);
        await store.markRotated(trx, old.id, m.id, oldExpiry);
        cache.clear();
        await events.record(trx, {
          type: 'app.key_rotated',
          actorId: actor.userId,
          subjectId: app.id,
          ...appEventScope(app),
          payload: { keyId: old.id, replacedBy: m.id, overlapEndsAt: oldExpiry },
        });
        return m;
      });
      // Again once committed: another instance (told through the cluster bus) may have re-read the old row meanwhile.
      cache.clear();
      events.notify();
      return {
        key: { ...toView(await found(app.id, minted.id)), key: minted.secret },
        previous: toView(await found(app.id, old.id)),
      };
    },

    /** Revocation takes effect at once. */
    async revoke(actor: UserActor, appId: string, keyId: string): Promise<void> {
      const app = await apps.manageable(actor, appId);
      const key = await found(app.id, keyId);
      if (key.revokedAt) throw notFound('Key');
      await db.transaction().execute(async (trx) => {
        await store.revokeKey(trx, key.id, clock.now().toISOString());
        cache.clear();
        await events.record(trx, {
          type: 'app.key_revoked',
          actorId: actor.userId,
          subjectId: app.id,
          ...appEventScope(app),
          payload: { keyId: key.id },
        });
      });
      // Again once committed: another instance (told through the cluster bus) may have re-read the old row meanwhile.
      cache.clear();
      events.notify();
    },

    /**
     * `Authorization: Bearer mtk_…`: the key acts for the developer who created it, within the key's
     * scopes, never with platform-administrator powers. Unknown, expired, revoked, rotated past the
     * overlap, or of a deleted app: undefined (401).
     */
    bearer: {
      name: 'app-key',
      matches: (credential: string) => credential.startsWith(KEY_PREFIX),
      async resolve(credential: string): Promise<UserActor | undefined> {
        // A key is read on every call it makes: resolved rows (and unknown hashes) are kept a few seconds.
        const hash = sha256(credential);
        const now = clock.now();
        let row = cache.get(hash, now.getTime());
        if (row === undefined) {
          row = (await store.findKeyForAuth(db, hash)) ?? null;
          cache.set(hash, row, now.getTime());
        }
        if (!row || row.revokedAt) return undefined;
        if (row.expiresAt && new Date(row.expiresAt) <= now) return undefined;
        if (!row.lastUsedAt || now.getTime() - new Date(row.lastUsedAt).getTime() > TOUCH_INTERVAL_MS) {
          await store.touchKey(db, row.id, now.toISOString());
          row.lastUsedAt = now.toISOString();
        }
        return {
          kind: 'user',
          userId: row.userId,
          handle: row.handle,
          isAdmin: false,
          via: 'key',
          scopes: new Set(row.scopes),
          client: { appId: row.appId, keyId: row.id },
        };
      },
    } satisfies BearerResolver,
  };
}
export type KeyService = ReturnType<typeof createKeyService>;
