import { Type, type Static } from '@sinclair/typebox';
import { scopeIds } from '../../kernel/scopes.js';

export const TokenItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the token, to recognise it' }),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type TokenItem = Static<typeof TokenItem>;

export const CreatedToken = Type.Intersect([
  TokenItem,
  Type.Object({ token: Type.String({ description: 'The secret, shown this once' }) }),
]);

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Type.Union(scopeIds.map((s) => Type.Literal(s))), {
      minItems: 1,
      maxItems: scopeIds.length,
      uniqueItems: true,
    }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;
