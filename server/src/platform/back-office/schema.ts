import { Type, type Static } from '@sinclair/typebox';

const DateTime = Type.String({ format: 'date-time' });

export const HandleParams = Type.Object({ handle: Type.String({ maxLength: 64 }) });
export const MemberParams = Type.Object({
  slug: Type.String({ maxLength: 64 }),
  handle: Type.String({ maxLength: 64 }),
});

export const AccountDetails = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  name: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  isAdmin: Type.Boolean(),
  locale: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
});
export type AccountDetails = Static<typeof AccountDetails>;

export const MemberContact = Type.Object({
  handle: Type.String(),
  name: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  role: Type.String(),
});
export type MemberContact = Static<typeof MemberContact>;
