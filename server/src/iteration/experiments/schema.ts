import { Type, type Static } from '@sinclair/typebox';

const Key = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' });

export const MetricDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('conversion'), Type.Literal('count'), Type.Literal('mean'), Type.Literal('ratio')]),
    event: Type.String({ minLength: 1, maxLength: 200, description: 'Captured event (the numerator for a ratio)' }),
    property: Type.Optional(
      Type.String({ maxLength: 100, description: 'Numeric property summed per unit (mean, ratio numerator)' }),
    ),
    denominatorEvent: Type.Optional(
      Type.String({ maxLength: 200, description: 'Ratio: events counted below the line' }),
    ),
    winsorize: Type.Optional(
      Type.Number({ minimum: 0.5, maximum: 1, description: 'Cap per-unit values at this pooled quantile' }),
    ),
    guardrail: Type.Optional(Type.Boolean({ description: 'A metric that must not degrade' })),
  },
  { additionalProperties: false },
);
export type MetricDefinition = Static<typeof MetricDefinition>;

export const CreateExperimentBody = Type.Object(
  {
    key: Key,
    flagKey: Key,
    variants: Type.Array(Type.Object({ key: Key, weight: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }) }), {
      minItems: 2,
      maxItems: 10,
      description: 'The first is the control',
    }),
    metrics: Type.Array(MetricDefinition, { minItems: 1, maxItems: 20 }),
    preDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, description: 'Pre-period for CUPED (0: none)' })),
    alpha: Type.Optional(Type.Number({ minimum: 0.001, maximum: 0.2 })),
  },
  { additionalProperties: false },
);
export type CreateExperimentBody = Static<typeof CreateExperimentBody>;

export const ExperimentView = Type.Object(
  {
    id: Type.String(),
    appId: Type.String(),
    key: Type.String(),
    flagKey: Type.String(),
    definition: CreateExperimentBody,
    startedAt: Type.String(),
    stoppedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ExperimentView' },
);
export type ExperimentView = Static<typeof ExperimentView>;

export const AssignBody = Type.Object(
  {
    experiment: Key,
    unit: Type.String({ minLength: 1, maxLength: 200, description: 'The unit (the distinct id used in capture)' }),
    key: Type.Optional(
      Type.String({ maxLength: 100, description: 'Public capture key (or X-Capture-Key, or an app API key)' }),
    ),
  },
  { additionalProperties: false },
);
export type AssignBody = Static<typeof AssignBody>;

const Text = Type.Object({ fr: Type.String(), en: Type.String() });
const Range = { estimate: Type.Number(), lower: Type.Number(), upper: Type.Number() };

export const VariantResult = Type.Object({
  variant: Type.String(),
  units: Type.Integer(),
  mean: Type.Number(),
  frequentist: Type.Object({ ...Range, pValue: Type.Number() }),
  bayesian: Type.Object({ ...Range, probabilityToBeat: Type.Number() }),
  sequential: Type.Object({ ...Range, pValue: Type.Number() }),
  cuped: Type.Union([Type.Object({ ...Range, pValue: Type.Number(), theta: Type.Number() }), Type.Null()]),
  reading: Text,
});

export const ExperimentResults = Type.Object(
  {
    experiment: Type.String(),
    warnings: Type.Array(Type.Object({ code: Type.String(), text: Text }), {
      description: 'Read first: a sample-ratio mismatch makes every figure below unreliable',
    }),
    srm: Type.Object({
      observed: Type.Array(
        Type.Object({ variant: Type.String(), units: Type.Integer(), expectedShare: Type.Number() }),
      ),
      statistic: Type.Number(),
      pValue: Type.Number(),
      mismatch: Type.Boolean(),
    }),
    alpha: Type.Number(),
    metrics: Type.Array(
      Type.Object({
        name: Type.String(),
        kind: Type.String(),
        guardrail: Type.Boolean(),
        control: Type.Object({ variant: Type.String(), units: Type.Integer(), mean: Type.Number() }),
        variants: Type.Array(VariantResult),
      }),
    ),
  },
  { $id: 'ExperimentResults' },
);
export type ExperimentResults = Static<typeof ExperimentResults>;
