import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { forbidden, notFound } from '../../kernel/errors.js';
import { can, type OrganizationAccess } from '../../platform/index.js';
import type { ReviewRulesStore } from './store.js';
import type { ReviewRules, ReviewRulesBody } from './schema.js';

export interface ReviewRulesDeps {
  db: Kysely<Database>;
  store: ReviewRulesStore;
  clock: Clock;
  access: OrganizationAccess;
}

/**
 * The review target an organization publishes: the number of days within which it aims to review a
 * proposal. Public to read; its owners and admins set it (`organization.update`).
 */
export function createReviewRulesService(deps: ReviewRulesDeps) {
  const { db, store, clock, access } = deps;

  async function organization(slug: string) {
    const org = await access.bySlug(slug);
    if (!org) throw notFound('Organization');
    return org;
  }

  return {
    async get(slug: string): Promise<ReviewRules> {
      const org = await organization(slug);
      const row = await store.find(db, org.id);
      return { organization: org.slug, targetDays: row?.targetDays ?? null };
    },

    async put(actor: UserActor, slug: string, body: ReviewRulesBody): Promise<ReviewRules> {
      const org = await organization(slug);
      const allowed = can(actor as Actor, 'organization.update', {
        kind: 'organization',
        id: org.id,
        viewerRole: await access.roleOf(actor, org.id),
      });
      if (!allowed) throw forbidden('Only the organization’s owner and admins set its review target');
      await store.save(db, {
        organizationId: org.id,
        targetDays: body.targetDays,
        updatedBy: actor.userId,
        updatedAt: clock.now().toISOString(),
      });
      return { organization: org.slug, targetDays: body.targetDays };
    },

    /** Targets in days by organization id (only organizations that publish one). */
    targets: (organizationIds?: string[]) => store.targets(db, organizationIds),
  };
}
export type ReviewRulesService = ReturnType<typeof createReviewRulesService>;
