import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Share = Nullable(Type.Number({ minimum: 0, maximum: 1 }));
const Month = Type.String({ description: 'YYYY-MM (UTC)' });
const OrganizationRef = Nullable(Type.Object({ slug: Type.String(), name: Type.String() }));

const ReviewMonth = Type.Object({
  month: Month,
  reviewed: Type.Integer({ minimum: 0 }),
  medianSeconds: Nullable(Type.Number()),
  p90Seconds: Nullable(Type.Number()),
  withinTargetShare: Share,
  met: Nullable(Type.Boolean({ description: 'whether the share within the target reached 90 %; null without data' })),
});

export const Commitments = Type.Object(
  {
    generatedAt: Type.String({ format: 'date-time' }),
    months: Type.Array(Month),
    targets: Type.Object({
      apiAvailability: Type.Number(),
      apiP95Ms: Type.Number(),
      webhookSuccess: Type.Number(),
      reviewShareWithinTarget: Type.Number(),
    }),
    api: Type.Array(
      Type.Object({
        month: Month,
        calls: Type.Integer({ minimum: 0 }),
        availability: Share,
        p95Ms: Nullable(Type.Number()),
        availabilityMet: Nullable(Type.Boolean()),
        p95Met: Nullable(Type.Boolean()),
      }),
    ),
    webhooks: Type.Object({
      days: Type.Integer(),
      delivered: Type.Integer({ minimum: 0 }),
      failed: Type.Integer({ minimum: 0 }),
      successShare: Share,
      met: Nullable(Type.Boolean()),
    }),
    platformReviews: Type.Array(ReviewMonth),
    organizations: Type.Array(
      Type.Object({
        organization: OrganizationRef,
        targetDays: Nullable(Type.Number()),
        months: Type.Array(ReviewMonth),
      }),
    ),
    /** Delegated services (services capability): each operator's month against the service's objectives. */
    services: Type.Array(
      Type.Object({
        organization: OrganizationRef,
        service: Type.Object({ code: Type.String(), title: Type.String() }),
        objectives: Type.Object({ acknowledgeHours: Type.Integer(), resolveHours: Type.Integer() }),
        operators: Type.Array(
          Type.Object({
            organization: OrganizationRef,
            months: Type.Array(
              Type.Object({
                month: Month,
                received: Type.Integer({ minimum: 0 }),
                acknowledgedWithinShare: Share,
                resolvedWithinShare: Share,
                met: Nullable(Type.Boolean()),
              }),
            ),
          }),
        ),
      }),
    ),
    personalData: Type.Object({
      since: Type.String({ format: 'date-time' }),
      items: Type.Array(
        Type.Object({ organization: OrganizationRef, purpose: Type.String(), count: Type.Integer({ minimum: 0 }) }),
      ),
    }),
  },
  { $id: 'Commitments' },
);
export type Commitments = Static<typeof Commitments>;
export type ReviewMonth = Static<typeof ReviewMonth>;
