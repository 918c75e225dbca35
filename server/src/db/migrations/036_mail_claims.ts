import { type Migration } from './types.js';

/**
 * A claim on each outgoing mail while one instance sends it: several instances flush the same outbox, and two
 * reading the same unsent rows would send a mail twice. A claim that outlives its sender (a crash) expires.
 */
export const mailClaims: Migration = {
  name: '036_mail_claims',
  async up(db) {
    await db.schema.alterTable('mail_outbox').addColumn('claimed_until', 'text').execute();
  },
};
