import { Type, type Static } from '@sinclair/typebox';
import { NO_BIDI_CONTROLS } from '../../kernel/input.js';

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' });
export const Handle = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{1,38}$',
  description: '2–39 lowercase letters, digits or dashes',
});
export const PersonName = Type.String({
  minLength: 1,
  maxLength: 120,
  pattern: NO_BIDI_CONTROLS,
  description: 'No bidirectional control characters',
});

export const RegisterBody = Type.Object(
  { email: Email, password: Password, handle: Handle, name: PersonName },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 200 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const UpdateMeBody = Type.Object(
  { name: Type.Optional(PersonName), locale: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])) },
  { additionalProperties: false },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const TokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const EmailBody = Type.Object({ email: Type.String({ maxLength: 254 }) }, { additionalProperties: false });
export const ResetBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);

export const Me = Type.Object({
  id: Type.String(),
  email: Type.String(),
  handle: Type.String(),
  name: Type.String(),
  emailVerified: Type.Boolean(),
  isAdmin: Type.Boolean(),
  locale: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  authenticatedBy: Type.Union(
    [Type.Literal('session'), Type.Literal('token'), Type.Literal('key'), Type.Literal('oauth')],
    { description: 'session, personal token, app API key or OAuth token' },
  ),
});
export type Me = Static<typeof Me>;

export const SessionResult = Type.Object({ user: Me, csrfToken: Type.String() });
