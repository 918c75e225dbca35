import { Type, type Static } from '@sinclair/typebox';

export const MAX_TARGET_DAYS = 365;

export const ReviewRules = Type.Object({
  organization: Type.String({ description: 'Organization slug' }),
  targetDays: Type.Union([Type.Integer({ minimum: 1, maximum: MAX_TARGET_DAYS }), Type.Null()], {
    description:
      'The organization aims to review each proposal within this many days; older pending proposals are listed as overdue (`GET /contributions?overdue=true`). Null: no published target.',
  }),
});
export type ReviewRules = Static<typeof ReviewRules>;

export const ReviewRulesBody = Type.Object(
  { targetDays: Type.Union([Type.Integer({ minimum: 1, maximum: MAX_TARGET_DAYS }), Type.Null()]) },
  { additionalProperties: false },
);
export type ReviewRulesBody = Static<typeof ReviewRulesBody>;
