/**
 * What the OAuth authorization server needs to know of an app (its client): written by the apps core,
 * read by apps/oauth. The secret is only ever stored as its SHA-256.
 */
export interface OAuthClientRecord {
  appId: string;
  clientId: string;
  /** SHA-256 (hex) of the client secret. */
  clientSecretHash: string;
  name: string;
  description: string;
  homepage: string | null;
  ownerId: string;
  organizationId: string | null;
  /** Registered redirect URIs, matched exactly. */
  redirectUris: string[];
  /** Scopes the app may be granted: every non-sensitive scope, plus the sensitive ones it holds an approved accreditation for. */
  allowedScopes: string[];
}

export interface ClientRegistry {
  /** The app behind a client id; undefined when unknown or deleted. */
  findByClientId(clientId: string): Promise<OAuthClientRecord | undefined>;
}
