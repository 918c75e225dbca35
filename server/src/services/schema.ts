/**
 * TypeBox schemas of the services capability (HTTP shapes) and the types derived from them. A service's request
 * form is a JSON Schema restricted to what renders as an accessible form and maps to Open311 attributes
 * (`FormSchema`): flat properties of type string (with enum, format, lengths), number, integer, boolean, or an
 * array of enumerated strings.
 */
import { Type, type Static } from '@sinclair/typebox';

const Text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const OrgRef = Type.Object({ slug: Type.String(), name: Type.String() });
export const SERVICE_CODE = '^[a-z0-9][a-z0-9-]{1,62}$';
const FIELD_CODE = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';

const FieldSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal('string'),
      Type.Literal('number'),
      Type.Literal('integer'),
      Type.Literal('boolean'),
      Type.Literal('array'),
    ]),
    title: Type.Optional(Text(200, 1)),
    description: Type.Optional(Text(1000)),
    enum: Type.Optional(Type.Array(Text(200, 1), { minItems: 1, maxItems: 200, uniqueItems: true })),
    format: Type.Optional(
      Type.Union([Type.Literal('email'), Type.Literal('date'), Type.Literal('date-time'), Type.Literal('uri')]),
    ),
    minLength: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    minimum: Type.Optional(Type.Number()),
    maximum: Type.Optional(Type.Number()),
    items: Type.Optional(
      Type.Object(
        {
          type: Type.Literal('string'),
          enum: Type.Array(Text(200, 1), { minItems: 1, maxItems: 200, uniqueItems: true }),
        },
        { additionalProperties: false },
      ),
    ),
    minItems: Type.Optional(Type.Integer({ minimum: 0, maximum: 200 })),
    maxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const FormSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ maxLength: 200 })),
    type: Type.Literal('object'),
    title: Type.Optional(Text(200)),
    description: Type.Optional(Text(2000)),
    properties: Type.Record(Type.String({ pattern: FIELD_CODE }), FieldSchema, { maxProperties: 50 }),
    required: Type.Optional(Type.Array(Type.String({ pattern: FIELD_CODE }), { maxItems: 50, uniqueItems: true })),
    additionalProperties: Type.Optional(Type.Literal(false)),
  },
  {
    $id: 'ServiceFormSchema',
    additionalProperties: false,
    description:
      'The request form: a JSON Schema (object of flat fields: string with enum/format/lengths, number, integer, boolean, array of enumerated strings)',
  },
);
export type FormSchema = Static<typeof FormSchema>;

const Step = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
    title: Text(200, 1),
    /** How long a case may stay at this step (hours), shown on the service page. */
    objectiveHours: Type.Union([Type.Integer({ minimum: 1, maximum: 87_600 }), Type.Null()]),
  },
  { additionalProperties: false },
);

const Bbox = Type.Tuple([
  Type.Number({ minimum: -180, maximum: 180 }),
  Type.Number({ minimum: -90, maximum: 90 }),
  Type.Number({ minimum: -180, maximum: 180 }),
  Type.Number({ minimum: -90, maximum: 90 }),
]);
const Territory = Type.Object(
  {
    /** Postal codes, INSEE codes…: a case filed with one of them is routed here. */
    codes: Type.Array(Type.String({ pattern: '^[A-Za-z0-9-]{1,20}$' }), { maxItems: 2000, uniqueItems: true }),
    /** [west, south, east, north] in WGS 84: a case located inside is routed here. */
    bbox: Type.Union([Bbox, Type.Null()]),
  },
  { additionalProperties: false },
);

const Routing = Type.Union([
  Type.Literal('territory'),
  Type.Literal('share'),
  Type.Literal('round_robin'),
  Type.Literal('least_loaded'),
  Type.Literal('manual'),
]);

const serviceFields = {
  title: Text(200, 1),
  description: Text(10_000),
  eligibility: Text(2000),
  audience: Type.Union([Type.Literal('public'), Type.Literal('members')], {
    description: '`public`: anyone with an account; `members`: members of the organization only',
  }),
  formSchema: FormSchema,
  location: Type.Union([Type.Literal('none'), Type.Literal('optional'), Type.Literal('required')]),
  attachments: Type.Boolean(),
  steps: Type.Array(Step, { maxItems: 20 }),
  acknowledgeHours: Type.Integer({ minimum: 1, maximum: 87_600 }),
  resolveHours: Type.Integer({ minimum: 1, maximum: 87_600 }),
  routing: Routing,
  retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  alertBelow: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
    description: 'Alert the organization when an operator’s share of cases within objective falls below this',
  }),
  keywords: Type.Array(Text(50, 1), { maxItems: 20 }),
};

