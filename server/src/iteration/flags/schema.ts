import { Type, type Static } from '@sinclair/typebox';
import { CONDITION_OPERATORS } from '@multitude/sdk/flags/evaluate';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const FlagKey = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$',
  description: 'letters, digits, _ . -',
});
const VariantName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' });
export const EnvironmentName = Type.Union(
  ENVIRONMENTS.map((e) => Type.Literal(e)),
  { description: 'development, staging or production' },
);
const Reason = Type.String({ minLength: 3, maxLength: 500, description: 'Why: kept with the change in the audit log' });
const AnyJson = Type.Unknown({ description: 'any JSON value' });

export const Condition = Type.Object(
  {
    attribute: Type.String({ maxLength: 200 }),
    op: Type.Union(CONDITION_OPERATORS.map((o) => Type.Literal(o))),
    value: Type.Optional(AnyJson),
  },
  { additionalProperties: false },
);

export const Serve = Type.Union([
  Type.Object({ variant: VariantName }, { additionalProperties: false }),
  Type.Object(
    {
      rollout: Type.Array(
        Type.Object(
          { variant: VariantName, weight: Type.Integer({ minimum: 0, maximum: 10000, description: 'basis points' }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 100 },
      ),
    },
    { additionalProperties: false },
  ),
]);

export const Rule = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    conditions: Type.Array(Condition, { maxItems: 50 }),
    serve: Serve,
  },
  { additionalProperties: false },
);

const FlagType = Type.Union([
  Type.Literal('boolean'),
  Type.Literal('string'),
  Type.Literal('number'),
  Type.Literal('object'),
]);
const Variants = Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }), AnyJson, {
  maxProperties: 100,
  minProperties: 1,
});

export const Definition = Type.Object({
  key: Type.String(),
  type: FlagType,
  variants: Type.Record(Type.String(), AnyJson),
  enabled: Type.Boolean(),
  offVariant: Type.String(),
  rules: Type.Array(Rule),
  fallthrough: Serve,
  seed: Type.String(),
  bucketBy: Type.Optional(Type.String()),
});

export const FlagEnvironmentView = Type.Object({
  definition: Definition,
  version: Type.Integer(),
  updatedAt: Type.String(),
  lastEvaluatedAt: Type.Union([Type.String(), Type.Null()]),
  stale: Type.Union([Type.String({ description: 'why the flag looks stale here' }), Type.Null()]),
});

export const FlagView = Type.Object({
  key: FlagKey,
  description: Type.String(),
  type: FlagType,
  createdAt: Type.String(),
  environments: Type.Record(Type.String(), FlagEnvironmentView),
});
export type FlagView = Static<typeof FlagView>;
export const FlagList = Type.Object({ items: Type.Array(FlagView) });

