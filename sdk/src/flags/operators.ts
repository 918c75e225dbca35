/**
 * The operators a rule condition may use: the one list for the evaluator, the server's schema (which refuses any
 * other at save time) and the web's rule editor. No imports, so the web bundles this list and nothing else.
 */
export const CONDITION_OPERATORS = [
  'eq',
  'neq',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'ends_with',
  'lt',
  'lte',
  'gt',
  'gte',
  'semver_eq',
  'semver_lt',
  'semver_lte',
  'semver_gt',
  'semver_gte',
  'regex',
  'before',
  'after',
  'exists',
  'in_segment',
  'not_in_segment',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];