export const CreateServiceBody = Type.Object(
  {
    organization: Type.String({ minLength: 1, maxLength: 100 }),
    code: Type.String({ pattern: SERVICE_CODE, description: 'the Open311 service_code and the page’s address' }),
    title: serviceFields.title,
    description: Type.Optional(serviceFields.description),
    eligibility: Type.Optional(serviceFields.eligibility),
    audience: Type.Optional(serviceFields.audience),
    formSchema: Type.Optional(FormSchema),
    location: Type.Optional(serviceFields.location),
    attachments: Type.Optional(serviceFields.attachments),
    steps: Type.Optional(serviceFields.steps),
    acknowledgeHours: serviceFields.acknowledgeHours,
    resolveHours: serviceFields.resolveHours,
    routing: Type.Optional(serviceFields.routing),
    retentionDays: Type.Optional(serviceFields.retentionDays),
    alertBelow: Type.Optional(serviceFields.alertBelow),
    keywords: Type.Optional(serviceFields.keywords),
  },
  { additionalProperties: false },
);
export type CreateServiceBody = Static<typeof CreateServiceBody>;

export const UpdateServiceBody = Type.Partial(Type.Object(serviceFields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateServiceBody = Static<typeof UpdateServiceBody>;

export const OperatorView = Type.Object(
  {
    id: Type.String(),
    organization: OrgRef,
    territory: Territory,
    share: Type.Union([Type.Integer(), Type.Null()]),
    startsOn: Type.String(),
    endsOn: Type.Union([Type.String(), Type.Null()]),
    conditions: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
    /** Active, revoked or not, and within its dates today. */
    current: Type.Boolean(),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
    revokedReason: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
  },
  { $id: 'ServiceOperator' },
);
export type OperatorView = Static<typeof OperatorView>;

export const ServiceView = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    organization: OrgRef,
    ...serviceFields,
    formSchema: Type.Ref(FormSchema),
    operators: Type.Array(Type.Ref(OperatorView)),
    /** What the caller may do: `manage` (the organization), `request`. */
    can: Type.Array(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Service' },
);
export type ServiceView = Static<typeof ServiceView>;

export const ServiceSummary = Type.Object({
  code: Type.String(),
  title: Type.String(),
  description: Type.String(),
  organization: OrgRef,
  acknowledgeHours: Type.Integer(),
  resolveHours: Type.Integer(),
  operators: Type.Integer({ description: 'current operators' }),
  keywords: Type.Array(Type.String()),
});
export type ServiceSummary = Static<typeof ServiceSummary>;

export const ServiceListQuery = Type.Object(
  { organization: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);

export const AccreditBody = Type.Object(
  {
    organization: Type.String({ minLength: 1, maxLength: 100, description: 'the operator organization’s slug' }),
    territory: Type.Optional(Territory),
    share: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()])),
    startsOn: Type.Optional(Type.String({ format: 'date' })),
    endsOn: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
    conditions: Type.Optional(Text(5000)),
  },
  { additionalProperties: false },
);
export type AccreditBody = Static<typeof AccreditBody>;

export const RevokeBody = Type.Object({ reason: Text(2000, 1) }, { additionalProperties: false });

const Location = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    long: Type.Number({ minimum: -180, maximum: 180 }),
    address: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);

export const Contact = Type.Object(
  {
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    firstName: Type.Optional(Text(100)),
    lastName: Type.Optional(Text(100)),
    phone: Type.Optional(Type.String({ pattern: '^[0-9+(). -]{3,30}$' })),
  },
  { additionalProperties: false },
);
export type Contact = Static<typeof Contact>;

export const SubmitCaseBody = Type.Object(
  {
    answers: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 })),
    description: Type.Optional(Text(5000)),
    location: Type.Optional(Location),
    territory: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,20}$' })),
    contact: Type.Optional(Contact),
  },
  { additionalProperties: false },
);
export type SubmitCaseBody = Static<typeof SubmitCaseBody>;

export const NoteBody = Type.Object(
  {
    note: Type.Optional(Text(5000)),
    visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')])),
  },
  { additionalProperties: false },
);
export const RequiredNoteBody = Type.Object({ note: Text(5000, 1) }, { additionalProperties: false });
export const StatusBody = Type.Object(
  {
    step: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
    note: Type.Optional(Text(5000)),
    visibility: Type.Union([Type.Literal('public'), Type.Literal('private')]),
  },
  { additionalProperties: false },
);
export const AssignBody = Type.Object(
  {
    operator: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
      description: 'the accreditation id to route the case to, or null to take it back',
    }),
    note: Type.Optional(Text(5000)),
  },
  { additionalProperties: false },
);
export const RatingBody = Type.Object(
  { rating: Type.Integer({ minimum: 1, maximum: 5 }) },
  { additionalProperties: false },
);

