import { NO_BIDI_CONTROLS } from '../../kernel/input.js';
import { Type, type Static } from '@sinclair/typebox';
import { roles } from '../policy.js';

export const Slug = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$',
  maxLength: 64,
  description: 'Lowercase letters, digits and dashes',
});
export const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)));
const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 });

export const CreateOrganizationBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120, pattern: NO_BIDI_CONTROLS }),
    slug: Type.Optional(Slug),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    url: Type.Optional(HttpUrl),
  },
  { additionalProperties: false },
);
export type CreateOrganizationBody = Static<typeof CreateOrganizationBody>;

export const UpdateOrganizationBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120, pattern: NO_BIDI_CONTROLS })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    url: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOrganizationBody = Static<typeof UpdateOrganizationBody>;

export const OrganizationView = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  url: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  membersCount: Type.Integer(),
  viewerRole: Type.Union([RoleSchema, Type.Null()], { description: "The caller's role, or null" }),
});
export type OrganizationView = Static<typeof OrganizationView>;

export const OrganizationSummary = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  membersCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const MemberView = Type.Object({
  handle: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  joinedAt: Type.String({ format: 'date-time' }),
});
export type MemberView = Static<typeof MemberView>;

export const InvitationView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type InvitationView = Static<typeof InvitationView>;

export const InviteBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    role: Type.Union(roles.filter((r) => r !== 'owner').map((r) => Type.Literal(r))),
  },
  { additionalProperties: false },
);
export type InviteBody = Static<typeof InviteBody>;

export const RoleBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
export const HandleBody = Type.Object({ handle: Type.String({ maxLength: 40 }) }, { additionalProperties: false });
export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 64 }) });
