import type { Actor } from '../kernel/actor.js';

/** Organization roles, from most to least powerful. */
export const roles = ['owner', 'admin', 'editor', 'reviewer', 'member'] as const;
export type Role = (typeof roles)[number];
export const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value);

/**
 * Every action the platform decides on, with the organization roles that may do it.
 * A platform administrator may do everything. Later capabilities add their actions here,
 * so that one table answers "who may do what".
 */
export const organizationPermissions = {
  'organization.update': ['owner', 'admin'],
  'organization.delete': ['owner'],
  'organization.invite': ['owner', 'admin'],
  'organization.read_invitations': ['owner', 'admin'],
  /** A member's e-mail address: a read of personal data, recorded in the person's access log. */
  'organization.read_member_contact': ['owner', 'admin'],
  'organization.change_role': ['owner', 'admin'],
  'organization.remove_member': ['owner', 'admin'],
  'organization.transfer_ownership': ['owner'],
  'organization.leave': ['admin', 'editor', 'reviewer', 'member'],
  'dataset.create': ['owner', 'admin', 'editor'],
  'dataset.update': ['owner', 'admin', 'editor'],
  'contribution.review': ['owner', 'admin', 'editor', 'reviewer'],
  /** Publish services, accredit operators, see every case, reassign or take one back. */
  'service.manage': ['owner', 'admin', 'editor'],
  /** Work the cases routed to the organization as an accredited operator. */
  'service.operate': ['owner', 'admin', 'editor', 'reviewer', 'member'],
} as const satisfies Record<string, readonly Role[]>;

export type OrganizationAction = keyof typeof organizationPermissions;

/** Actions on the platform itself, not tied to an organization. */
export const platformPermissions = {
  'organization.create': 'any-user',
  'platform.administer': 'admin-only',
  /** Featuring datasets on the home page is an editorial choice of the platform. */
  'dataset.feature': 'admin-only',
} as const;
export type PlatformAction = keyof typeof platformPermissions;

export type Action = OrganizationAction | PlatformAction;

/** The resource an action applies to, with the actor's role in its organization. */
export type Resource = { kind: 'platform' } | { kind: 'organization'; id: string; viewerRole: Role | null };

/**
 * The one policy decision. Services call it; nothing else decides.
 * `viewerRole` is the actor's role in the resource's organization, looked up by the caller.
 */
export function can(actor: Actor, action: Action, resource: Resource): boolean {
  if (actor.kind !== 'user') return false;
  if (actor.isAdmin) return true;
  if (action in platformPermissions) {
    return platformPermissions[action as PlatformAction] === 'any-user';
  }
  if (resource.kind !== 'organization' || !resource.viewerRole) return false;
  const allowed: readonly Role[] = organizationPermissions[action as OrganizationAction];
  return allowed.includes(resource.viewerRole);
}

/** Whether `actorRole` may grant or take away `targetRole` (admins cannot touch owners or make admins). */
export function canAssignRole(actorRole: Role | null, isAdmin: boolean, targetRole: Role): boolean {
  if (isAdmin || actorRole === 'owner') return targetRole !== 'owner';
  if (actorRole === 'admin') return targetRole !== 'owner' && targetRole !== 'admin';
  return false;
}
