import type { Actor } from '../kernel/actor.js';
import { can, type OrganizationAccess } from '../platform/index.js';

/**
 * Who reviews a dataset's contributions (and reverts its rows): members of its organization whose role
 * has `contribution.review`, or, for a personal dataset, its owner. Platform admins may too.
 */
export async function canReview(
  access: OrganizationAccess,
  actor: Actor,
  dataset: { organizationId: string | null; ownerId: string | null },
): Promise<boolean> {
  if (actor.kind !== 'user') return false;
  if (dataset.organizationId)
    return can(actor, 'contribution.review', {
      kind: 'organization',
      id: dataset.organizationId,
      viewerRole: await access.roleOf(actor, dataset.organizationId),
    });
  return actor.isAdmin || dataset.ownerId === actor.userId;
}