const TimelineEntry = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  side: Type.String(),
  visibility: Type.String(),
  status: Type.String(),
  step: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CaseView = Type.Object(
  {
    id: Type.String(),
    service: Type.Object({ code: Type.String(), title: Type.String() }),
    organization: OrgRef,
    operator: Nullable(Type.Object({ id: Type.String(), organization: OrgRef })),
    /** How the caller sees the case: requester, operator, organization. */
    viewer: Type.String(),
    channel: Type.String(),
    status: Type.String(),
    step: Nullable(Type.String()),
    territory: Nullable(Type.String()),
    location: Nullable(Type.Object({ lat: Type.Number(), long: Type.Number(), address: Nullable(Type.String()) })),
    description: Nullable(Type.String()),
    answers: Nullable(Type.Record(Type.String(), Type.Unknown())),
    contact: Nullable(Type.Record(Type.String(), Type.String())),
    attachments: Type.Array(
      Type.Object({
        index: Type.Integer(),
        name: Type.String(),
        size: Nullable(Type.Integer()),
        mediaType: Nullable(Type.String()),
        url: Type.String(),
      }),
    ),
    rating: Nullable(Type.Integer()),
    submittedAt: Type.String(),
    acknowledgedAt: Nullable(Type.String()),
    resolvedAt: Nullable(Type.String()),
    acknowledgeDueAt: Type.String(),
    resolveDueAt: Type.String(),
    updatedAt: Type.String(),
    purgedAt: Nullable(Type.String()),
    timeline: Type.Array(TimelineEntry),
    /** What the caller may do now. */
    actions: Type.Array(Type.String()),
  },
  { $id: 'ServiceCase' },
);
export type CaseView = Static<typeof CaseView>;

export const CaseSummary = Type.Object({
  id: Type.String(),
  service: Type.Object({ code: Type.String(), title: Type.String() }),
  operator: Nullable(OrgRef),
  status: Type.String(),
  step: Nullable(Type.String()),
  territory: Nullable(Type.String()),
  submittedAt: Type.String(),
  updatedAt: Type.String(),
  resolveDueAt: Type.String(),
});
export type CaseSummary = Static<typeof CaseSummary>;

export const CaseListQuery = Type.Object(
  {
    as: Type.Optional(
      Type.Union([Type.Literal('requester'), Type.Literal('operator'), Type.Literal('organization')], {
        description:
          'requester (default): your requests; operator: cases routed to your organizations; organization: every case of your organizations’ services',
      }),
    ),
    service: Type.Optional(Type.String({ pattern: SERVICE_CODE })),
    open: Type.Optional(Type.Boolean()),
    _cursor: Type.Optional(Type.String({ maxLength: 500 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type CaseListQuery = Static<typeof CaseListQuery>;

const Share = Nullable(Type.Number());
const Hours = Nullable(Type.Number());
export const PerformanceMonth = Type.Object({
  month: Type.String(),
  received: Type.Integer(),
  acknowledged: Type.Integer(),
  acknowledgedWithinShare: Share,
  resolved: Type.Integer(),
  resolvedWithinShare: Share,
  medianAcknowledgeHours: Hours,
  medianResolveHours: Hours,
  backlog: Type.Integer({ description: 'cases still open at the end of the month (now, for this month)' }),
  ratings: Type.Integer(),
  satisfaction: Nullable(Type.Number({ description: 'mean rating, 1 to 5' })),
  steps: Type.Array(
    Type.Object({
      code: Type.String(),
      objectiveHours: Type.Integer(),
      entered: Type.Integer({ description: 'stays at this step of the month’s cases' }),
      left: Type.Integer({ description: 'of them, those that moved on (next step or resolution)' }),
      withinShare: Share,
      medianHours: Hours,
    }),
    { description: 'each step with an objective: how long the month’s cases stayed at it' },
  ),
  met: Nullable(
    Type.Boolean({ description: 'every share within objective (acknowledgement, resolution, steps) reached' }),
  ),
});
export type PerformanceMonth = Static<typeof PerformanceMonth>;

export const Performance = Type.Object(
  {
    service: Type.Object({ code: Type.String(), title: Type.String() }),
    organization: OrgRef,
    objectives: Type.Object({
      acknowledgeHours: Type.Integer(),
      resolveHours: Type.Integer(),
      targetShare: Type.Number({ description: 'a month is met when every share within objective reaches this' }),
      steps: Type.Array(Type.Object({ code: Type.String(), title: Type.String(), objectiveHours: Type.Integer() })),
    }),
    months: Type.Array(Type.String()),
    overall: Type.Array(PerformanceMonth),
    operators: Type.Array(
      Type.Object({
        /** The accreditation; null for the cases the organization kept or took back. */
        operatorId: Nullable(Type.String()),
        organization: OrgRef,
        months: Type.Array(PerformanceMonth),
      }),
    ),
  },
  { $id: 'ServicePerformance' },
);
export type Performance = Static<typeof Performance>;
