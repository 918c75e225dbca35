/** Who is making a request, as every service sees it. */
export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      handle: string;
      isAdmin: boolean;
      /** How the request authenticated. */
      via: 'session' | 'token';
      /** Token scopes; a session carries every scope. */
      scopes: ReadonlySet<string> | 'all';
      /** Hash of the session id, for logout. */
      sessionIdHash?: string;
    };

export type UserActor = Extract<Actor, { kind: 'user' }>;

export const anonymous: Actor = { kind: 'anonymous' };

export const isUser = (actor: Actor): actor is UserActor => actor.kind === 'user';
