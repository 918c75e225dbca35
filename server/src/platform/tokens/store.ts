import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';

export interface PersonalToken {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Row = Selectable<Database['personalTokens']>;
const toToken = ({ tokenHash: _hash, ...r }: Row): PersonalToken => ({ ...r, scopes: readJson<string[]>(r.scopes) });

export function createTokenStore() {
  return {
    async insert(db: Kysely<Database>, token: PersonalToken, tokenHash: string) {
      await db
        .insertInto('personalTokens')
        .values({ ...token, scopes: JSON.stringify(token.scopes), tokenHash })
        .execute();
    },
    async listForUser(db: Kysely<Database>, userId: string): Promise<PersonalToken[]> {
      const rows = await db
        .selectFrom('personalTokens')
        .selectAll()
        .where('userId', '=', userId)
        .where('revokedAt', 'is', null)
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toToken);
    },
    async findByHash(db: Kysely<Database>, tokenHash: string) {
      return db
        .selectFrom('personalTokens')
        .innerJoin('users', 'users.id', 'personalTokens.userId')
        .select([
          'personalTokens.id',
          'personalTokens.scopes',
          'personalTokens.expiresAt',
          'personalTokens.revokedAt',
          'personalTokens.lastUsedAt',
          'users.id as userId',
          'users.handle',
          'users.isAdmin',
        ])
        .where('personalTokens.tokenHash', '=', tokenHash)
        .executeTakeFirst();
    },
    async find(db: Kysely<Database>, id: string): Promise<PersonalToken | undefined> {
      const r = await db.selectFrom('personalTokens').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toToken(r);
    },
    async revoke(db: Kysely<Database>, id: string, at: string) {
      await db.updateTable('personalTokens').set({ revokedAt: at }).where('id', '=', id).execute();
    },
    async touch(db: Kysely<Database>, id: string, at: string) {
      await db.updateTable('personalTokens').set({ lastUsedAt: at }).where('id', '=', id).execute();
    },
  };
}
export type TokenStore = ReturnType<typeof createTokenStore>;
