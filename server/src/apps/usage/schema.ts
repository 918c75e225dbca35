import { Type } from '@sinclair/typebox';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC day, YYYY-MM-DD' });
export const UsageQuery = Type.Object(
  {
    from: Type.Optional({ ...Day, description: 'First day (UTC, inclusive); 30 days before `to` by default' }),
    to: Type.Optional({ ...Day, description: 'Last day (UTC, inclusive); today by default' }),
  },
  { additionalProperties: false },
);

const Ms = Type.Union([Type.Number(), Type.Null()]);
const Percentiles = Type.Object({ p50: Ms, p95: Ms, p99: Ms });

export const AppUsage = Type.Object(
  {
    app: Type.Object({ id: Type.String(), name: Type.String(), plan: Type.String() }),
    from: Type.String(),
    to: Type.String(),
    totals: Type.Object({
      calls: Type.Integer(),
      clientErrors: Type.Integer(),
      serverErrors: Type.Integer(),
      errorRate: Type.Number(),
      latencyMs: Percentiles,
    }),
    days: Type.Array(
      Type.Object({
        day: Type.String(),
        calls: Type.Integer(),
        clientErrors: Type.Integer(),
        serverErrors: Type.Integer(),
      }),
    ),
    endpoints: Type.Array(
      Type.Object({
        endpoint: Type.String({ description: 'Method and route pattern' }),
        method: Type.String(),
        route: Type.String(),
        calls: Type.Integer(),
        clientErrors: Type.Integer(),
        serverErrors: Type.Integer(),
        errorRate: Type.Number({ description: 'Share of 4xx and 5xx answers' }),
        latencyMs: Type.Object(
          { p50: Ms, p95: Ms, p99: Ms, mean: Ms },
          { description: 'Percentiles read from a logarithmic histogram (√2 buckets)' },
        ),
      }),
    ),
    datasets: Type.Array(Type.Object({ slug: Type.String(), calls: Type.Integer() }), {
      description: 'The datasets the app consumed most',
    }),
  },
  { $id: 'AppUsage' },
);

export const OrganizationUsage = Type.Object(
  {
    organization: Type.Object({ slug: Type.String(), name: Type.String() }),
    from: Type.String(),
    to: Type.String(),
    apps: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        plan: Type.String(),
        calls: Type.Integer(),
        clientErrors: Type.Integer(),
        serverErrors: Type.Integer(),
        errorRate: Type.Number(),
      }),
      { description: 'The organization’s own apps' },
    ),
    consumers: Type.Array(
      Type.Object({ appId: Type.String(), appName: Type.String(), datasetSlug: Type.String(), calls: Type.Integer() }),
      { description: 'Apps that consumed the organization’s datasets' },
    ),
  },
  { $id: 'OrganizationUsage' },
);
