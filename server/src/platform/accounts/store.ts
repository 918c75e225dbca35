import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, UsersTable } from '../../db/schema.js';
import { readBool } from '../../db/database.js';

export interface User {
  id: string;
  email: string;
  handle: string;
  name: string;
  passwordHash: string | null;
  emailVerifiedAt: string | null;
  isAdmin: boolean;
  locale: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set when the account was erased: the row is then a pseudonymous tombstone. */
  erasedAt?: string | null;
}

const toUser = (r: Selectable<UsersTable>): User => ({ ...r, isAdmin: readBool(r.isAdmin) });

export function createAccountStore() {
  return {
    async insertUser(db: Kysely<Database>, user: User): Promise<void> {
      await db
        .insertInto('users')
        .values({ ...user, isAdmin: user.isAdmin ? 1 : 0 })
        .execute();
    },
    async findById(db: Kysely<Database>, id: string): Promise<User | undefined> {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toUser(r);
    },
    async findByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
      const r = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return r && toUser(r);
    },
    async findByHandle(db: Kysely<Database>, handle: string): Promise<User | undefined> {
      const r = await db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirst();
      return r && toUser(r);
    },
    async findManyByIds(db: Kysely<Database>, ids: string[]): Promise<User[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
      return rows.map(toUser);
    },
    async emailOrHandleTaken(db: Kysely<Database>, email: string, handle: string) {
      const rows = await db
        .selectFrom('users')
        .select(['email', 'handle'])
        .where((eb) => eb.or([eb('email', '=', email), eb('handle', '=', handle)]))
        .execute();
      return { email: rows.some((r) => r.email === email), handle: rows.some((r) => r.handle === handle) };
    },
    async updateUser(
      db: Kysely<Database>,
      id: string,
      patch: Partial<Pick<User, 'name' | 'passwordHash' | 'emailVerifiedAt' | 'isAdmin' | 'locale' | 'updatedAt'>>,
    ) {
      const { isAdmin, ...rest } = patch;
      const values: Updateable<UsersTable> = isAdmin === undefined ? rest : { ...rest, isAdmin: isAdmin ? 1 : 0 };
      await db.updateTable('users').set(values).where('id', '=', id).execute();
    },
    /**
     * Erasure: replaces the personal fields by a pseudonym and an address nobody owns (the row stays, so what the
     * person published keeps an author), and removes sessions, tokens, identities and pending email links.
     */
    async eraseUser(db: Kysely<Database>, id: string, pseudonym: { handle: string; email: string; at: string }) {
      await db
        .updateTable('users')
        .set({
          handle: pseudonym.handle,
          email: pseudonym.email,
          name: pseudonym.handle,
          passwordHash: null,
          emailVerifiedAt: null,
          locale: null,
          isAdmin: 0,
          erasedAt: pseudonym.at,
          updatedAt: pseudonym.at,
        })
        .where('id', '=', id)
        .execute();
      await db.deleteFrom('sessions').where('userId', '=', id).execute();
      await db.deleteFrom('personalTokens').where('userId', '=', id).execute();
      await db.deleteFrom('identities').where('userId', '=', id).execute();
      await db.deleteFrom('emailTokens').where('userId', '=', id).execute();
    },
    async countUsers(db: Kysely<Database>): Promise<number> {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Platform administrators (the reviewers of last resort), at most 50. */
    async adminIds(db: Kysely<Database>): Promise<string[]> {
      const rows = await db.selectFrom('users').select('id').where('isAdmin', '=', 1).orderBy('id').limit(50).execute();
      return rows.map((r) => r.id);
    },

    // Sessions: only the SHA-256 of the session id is stored.
    async insertSession(db: Kysely<Database>, s: Database['sessions']) {
      await db.insertInto('sessions').values(s).execute();
    },
    async findSession(db: Kysely<Database>, idHash: string) {
      return db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.userId')
        .select([
          'sessions.idHash',
          'sessions.expiresAt',
          'sessions.lastSeenAt',
          'users.id as userId',
          'users.handle',
          'users.isAdmin',
        ])
        .where('sessions.idHash', '=', idHash)
        .executeTakeFirst();
    },
    async touchSession(db: Kysely<Database>, idHash: string, lastSeenAt: string, expiresAt: string) {
      await db.updateTable('sessions').set({ lastSeenAt, expiresAt }).where('idHash', '=', idHash).execute();
    },
    async deleteSession(db: Kysely<Database>, idHash: string) {
      await db.deleteFrom('sessions').where('idHash', '=', idHash).execute();
    },
    async deleteUserSessions(db: Kysely<Database>, userId: string) {
      await db.deleteFrom('sessions').where('userId', '=', userId).execute();
    },

    // One-time email tokens (verification, password reset), stored hashed.
    async insertEmailToken(db: Kysely<Database>, t: Database['emailTokens']) {
      await db.insertInto('emailTokens').values(t).execute();
    },
    async findEmailToken(db: Kysely<Database>, tokenHash: string) {
      return db.selectFrom('emailTokens').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
    },
    /** Marks the token used; false when it was already used (a replay). */
    async consumeEmailToken(db: Kysely<Database>, tokenHash: string, usedAt: string): Promise<boolean> {
      const r = await db
        .updateTable('emailTokens')
        .set({ usedAt })
        .where('tokenHash', '=', tokenHash)
        .where('usedAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    // External identities (OIDC).
    async findIdentity(db: Kysely<Database>, provider: string, subject: string) {
      return db
        .selectFrom('identities')
        .selectAll()
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .executeTakeFirst();
    },
    async insertIdentity(db: Kysely<Database>, i: Database['identities']) {
      await db.insertInto('identities').values(i).execute();
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
