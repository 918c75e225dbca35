import { Type, type Static } from '@sinclair/typebox';
import { scopeIds } from '../../kernel/scopes.js';

const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$', maxLength: 64 });
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);
const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 });
const ScopeId = Type.Union(scopeIds.map((s) => Type.Literal(s)));

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const KeyParams = Type.Object({ id: Type.String({ maxLength: 64 }), keyId: Type.String({ maxLength: 64 }) });
export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 64 }) });
export const PageQuery = Type.Object(
  {
    _cursor: Type.Optional(Type.String({ maxLength: 300 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);

export const OrganizationRef = Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() });

// apps

const RedirectUris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
  maxItems: 20,
  uniqueItems: true,
  description:
    'Absolute URIs, matched exactly: https, or http on localhost / 127.0.0.1 / [::1] (native and development apps); no fragment',
});

export const CreateAppBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.String({ maxLength: 2000 }),
    homepage: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    redirectUris: RedirectUris,
    organization: Type.Optional(
      Type.Union([Slug, Type.Null()], {
        description: 'Slug of an organization you own or administer: the app belongs to it',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateAppBody = Static<typeof CreateAppBody>;

export const UpdateAppBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    homepage: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    redirectUris: Type.Optional(RedirectUris),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAppBody = Static<typeof UpdateAppBody>;

export const AppView = Type.Object({
  id: Type.String(),
  clientId: Type.String({ description: 'The OAuth client id (public)' }),
  name: Type.String(),
  description: Type.String(),
  homepage: Type.Union([Type.String(), Type.Null()]),
  redirectUris: Type.Array(Type.String()),
  owner: Type.Object({ id: Type.String(), handle: Type.String() }),
  organization: Type.Union([OrganizationRef, Type.Null()]),
  plan: Type.String({ description: 'Rate-limit and quota plan' }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type AppView = Static<typeof AppView>;

export const CreatedApp = Type.Intersect([
  AppView,
  Type.Object({ clientSecret: Type.String({ description: 'The OAuth client secret, shown this once' }) }),
]);
export const ClientSecret = Type.Object({
  clientId: Type.String(),
  clientSecret: Type.String({ description: 'The new client secret, shown this once; the old one stops working now' }),
});

// API keys

export const KeyView = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first 12 characters of the key, to recognise it' }),
  scopes: Type.Array(Type.String()),
  createdBy: Type.Object({ id: Type.String(), handle: Type.String() }),
  createdAt: DateTime,
  expiresAt: NullableDateTime,
  lastUsedAt: NullableDateTime,
  revokedAt: NullableDateTime,
  replacedBy: Type.Union([Type.String(), Type.Null()], {
    description: 'Set on a rotated key: the key that replaces it',
  }),
  status: Type.Union(
    [Type.Literal('active'), Type.Literal('rotating'), Type.Literal('expired'), Type.Literal('revoked')],
    {
      description: 'rotating: replaced, still accepted until expiresAt (the end of the overlap)',
    },
  ),
});
export type KeyView = Static<typeof KeyView>;

export const CreatedKey = Type.Intersect([
  KeyView,
  Type.Object({ key: Type.String({ description: 'The key, shown this once: mtk_ followed by 43 characters' }) }),
]);
export type CreatedKey = Static<typeof CreatedKey>;

export const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(ScopeId, { minItems: 1, maxItems: scopeIds.length, uniqueItems: true }),
    expiresAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateKeyBody = Static<typeof CreateKeyBody>;

export const MAX_OVERLAP_SECONDS = 30 * 24 * 3600;
export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;
export const RotateKeyBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_OVERLAP_SECONDS,
        description: 'How long the old key keeps working (default 24 hours, at most 30 days)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RotateKeyBody = Static<typeof RotateKeyBody>;

export const RotatedKey = Type.Object({ key: CreatedKey, previous: KeyView });

// accreditations

export const accreditationStatuses = ['submitted', 'changes_requested', 'approved', 'refused', 'revoked'] as const;
export const AccreditationStatus = Type.Union(accreditationStatuses.map((s) => Type.Literal(s)));
export type AccreditationStatus = (typeof accreditationStatuses)[number];

const Dpo = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), email: Type.String({ format: 'email', maxLength: 254 }) },
  { additionalProperties: false },
);

export const CreateAccreditationBody = Type.Object(
  {
    organization: Slug,
    scopes: Type.Array(ScopeId, {
      minItems: 1,
      maxItems: scopeIds.length,
      uniqueItems: true,
      description: 'Sensitive scopes only',
    }),
    purpose: Type.String({
      minLength: 10,
      maxLength: 5000,
      description: 'What the app does with the access, and why it needs it',
    }),
    legalBasis: Type.String({
      minLength: 3,
      maxLength: 2000,
      description: 'GDPR article 6 basis, or the text that allows the processing',
    }),
    retention: Type.String({ minLength: 2, maxLength: 1000, description: 'How long the data is kept' }),
    dpo: Dpo,
  },
  { additionalProperties: false },
);
export type CreateAccreditationBody = Static<typeof CreateAccreditationBody>;

export const UpdateAccreditationBody = Type.Object(
  {
    scopes: Type.Optional(CreateAccreditationBody.properties.scopes),
    purpose: Type.Optional(CreateAccreditationBody.properties.purpose),
    legalBasis: Type.Optional(CreateAccreditationBody.properties.legalBasis),
    retention: Type.Optional(CreateAccreditationBody.properties.retention),
    dpo: Type.Optional(Dpo),
  },
  { additionalProperties: false },
);
export type UpdateAccreditationBody = Static<typeof UpdateAccreditationBody>;

export const ReviewBody = Type.Object(
  {
    decision: Type.Union([
      Type.Literal('approve'),
      Type.Literal('refuse'),
      Type.Literal('request_changes'),
      Type.Literal('revoke'),
    ]),
    comment: Type.Optional(Type.String({ maxLength: 5000, description: 'Required unless approving' })),
  },
  { additionalProperties: false },
);
export type ReviewBody = Static<typeof ReviewBody>;

export const AccreditationView = Type.Object({
  id: Type.String(),
  app: Type.Object({ id: Type.String(), name: Type.String(), homepage: Type.Union([Type.String(), Type.Null()]) }),
  organization: OrganizationRef,
  scopes: Type.Array(Type.String()),
  purpose: Type.String(),
  legalBasis: Type.String(),
  retention: Type.String(),
  dpo: Type.Object({ name: Type.String(), email: Type.String() }),
  status: AccreditationStatus,
  reviewComment: Type.Union([Type.String(), Type.Null()]),
  requestedBy: Type.Object({ id: Type.String(), handle: Type.String() }),
  reviewedBy: Type.Union([Type.Object({ id: Type.String(), handle: Type.String() }), Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
  reviewedAt: NullableDateTime,
});
export type AccreditationView = Static<typeof AccreditationView>;

/** What the public registry shows of an approved accreditation: the request without its review trail, and when it was approved. */
export const PublicAccreditation = Type.Composite([
  Type.Pick(AccreditationView, ['id', 'app', 'organization', 'scopes', 'purpose', 'legalBasis', 'retention', 'dpo']),
  Type.Object({ approvedAt: DateTime }),
]);
export type PublicAccreditation = Static<typeof PublicAccreditation>;

export const SensitiveCallView = Type.Object({
  id: Type.String(),
  keyId: Type.Union([Type.String(), Type.Null()]),
  grantId: Type.Union([Type.String(), Type.Null()]),
  userId: Type.String(),
  accreditationId: Type.String(),
  scope: Type.String(),
  purpose: Type.String(),
  method: Type.String(),
  path: Type.String(),
  requestId: Type.String(),
  at: DateTime,
});
export type SensitiveCallView = Static<typeof SensitiveCallView>;
