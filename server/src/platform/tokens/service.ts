import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { invalid, notFound } from '../../kernel/errors.js';
import { randomToken, sha256 } from '../../kernel/crypto.js';
import { newId } from '../../kernel/ids.js';
import type { EventRecorder } from '../../events/recorder.js';
import { readBool } from '../../db/database.js';
import { createTtlCache } from '../../kernel/ttl-cache.js';
import type { PersonalToken, TokenStore } from './store.js';
import type { CreateTokenBody, TokenItem } from './schema.js';

export const PERSONAL_TOKEN_PREFIX = 'mtp_';
// last_used_at is written at most once a minute per token, so reads stay reads.
const TOUCH_INTERVAL_MS = 60_000;

const toItem = ({ id, name, prefix, scopes, createdAt, expiresAt, lastUsedAt }: PersonalToken): TokenItem => ({
  id,
  name,
  prefix,
  scopes,
  createdAt,
  expiresAt,
  lastUsedAt,
});

type TokenForAuth = NonNullable<Awaited<ReturnType<TokenStore['findByHash']>>>;
/** How long an instance trusts a resolved token without asking the database again (a revocation elsewhere takes at most this long). */
export const TOKEN_CACHE_TTL_MS = 5_000;

export function createTokenService(deps: {
  db: Kysely<Database>;
  store: TokenStore;
  events: EventRecorder;
  clock: Clock;
}) {
  const { db, store, events, clock } = deps;
  // A token is read on every call it makes: resolved rows (and unknown hashes) are kept a few seconds.
  const cache = createTtlCache<TokenForAuth | null>({ ttlMs: TOKEN_CACHE_TTL_MS, max: 10_000 });
  // The actor of each cached row (dropped with it: the cache's entries are the keys).
  const actors = new WeakMap<TokenForAuth, UserActor>();
  return {
    async create(actor: UserActor, input: CreateTokenBody): Promise<TokenItem & { token: string }> {
      if (input.expiresAt && new Date(input.expiresAt) <= clock.now())
        throw invalid('expiresAt', 'The expiry date must be in the future');
      const secret = randomToken(PERSONAL_TOKEN_PREFIX);
      const token: PersonalToken = {
        id: newId('tok'),
        userId: actor.userId,
        name: input.name,
        prefix: secret.slice(0, PERSONAL_TOKEN_PREFIX.length + 6),
        scopes: input.scopes,
        createdAt: clock.now().toISOString(),
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
        lastUsedAt: null,
        revokedAt: null,
      };
      await db.transaction().execute(async (trx) => {
        await store.insert(trx, token, sha256(secret));
        await events.record(trx, {
          type: 'token.created',
          actorId: actor.userId,
          subjectId: token.id,
          visibility: 'private',
          payload: { scopes: token.scopes },
        });
      });
      events.notify();
      return { ...toItem(token), token: secret };
    },

    async list(actor: UserActor): Promise<TokenItem[]> {
      return (await store.listForUser(db, actor.userId)).map(toItem);
    },

    /** The resolved-token cache (the cluster bus clears it on every instance). */
    credentialCache: cache,
    /** Forgets resolved tokens at once (an erased account's tokens were deleted with it). */
    clearCache(): void {
      cache.clear();
    },

    async revoke(actor: UserActor, id: string): Promise<void> {
      const token = await store.find(db, id);
      // Someone else's token is reported as missing, not forbidden: ids are not to be probed.
      if (!token || token.userId !== actor.userId || token.revokedAt) throw notFound('Token');
      await db.transaction().execute(async (trx) => {
        await store.revoke(trx, id, clock.now().toISOString());
        cache.clear();
        await events.record(trx, {
          type: 'token.revoked',
          actorId: actor.userId,
          subjectId: id,
          visibility: 'private',
        });
      });
      // Again once committed: another instance (told through the cluster bus) may have re-read the old row meanwhile.
      cache.clear();
      events.notify();
    },

    /** Resolves `Authorization: Bearer mtp_…` to an actor, or undefined when unknown, revoked or expired. */
    async actorFromToken(secret: string): Promise<UserActor | undefined> {
      const hash = sha256(secret);
      const now = clock.now();
      let row = cache.get(hash, now.getTime());
      if (row === undefined) {
        row = (await store.findByHash(db, hash)) ?? null;
        cache.set(hash, row, now.getTime());
      }
      if (!row || row.revokedAt) return undefined;
      if (row.expiresAt && new Date(row.expiresAt) <= now) return undefined;
      if (!row.lastUsedAt || now.getTime() - new Date(row.lastUsedAt).getTime() > TOUCH_INTERVAL_MS) {
        await store.touch(db, row.id, now.toISOString());
        row.lastUsedAt = now.toISOString();
      }
      // One actor per cached row: a token used on every request is not parsed again each time.
      let actor = actors.get(row);
      if (!actor) {
        const scopes =
          typeof row.scopes === 'string' ? (JSON.parse(row.scopes) as string[]) : (row.scopes as unknown as string[]);
        actor = {
          kind: 'user',
          userId: row.userId,
          handle: row.handle,
          isAdmin: readBool(row.isAdmin),
          via: 'token',
          scopes: new Set(scopes),
        };
        actors.set(row, actor);
      }
      return actor;
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
