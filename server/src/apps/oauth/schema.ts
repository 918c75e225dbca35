import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const OAuthAppSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  homepage: Nullable(Type.String()),
  owner: Type.Object({ handle: Type.String(), name: Type.String() }),
  organization: Nullable(Type.Object({ slug: Type.String(), name: Type.String() })),
});
export type OAuthAppSummary = Static<typeof OAuthAppSummary>;

export const ScopeView = Type.Object({
  id: Type.String(),
  description: Type.String({ description: 'What the scope lets the app do, in plain words' }),
  sensitive: Type.Boolean({
    description: 'Personal data or writes on behalf of an organization (needs an approved accreditation)',
  }),
});
export type ScopeView = Static<typeof ScopeView>;

export const InteractionView = Type.Object({
  uid: Type.String(),
  app: OAuthAppSummary,
  /** Everything the app asks for. */
  scopes: Type.Array(Type.Intersect([ScopeView, Type.Object({ alreadyGranted: Type.Boolean() })])),
  /** True when the user already allowed all of it: no question to ask. */
  consentRequired: Type.Boolean(),
});
export type InteractionView = Static<typeof InteractionView>;

export const InteractionParams = Type.Object({
  uid: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

export const DecisionBody = Type.Object(
  { decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]) },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

export const DecisionResult = Type.Object({
  redirectTo: Type.String({
    description: 'Where the browser goes next (back to the authorization endpoint, then the app)',
  }),
});

export const AuthorizedApp = Type.Object({
  app: OAuthAppSummary,
  scopes: Type.Array(ScopeView),
  firstAuthorizedAt: Type.String({ format: 'date-time' }),
  lastAuthorizedAt: Type.String({ format: 'date-time' }),
});
export type AuthorizedApp = Static<typeof AuthorizedApp>;

export const AuthorizedAppParams = Type.Object({ appId: Type.String({ minLength: 1, maxLength: 64 }) });
