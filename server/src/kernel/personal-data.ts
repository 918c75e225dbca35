/**
 * The contract between capabilities that read a person's personal data and the personal-data access log
 * (ledger/access). A capability that shows someone else's e-mail address or account details records the
 * read through a `PersonalDataAccessRecorder` it is given by the composition root, in the same transaction
 * as the read, so that no read goes unrecorded.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { UserActor } from './actor.js';

/**
 * What an app's sensitive-scope call carried (set on the request by the accreditation check): the app, the
 * accreditation that allowed it, the purpose it stated (X-Purpose) and the accreditation's legal basis.
 */
export interface SensitiveGrant {
  appId: string;
  accreditationId: string;
  /** The organization that gave the accreditation: its data is what the app may read. */
  organizationId: string;
  purpose: string;
  legalBasis: string;
}

export interface PersonalDataAccess {
  /** Whose data was read. */
  subjectUserId: string;
  actor: UserActor;
  /** The organization on whose behalf it was read (its back office, its accreditation), if any. */
  organizationId: string | null;
  /** Set when an app read it with a sensitive scope: its purpose and legal basis win over the ones below. */
  grant?: SensitiveGrant;
  purpose: string;
  legalBasis: string;
  /** The request id, so a record can be matched with the server's logs. */
  queryId: string;
  /** Which data: `email`, `account`, … */
  fields: string[];
}

export interface PersonalDataAccessRecorder {
  /** Records one read; `executor` is the reading transaction (or the database). */
  record(executor: Kysely<Database>, access: PersonalDataAccess): Promise<void>;
}
