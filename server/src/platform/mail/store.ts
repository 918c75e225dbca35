import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export type OutgoingMail = Database['mailOutbox'];

export function createMailStore() {
  return {
    async insert(db: Kysely<Database>, mail: OutgoingMail) {
      await db.insertInto('mailOutbox').values(mail).execute();
    },
    async listRecent(db: Kysely<Database>, limit: number): Promise<OutgoingMail[]> {
      return db.selectFrom('mailOutbox').selectAll().orderBy('id', 'desc').limit(limit).execute();
    },
    async listUnsent(db: Kysely<Database>, limit: number): Promise<OutgoingMail[]> {
      return db
        .selectFrom('mailOutbox')
        .selectAll()
        .where('sentAt', 'is', null)
        .where('attempts', '<', 10)
        .orderBy('id')
        .limit(limit)
        .execute();
    },
    async markSent(db: Kysely<Database>, id: string, sentAt: string) {
      await db.updateTable('mailOutbox').set({ sentAt }).where('id', '=', id).execute();
    },
    async markFailed(db: Kysely<Database>, id: string, attempts: number, error: string) {
      await db
        .updateTable('mailOutbox')
        .set({ attempts, lastError: error.slice(0, 1000) })
        .where('id', '=', id)
        .execute();
    },
  };
}
export type MailStore = ReturnType<typeof createMailStore>;
