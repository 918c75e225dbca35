/**
 * Scopes a personal access token, an app's API key or an OAuth token may carry. Each route names
 * the scope it needs; a session carries them all. Capabilities add theirs here. The descriptions are
 * shown on the OAuth consent screen: plain words, from the user's side.
 */
export const scopes = {
  'profile:read': 'Read your profile',
  'profile:write': 'Change your profile',
  'organizations:read': 'Read the organizations you belong to, their members and invitations',
  'organizations:write': 'Create and manage organizations, members and invitations on your behalf',
  'data:read': 'Read datasets, including private ones you can see',
  'data:write': 'Publish and change datasets on your behalf',
  'contributions:write': 'Propose and review contributions on your behalf',
  'personal-data:read': 'Read personal data: contributors’ e-mail addresses and account details you can see',
  'apps:read': 'See your apps, their keys (not the secrets) and their usage',
  'apps:write': 'Register and change your apps and their keys',
  'webhooks:read': 'See your webhook subscriptions and their delivery logs',
  'webhooks:write': 'Create, change and delete your webhook subscriptions',
  'reuses:write': 'Publish and change your reuses',
  'services:request': 'File service requests on your behalf and follow them',
  'services:operate': 'Work the service requests routed to the organizations you belong to, as their operator',
  'services:manage': 'Publish services for your organizations, accredit their operators and dispatch their requests',
  'flags:evaluate': 'Evaluate your app’s feature flags and download their rules',
} as const;

export type Scope = keyof typeof scopes;
export const scopeIds = Object.keys(scopes) as Scope[];
export const isScope = (value: string): value is Scope => value in scopes;

/**
 * Scopes that a third-party app (API key or OAuth client) may only use with an approved accreditation
 * from the organization concerned, and only with a stated purpose (X-Purpose), recorded with each call:
 * access to personal data, and writes on behalf of an organization. A personal access token is the
 * user's own and is not concerned.
 */
export const sensitiveScopes: ReadonlySet<Scope> = new Set<Scope>([
  'personal-data:read',
  'data:write',
  'organizations:write',
]);
export const isSensitiveScope = (scope: string): boolean => sensitiveScopes.has(scope as Scope);