export const CreateFlagBody = Type.Object(
  {
    key: FlagKey,
    description: Type.String({ maxLength: 1000, default: '' }),
    type: FlagType,
    variants: Variants,
    offVariant: VariantName,
    defaultVariant: Type.Optional(VariantName),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type CreateFlagBody = Static<typeof CreateFlagBody>;

export const UpdateFlagBody = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    enabled: Type.Optional(Type.Boolean({ description: 'false: the kill switch (serves offVariant)' })),
    variants: Type.Optional(Variants),
    offVariant: Type.Optional(VariantName),
    rules: Type.Optional(Type.Array(Rule, { maxItems: 200 })),
    fallthrough: Type.Optional(Serve),
    bucketBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type UpdateFlagBody = Static<typeof UpdateFlagBody>;
export type FlagChanges = Omit<UpdateFlagBody, 'reason' | 'description'>;

export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const SegmentBody = Type.Object(
  {
    description: Type.String({ maxLength: 1000, default: '' }),
    conditions: Type.Array(Condition, { maxItems: 50 }),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type SegmentBody = Static<typeof SegmentBody>;
export const SegmentView = Type.Object({
  key: FlagKey,
  description: Type.String(),
  conditions: Type.Array(Condition),
  usedBy: Type.Array(Type.String(), { description: 'flags (key@environment) whose rules reference it' }),
  updatedAt: Type.String(),
});
export type SegmentView = Static<typeof SegmentView>;
export const SegmentList = Type.Object({ items: Type.Array(SegmentView) });

export const ScheduleBody = Type.Object(
  {
    environment: EnvironmentName,
    flagKey: FlagKey,
    runAt: Type.String({ format: 'date-time' }),
    changes: Type.Object(
      {
        enabled: Type.Optional(Type.Boolean()),
        offVariant: Type.Optional(VariantName),
        rules: Type.Optional(Type.Array(Rule, { maxItems: 200 })),
        fallthrough: Type.Optional(Serve),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type ScheduleBody = Static<typeof ScheduleBody>;
export const ScheduleView = Type.Object({
  id: Type.String(),
  environment: Type.String(),
  flagKey: Type.String(),
  runAt: Type.String(),
  changes: Type.Record(Type.String(), AnyJson),
  reason: Type.String(),
  status: Type.String(),
  appliedAt: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type ScheduleView = Static<typeof ScheduleView>;
export const ScheduleList = Type.Object({ items: Type.Array(ScheduleView) });

export const Stage = Type.Object(
  {
    percent: Type.Number({ minimum: 0.01, maximum: 100, multipleOf: 0.01 }),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'not before this time' })),
    soakMinutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 525600, description: 'at least this long after the previous stage' }),
    ),
  },
  { additionalProperties: false },
);
export type Stage = Static<typeof Stage>;
export const Guardrail = Type.Object(
  {
    source: Type.String({ maxLength: 64, description: 'a guardrail source: api_error_rate (built in)' }),
    threshold: Type.Number({ minimum: 0, description: 'degraded when the measured value exceeds it' }),
    minSamples: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 20 }),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  },
  { additionalProperties: false },
);
export type Guardrail = Static<typeof Guardrail>;

export const PlanBody = Type.Object(
  {
    environment: EnvironmentName,
    flagKey: FlagKey,
    variant: VariantName,
    baselineVariant: VariantName,
    stages: Type.Array(Stage, { minItems: 1, maxItems: 20 }),
    guardrails: Type.Array(Guardrail, { maxItems: 10, default: [] }),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type PlanBody = Static<typeof PlanBody>;
export const PlanView = Type.Object({
  id: Type.String(),
  environment: Type.String(),
  flagKey: Type.String(),
  variant: Type.String(),
  baselineVariant: Type.String(),
  stages: Type.Array(Stage),
  guardrails: Type.Array(Guardrail),
  currentStage: Type.Integer(),
  percent: Type.Number(),
  status: Type.String(),
  stageStartedAt: Type.String(),
  pausedReason: Type.Union([Type.String(), Type.Null()]),
});
export type PlanView = Static<typeof PlanView>;
export const PlanList = Type.Object({ items: Type.Array(PlanView) });

export const AuditEntry = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'the event type: flag.created, flag.changed, flag.release_plan_changed, …' }),
  at: Type.String(),
  actor: Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()], {
    description: 'who; null when a schedule or a release plan made the change',
  }),
  key: Type.String({ description: 'the flag (or segment) key' }),
  environment: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String({ description: 'why, as its author gave it (or the guardrail that paused a plan)' }),
  by: Type.String({ description: 'user, schedule or release_plan' }),
  fields: Type.Array(Type.String(), { description: 'what changed (flag.changed)' }),
  status: Type.Union([Type.String(), Type.Null()], { description: 'a release plan’s new state' }),
  percent: Type.Union([Type.Number(), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  next: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as `before` for older entries' }),
});
export const AuditQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const Context = Type.Record(Type.String({ maxLength: 200 }), AnyJson, { maxProperties: 200 });

export const EvaluateBody = Type.Object(
  {
    context: Context,
    flagKey: Type.Optional(FlagKey),
    environment: Type.Optional(EnvironmentName),
  },
  { additionalProperties: false },
);
export const EvaluationItem = Type.Object({
  key: Type.String(),
  value: AnyJson,
  variant: Type.Optional(Type.String()),
  reason: Type.String(),
  ruleId: Type.Optional(Type.String()),
  errorCode: Type.Optional(Type.String()),
  errorDetails: Type.Optional(Type.String()),
});
export const EvaluateResponse = Type.Object({
  environment: Type.String(),
  version: Type.String(),
  flags: Type.Array(EvaluationItem),
});

export const WebFlags = Type.Object({
  flags: Type.Record(Type.String(), AnyJson, { description: 'flag key → value served to this visitor' }),
});
