/** Accounts, sessions, tokens, organizations and the home page: types from the generated schema, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery } from './query';
import type { ItemOf, PathsWith, RequestBody as RequestBodyOf, ResponseData } from './schema';

export type User = ResponseData<'/api/v1/me', 'get'>;
export type AuthProvider = ResponseData<'/api/v1/auth/providers', 'get'>['providers'][number];
export type TokenScope = ResponseData<'/api/v1/me/token-scopes', 'get'>['scopes'][number];
export type AccessToken = ItemOf<ResponseData<'/api/v1/me/tokens', 'get'>>;
export type CreatedAccessToken = ResponseData<'/api/v1/me/tokens', 'post'>;
export type OrganizationSummary = ItemOf<ResponseData<'/api/v1/organizations', 'get'>>;
export type MyOrganization = ItemOf<ResponseData<'/api/v1/me/organizations', 'get'>>;
export type Organization = ResponseData<'/api/v1/organizations/{slug}', 'get'>;
export type Role = MyOrganization['role'];
export type Member = ItemOf<ResponseData<'/api/v1/organizations/{slug}/members', 'get'>>;
export type Invitation = ItemOf<ResponseData<'/api/v1/organizations/{slug}/invitations', 'get'>>;
export type ActivityItem = ItemOf<ResponseData<'/api/v1/activity', 'get'>>;
export type HomeView = ResponseData<'/api/v1/home', 'get'>;

export const ROLES = ['owner', 'admin', 'editor', 'reviewer', 'member'] as const satisfies readonly Role[];
/** Roles that can be granted directly (ownership moves via transfer). */
export const ASSIGNABLE_ROLES = ['admin', 'editor', 'reviewer', 'member'] as const satisfies readonly Role[];
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export function isManager(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** Accepts `{items: [...]}` or a bare array. */
export function itemsOf<T>(data: { items: T[] } | T[] | null | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : (data.items ?? []);
}

/** The `_cursor` carried by a `next` link; null when there is none. */
export function cursorOf(next: string | null | undefined): string | null {
  if (!next) return null;
  try {
    return new URL(next, window.location.origin).searchParams.get('_cursor');
  } catch {
    return null;
  }
}

const ORG = '/api/v1/organizations/{slug}';
type TokenBody = RequestBodyOf<'/api/v1/me/tokens', 'post'>;

/** The organizations the viewer belongs to, with their role. */
export const useMyOrganizations = (enabled = true) => useApiQuery('/api/v1/me/organizations', enabled ? {} : null);
export const useOrganization = (slug: string) => useApiQuery(ORG, { params: { path: { slug } } });
export const useOrgMembers = (slug: string) => useApiQuery(`${ORG}/members`, { params: { path: { slug } } });
export const useOrganizations = () => useApiQuery('/api/v1/organizations', {});
export const useActivity = (lang: 'fr' | 'en') => useApiQuery('/api/v1/activity', { params: { query: { lang } } });
export const useHome = () => useApiQuery('/api/v1/home', {});
export const useMyTokens = () => useApiQuery('/api/v1/me/tokens', {});
export const useTokenScopes = () => useApiQuery('/api/v1/me/token-scopes', {});

/** Personal access tokens: create and revoke, each refreshing the token list. */
export function useTokenActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/me/tokens']).then(() => value);
  return {
    /** Scope ids come from /me/token-scopes; the server refuses an unknown one with a 400 problem. */
    create: (body: Omit<TokenBody, 'scopes'> & { scopes: string[] }) =>
      api.POST('/api/v1/me/tokens', { body: body as TokenBody }).then(done),
    revoke: (id: string) => api.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } }).then(done),
  };
}

export const useOrgInvitations = (slug: string, enabled = true) =>
  useApiQuery(`${ORG}/invitations`, enabled ? { params: { path: { slug } } } : null);

/** Membership changes of one organization; each refreshes the organization's queries and the viewer's list. */
export function useMembershipActions(slug: string) {
  const client = useQueryClient();
  const path = { slug };
  const done = <T>(value: T) =>
    invalidate(client, [{ prefix: ORG, path }, '/api/v1/me/organizations']).then(() => value);
  return {
    setRole: (handle: string, role: Role) =>
      api.PATCH(`${ORG}/members/{handle}`, { params: { path: { slug, handle } }, body: { role } }).then(done),
    remove: (handle: string) =>
      api.DELETE(`${ORG}/members/{handle}`, { params: { path: { slug, handle } } }).then(done),
    leave: () => api.POST(`${ORG}/leave`, { params: { path } }).then(done),
    transferOwnership: (handle: string) =>
      api.POST(`${ORG}/transfer-ownership`, { params: { path }, body: { handle } }).then(done),
    invite: (email: string, role: AssignableRole) =>
      api.POST(`${ORG}/invitations`, { params: { path }, body: { email, role } }).then(done),
    revokeInvitation: (id: string) =>
      api.DELETE(`${ORG}/invitations/{id}`, { params: { path: { slug, id } } }).then(done),
    update: (body: NonNullable<RequestBodyOf<typeof ORG, 'patch'>>) =>
      api.PATCH(ORG, { params: { path }, body }).then(done),
  };
}

/** The signed-in account (GET /me). */
export const fetchMe = (signal?: AbortSignal) => api.GET('/api/v1/me', { signal });
export const signOutRequest = () => api.POST('/api/v1/auth/logout', {});
export const useAuthProviders = () => useApiQuery('/api/v1/auth/providers', {});

type AuthBody<P extends PathsWith<'post'>> = RequestBodyOf<P, 'post'>;
/** Sign-in, sign-up, e-mail verification, password reset, invitations: typed POSTs with no cached query. */
export const auth = {
  login: (body: AuthBody<'/api/v1/auth/login'>) => api.POST('/api/v1/auth/login', { body }),
  register: (body: AuthBody<'/api/v1/auth/register'>) => api.POST('/api/v1/auth/register', { body }),
  verifyEmail: (token: string) => api.POST('/api/v1/auth/verify-email', { body: { token } }),
  requestPasswordReset: (email: string) => api.POST('/api/v1/auth/password-reset/request', { body: { email } }),
  confirmPasswordReset: (token: string, password: string) =>
    api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }),
  acceptInvitation: (token: string) => api.POST('/api/v1/invitations/accept', { body: { token } }),
};

/** Account changes: profile, new organization. */
export function useAccountActions() {
  const client = useQueryClient();
  return {
    updateProfile: (body: RequestBodyOf<'/api/v1/me', 'patch'>) => api.PATCH('/api/v1/me', { body }),
    createOrganization: (body: RequestBodyOf<'/api/v1/organizations', 'post'>) =>
      api.POST('/api/v1/organizations', { body }).then(async (org) => {
        await invalidate(client, ['/api/v1/me/organizations', '/api/v1/organizations']);
        return org;
      }),
  };
}
