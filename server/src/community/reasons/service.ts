import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { forbidden, notFound } from '../../kernel/errors.js';
import { can, type OrganizationAccess } from '../../platform/index.js';
import { communityId } from '../ids.js';
import type { ReasonStore } from './store.js';

export interface ReasonTemplate {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}

/** Canned review reasons per organization: owners and admins write them, reviewers use them. */
export function createReasonService(deps: {
  db: Kysely<Database>;
  store: ReasonStore;
  clock: Clock;
  access: OrganizationAccess;
}) {
  const { db, store, access } = deps;
  async function organization(actor: UserActor, slug: string, action: 'organization.update' | 'contribution.review') {
    const org = await access.bySlug(slug);
    if (!org) throw notFound('Organization');
    if (!can(actor, action, { kind: 'organization', id: org.id, viewerRole: await access.roleOf(actor, org.id) })) {
      throw forbidden(
        action === 'organization.update'
          ? 'Only owners and admins manage reason templates'
          : 'Only reviewers of this organization read its reason templates',
      );
    }
    return org;
  }
  const view = (r: ReasonTemplate): ReasonTemplate => ({
    id: r.id,
    title: r.title,
    body: r.body,
    createdAt: r.createdAt,
  });
  return {
    async list(actor: UserActor, slug: string): Promise<ReasonTemplate[]> {
      const org = await organization(actor, slug, 'contribution.review');
      return (await store.list(db, org.id)).map(view);
    },
    async create(actor: UserActor, slug: string, body: { title: string; body: string }): Promise<ReasonTemplate> {
      const org = await organization(actor, slug, 'organization.update');
      const row = {
        id: communityId('rsn'),
        organizationId: org.id,
        title: body.title.trim(),
        body: body.body,
        createdBy: actor.userId,
        createdAt: deps.clock.now().toISOString(),
      };
      await store.insert(db, row);
      return view(row);
    },
  };
}
export type ReasonService = ReturnType<typeof createReasonService>;
