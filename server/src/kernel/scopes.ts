/**
 * Scopes a personal access token (and, later, an OAuth token) may carry. Each route names
 * the scope it needs; a session carries them all. Capabilities add theirs here.
 */
export const scopes = {
  'profile:read': 'Read your profile',
  'profile:write': 'Change your profile',
  'organizations:read': 'Read the organizations you belong to, their members and invitations',
  'organizations:write': 'Create and manage organizations, members and invitations on your behalf',
  'data:read': 'Read datasets, including private ones you can see',
  'data:write': 'Publish and change datasets on your behalf',
  'contributions:write': 'Propose and review contributions on your behalf',
} as const;

export type Scope = keyof typeof scopes;
export const scopeIds = Object.keys(scopes) as Scope[];
export const isScope = (value: string): value is Scope => value in scopes;
