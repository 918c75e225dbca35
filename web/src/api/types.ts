/** Shapes of the Multitude API resources used by the web front-end. */

export type Role = 'owner' | 'admin' | 'editor' | 'reviewer' | 'member';
export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'reviewer', 'member'];
/** Roles that can be granted directly (ownership moves via transfer). */
export const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'editor', 'reviewer', 'member'];

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface User {
  id: string;
  email: string;
  handle: string;
  name: string;
  emailVerified: boolean;
  isAdmin: boolean;
  createdAt: string;
}

export interface AuthProvider {
  id: string;
  name: string;
}

export interface TokenScope {
  id: string;
  description: string;
}

export interface AccessToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface CreatedAccessToken extends AccessToken {
  /** The secret; returned only once, at creation. */
  token: string;
}

export interface OrganizationSummary {
  slug: string;
  name: string;
  description?: string | null;
  membersCount?: number;
}

export interface MyOrganization {
  slug: string;
  name: string;
  role: Role;
}

export interface Organization {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  url: string | null;
  createdAt: string;
  membersCount: number;
  viewerRole: Role | null;
}

export interface Member {
  handle: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

/** Public activity entry (GET /api/v1/activity). */
export interface ActivityItem {
  id: string;
  type: string;
  occurredAt: string;
  actor: { handle: string; name: string } | null;
  organization: { slug: string; name: string } | null;
  payload: Record<string, unknown>;
}

/** Accepts `{items: [...]}` or a bare array. */
export function itemsOf<T>(data: Page<T> | T[] | null | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : (data.items ?? []);
}

export function isManager(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
