import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';

/** What oidc-provider stores: a model instance's payload (snake and camel keys as the library writes them). */
export type OAuthPayload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  accountId?: string;
  clientId?: string;
  consumed?: number;
};

/** Models whose rows carry a grantId (revoked together with their grant). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

const toEpoch = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

export interface GrantRow {
  id: string;
  clientId: string;
  payload: OAuthPayload;
  createdAt: string;
  updatedAt: string;
}

export interface SigningKeyRow {
  id: string;
  alg: string;
  sealedJwk: string;
}

/** Raised by `consume` when the artifact was consumed already (a replayed authorization code racing the first use). */
export class AlreadyConsumed extends Error {}

/**
 * All SQL of the OAuth server: oidc-provider's adapter (one table for every model, see 009_oauth),
 * the grants of a user (authorized apps) and the shared signing keys.
 */
export function createOAuthStore(db: Kysely<Database>) {
  const live = (now: string) => (eb: ExpressionBuilder<Database, 'oauthRecords'>) =>
    eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)]);
  const select = () => db.selectFrom('oauthRecords');

  const toPayload = (row: { payload: unknown; consumedAt: string | null }): OAuthPayload => {
    const payload = readJson<OAuthPayload>(row.payload);
    return row.consumedAt ? { ...payload, consumed: toEpoch(row.consumedAt) } : payload;
  };

  /** oidc-provider's adapter interface for one model (`new Adapter('AccessToken')`). */
  class KyselyAdapter {
    constructor(readonly kind: string) {}

    async upsert(id: string, payload: OAuthPayload, expiresIn?: number): Promise<void> {
      const now = new Date();
      const expiresAt = typeof expiresIn === 'number' ? new Date(now.getTime() + expiresIn * 1000).toISOString() : null;
      const values = {
        payload: JSON.stringify(payload),
        grantId: this.kind === 'Grant' ? id : typeof payload.grantId === 'string' ? payload.grantId : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
        accountId: typeof payload.accountId === 'string' ? payload.accountId : null,
        clientId: typeof payload.clientId === 'string' ? payload.clientId : null,
        expiresAt,
        updatedAt: now.toISOString(),
      };
      await db
        .insertInto('oauthRecords')
        .values({ kind: this.kind, id, ...values, consumedAt: null, createdAt: now.toISOString() })
        .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet(values))
        .execute();
    }

    async find(id: string): Promise<OAuthPayload | undefined> {
      const row = await select()
        .select(['payload', 'consumedAt'])
        .where('kind', '=', this.kind)
        .where('id', '=', id)
        .where(live(new Date().toISOString()))
        .executeTakeFirst();
      return row && toPayload(row);
    }

    async findByUid(uid: string): Promise<OAuthPayload | undefined> {
      const row = await select()
        .select(['payload', 'consumedAt'])
        .where('kind', '=', this.kind)
        .where('uid', '=', uid)
        .where(live(new Date().toISOString()))
        .executeTakeFirst();
      return row && toPayload(row);
    }

    async findByUserCode(userCode: string): Promise<OAuthPayload | undefined> {
      const row = await select()
        .select(['payload', 'consumedAt'])
        .where('kind', '=', this.kind)
        .where('userCode', '=', userCode)
        .where(live(new Date().toISOString()))
        .executeTakeFirst();
      return row && toPayload(row);
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oauthRecords').where('kind', '=', this.kind).where('id', '=', id).execute();
    }

    /** Atomic: of two concurrent uses of one code, exactly one consumes it. */
    async consume(id: string): Promise<void> {
      const result = await db
        .updateTable('oauthRecords')
        .set({ consumedAt: new Date().toISOString() })
        .where('kind', '=', this.kind)
        .where('id', '=', id)
        .where('consumedAt', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new AlreadyConsumed(`${this.kind} already consumed`);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      if (!GRANTABLE.has(this.kind)) return;
      await db.deleteFrom('oauthRecords').where('kind', '=', this.kind).where('grantId', '=', grantId).execute();
    }
  }

  return {
    KyselyAdapter,

    /** The user's live grants, newest first (one per app in practice: consent extends the existing grant). */
    async grantsOf(accountId: string, clientId?: string): Promise<GrantRow[]> {
      let q = select()
        .select(['id', 'clientId', 'payload', 'consumedAt', 'createdAt', 'updatedAt'])
        .where('kind', '=', 'Grant')
        .where('accountId', '=', accountId)
        .where(live(new Date().toISOString()));
      if (clientId !== undefined) q = q.where('clientId', '=', clientId);
      const rows = await q.orderBy('updatedAt', 'desc').execute();
      return rows.map((r) => ({
        id: r.id,
        clientId: r.clientId ?? '',
        payload: toPayload(r),
        createdAt: r.createdAt,
        updatedAt: r.updatedAt ?? r.createdAt,
      }));
    },

    /** Removes a grant and every artifact issued under it (codes, access and refresh tokens). */
    async destroyGrant(grantId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('oauthRecords').where('grantId', '=', grantId).execute();
        await trx.deleteFrom('oauthRecords').where('kind', '=', 'Grant').where('id', '=', grantId).execute();
      });
    },

    /** Drops expired artifacts (the adapter already ignores them). */
    async deleteExpired(): Promise<number> {
      const result = await db
        .deleteFrom('oauthRecords')
        .where('expiresAt', '<', new Date().toISOString())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async signingKeys(): Promise<SigningKeyRow[]> {
      return db.selectFrom('oauthSigningKeys').select(['id', 'alg', 'sealedJwk']).orderBy('id').execute();
    },

    /** Insert-if-absent: when several instances start at once, the first key written wins and all use it. */
    async insertSigningKeyIfAbsent(key: SigningKeyRow): Promise<void> {
      await db
        .insertInto('oauthSigningKeys')
        .values({ ...key, createdAt: new Date().toISOString() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
  };
}
export type OAuthStore = ReturnType<typeof createOAuthStore>;
