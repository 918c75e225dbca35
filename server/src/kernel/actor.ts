/** Who is making a request, as every service sees it. */
export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      handle: string;
      isAdmin: boolean;
      /**
       * How the request authenticated: a browser session, a personal access token (mtp_…),
       * an app's API key (mtk_…) or an OAuth access token.
       */
      via: 'session' | 'token' | 'key' | 'oauth';
      /** Token scopes; a session carries every scope. */
      scopes: ReadonlySet<string> | 'all';
      /** Hash of the session id, for logout. */
      sessionIdHash?: string;
      /**
       * The third-party app acting for this user, when the credential belongs to an app: its API key
       * (the key acts for the developer who created it) or an OAuth token (for the user who consented,
       * or for the app's owner with client credentials). Quotas, usage analytics and accreditations
       * are counted against it.
       */
      client?: ClientRef;
    };

export interface ClientRef {
  appId: string;
  /** The API key used, when the call came with a key. */
  keyId?: string;
  /** The OAuth grant, when the call came with a user-delegated token. */
  grantId?: string;
}

export type UserActor = Extract<Actor, { kind: 'user' }>;

export const anonymous: Actor = { kind: 'anonymous' };

export const isUser = (actor: Actor): actor is UserActor => actor.kind === 'user';
