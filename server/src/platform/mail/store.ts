import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export type OutgoingMail = Database['mailOutbox'];

export function createMailStore(dialect: 'sqlite' | 'postgres' = 'sqlite') {
  return {
    async insert(db: Kysely<Database>, mail: OutgoingMail) {
      await db.insertInto('mailOutbox').values(mail).execute();
    },
    async listRecent(db: Kysely<Database>, limit: number): Promise<OutgoingMail[]> {
      return db.selectFrom('mailOutbox').selectAll().orderBy('id', 'desc').limit(limit).execute();
    },
    /**
     * Claims up to `limit` unsent mails for this sender until `until`, and returns them. The claim is re-checked on
     * the row itself (PostgreSQL re-evaluates the outer conditions of a row another sender updated first), so two
     * instances never take the same mail; an expired claim (its sender died) is taken again. On PostgreSQL the
     * candidates are read `FOR UPDATE SKIP LOCKED`: concurrent senders then take different mails, where they all
     * chose the same first ones and all but one came back empty-handed (mails left waiting for the next flush).
     */
    async claimUnsent(db: Kysely<Database>, limit: number, now: string, until: string): Promise<OutgoingMail[]> {
      const free = (eb: ExpressionBuilder<Database, 'mailOutbox'>) =>
        eb.and([
          eb('sentAt', 'is', null),
          eb('attempts', '<', 10),
          eb.or([eb('claimedUntil', 'is', null), eb('claimedUntil', '<', now)]),
        ]);
      const rows = await db
        .updateTable('mailOutbox')
        .set({ claimedUntil: until })
        .where((eb) => {
          const candidates = eb.selectFrom('mailOutbox').select('id').where(free).orderBy('id').limit(limit);
          return eb('id', 'in', dialect === 'postgres' ? candidates.forUpdate().skipLocked() : candidates);
        })
        .where(free)
        .returningAll()
        .execute();
      return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async markSent(db: Kysely<Database>, id: string, sentAt: string) {
      await db.updateTable('mailOutbox').set({ sentAt }).where('id', '=', id).execute();
    },
    async markFailed(db: Kysely<Database>, id: string, attempts: number, error: string) {
      await db
        .updateTable('mailOutbox')
        .set({ attempts, lastError: error.slice(0, 1000), claimedUntil: null })
        .where('id', '=', id)
        .execute();
    },
  };
}
export type MailStore = ReturnType<typeof createMailStore>;
