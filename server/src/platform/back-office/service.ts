/**
 * The back office's reads of personal data: a platform administrator looking at an account, an organization's
 * owners and admins (or an app they accredited) looking at a member's contact. Every such read is recorded in the
 * personal-data access log, in the reading transaction, with its purpose and legal basis: the person sees it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { UserActor } from '../../kernel/actor.js';
import { forbidden, notFound } from '../../kernel/errors.js';
import type { PersonalDataAccessRecorder, SensitiveGrant } from '../../kernel/personal-data.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { AccountStore } from '../accounts/store.js';
import type { OrganizationStore } from '../organizations/store.js';
import { can, isRole } from '../policy.js';
import type { AccountDetails, MemberContact } from './schema.js';

/** What the request tells about a read: its id, and what the reader stated or was allowed by. */
export interface ReadContext {
  queryId: string;
  /** X-Purpose as a person stated it (optional for people, required of apps by the accreditation check). */
  purpose?: string;
  grant?: SensitiveGrant;
}

export const ADMIN_LEGAL_BASIS = 'Legitimate interest: operating the platform (GDPR art. 6(1)(f))';
export const ORGANIZATION_LEGAL_BASIS = 'Legitimate interest: running the organization (GDPR art. 6(1)(f))';

export function createBackOffice(deps: {
  db: Kysely<Database>;
  accounts: AccountStore;
  organizations: OrganizationStore;
  dataAccess: PersonalDataAccessRecorder;
  events: EventRecorder;
}) {
  const { db, accounts, organizations, dataAccess, events } = deps;

  return {
    /** An account's details (platform administrators). */
    async account(actor: UserActor, handle: string, ctx: ReadContext): Promise<AccountDetails> {
      if (!can(actor, 'platform.administer', { kind: 'platform' })) throw forbidden();
      const details = await db.transaction().execute(async (trx) => {
        const user = await accounts.findByHandle(trx, handle);
        if (!user) throw notFound('User');
        await dataAccess.record(trx, {
          subjectUserId: user.id,
          actor,
          organizationId: null,
          grant: ctx.grant,
          purpose: ctx.purpose || 'Platform administration',
          legalBasis: ADMIN_LEGAL_BASIS,
          queryId: ctx.queryId,
          fields: ['account', 'email'],
        });
        return {
          id: user.id,
          handle: user.handle,
          name: user.name,
          email: user.email,
          emailVerified: user.emailVerifiedAt !== null,
          isAdmin: user.isAdmin,
          locale: user.locale,
          createdAt: user.createdAt,
        };
      });
      events.notify();
      return details;
    },

    /** A member's contact (the organization's owners and admins, or an app they accredited for personal data). */
    async memberContact(actor: UserActor, slug: string, handle: string, ctx: ReadContext): Promise<MemberContact> {
      const contact = await db.transaction().execute(async (trx) => {
        const org = await organizations.findBySlug(trx, slug);
        if (!org) throw notFound('Organization');
        const viewerRole = await organizations.roleOf(trx, org.id, actor.userId);
        const role = viewerRole && isRole(viewerRole) ? viewerRole : null;
        // An app the organization accredited for personal data reads within that accreditation, whoever made it.
        const accredited = ctx.grant?.organizationId === org.id;
        const resource = { kind: 'organization' as const, id: org.id, viewerRole: role };
        if (!accredited && !can(actor, 'organization.read_member_contact', resource)) throw forbidden();
        const user = await accounts.findByHandle(trx, handle);
        const memberRole = user && (await organizations.roleOf(trx, org.id, user.id));
        if (!user || !memberRole) throw notFound('Member');
        await dataAccess.record(trx, {
          subjectUserId: user.id,
          actor,
          organizationId: org.id,
          grant: ctx.grant,
          purpose: ctx.purpose || 'Contacting a member of the organization',
          legalBasis: ORGANIZATION_LEGAL_BASIS,
          queryId: ctx.queryId,
          fields: ['email'],
        });
        return {
          handle: user.handle,
          name: user.name,
          email: user.email,
          emailVerified: user.emailVerifiedAt !== null,
          role: memberRole,
        };
      });
      events.notify();
      return contact;
    },
  };
}
export type BackOffice = ReturnType<typeof createBackOffice>;
