import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { invalid, notFound } from '../../kernel/errors.js';
import { randomToken, sha256 } from '../../kernel/crypto.js';
import { newId } from '../../kernel/ids.js';
import type { EventRecorder } from '../../events/recorder.js';
import { readBool } from '../../db/database.js';
import type { PersonalToken, TokenStore } from './store.js';
import type { CreateTokenBody, TokenItem } from './schema.js';

export const PERSONAL_TOKEN_PREFIX = 'mtp_';
// last_used_at is written at most once a minute per token, so reads stay reads.
const TOUCH_INTERVAL_MS = 60_000;

const toItem = ({ id, name, prefix, scopes, createdAt, expiresAt, lastUsedAt }: PersonalToken): TokenItem => ({ id, name, prefix, scopes, createdAt, expiresAt, lastUsedAt });

export function createTokenService(deps: { db: Kysely<Database>; store: TokenStore; events: EventRecorder; clock: Clock }) {
  const { db, store, events, clock } = deps;
  return {
    async create(actor: UserActor, input: CreateTokenBody): Promise<TokenItem & { token: string }> {
      if (input.expiresAt && new Date(input.expiresAt) <= clock.now()) throw invalid('expiresAt', 'The expiry date must be in the future');
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
        await events.record(trx, { type: 'token.created', actorId: actor.userId, subjectId: token.id, visibility: 'private', payload: { scopes: token.scopes } });
      });
      events.notify();
      return { ...toItem(token), token: secret };
    },

    async list(actor: UserActor): Promise<TokenItem[]> {
      return (await store.listForUser(db, actor.userId)).map(toItem);
    },

    async revoke(actor: UserActor, id: string): Promise<void> {
      const token = await store.find(db, id);
      // Someone else's token is reported as missing, not forbidden: ids are not to be probed.
      if (!token || token.userId !== actor.userId || token.revokedAt) throw notFound('Token');
      await db.transaction().execute(async (trx) => {
        await store.revoke(trx, id, clock.now().toISOString());
        await events.record(trx, { type: 'token.revoked', actorId: actor.userId, subjectId: id, visibility: 'private' });
      });
      events.notify();
    },

    /** Resolves `Authorization: Bearer mtp_…` to an actor, or undefined when unknown, revoked or expired. */
    async actorFromToken(secret: string): Promise<UserActor | undefined> {
      const row = await store.findByHash(db, sha256(secret));
      if (!row || row.revokedAt) return undefined;
      const now = clock.now();
      if (row.expiresAt && new Date(row.expiresAt) <= now) return undefined;
      if (!row.lastUsedAt || now.getTime() - new Date(row.lastUsedAt).getTime() > TOUCH_INTERVAL_MS) {
        await store.touch(db, row.id, now.toISOString());
      }
      const scopes = typeof row.scopes === 'string' ? (JSON.parse(row.scopes) as string[]) : (row.scopes as unknown as string[]);
      return { kind: 'user', userId: row.userId, handle: row.handle, isAdmin: readBool(row.isAdmin), via: 'token', scopes: new Set(scopes) };
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
