/**
 * The platform's public commitments (`/accountability`): what it and each organization promise, and what was
 * measured against it, month by month, misses shown as misses. It owns no table: the composition root passes each
 * capability's measurements (`CommitmentSources`); the figures are computed here, as docs/architecture.md says.
 */
import type { Clock } from '../kernel/clock.js';
import type { Commitments, ReviewMonth } from './schema.js';

export interface CommitmentSources {
  reviewDurations(since: string): Promise<{ organizationId: string | null; reviewedAt: string; seconds: number }[]>;
  reviewTargets(): Promise<Map<string, number>>;
  organizations(ids: string[]): Promise<{ id: string; slug: string; name: string }[]>;
  apiMonthly(
    fromDay: string,
  ): Promise<{ month: string; calls: number; availability: number | null; p95Ms: number | null }[]>;
  webhooksSettled(since: string): Promise<{ delivered: number; failed: number }>;
  dataAccessCounts(since: string): Promise<{ organizationId: string | null; purpose: string; count: number }[]>;
  /** Delegated services' monthly figures per operator over `months` (none when the capability is absent). */
  servicePerformance?(months: string[]): Promise<ServiceCommitment[]>;
}

export interface ServiceCommitment {
  organizationId: string;
  service: { code: string; title: string };
  objectives: { acknowledgeHours: number; resolveHours: number };
  operators: Array<{
    organization: { slug: string; name: string };
    months: Array<{
      month: string;
      received: number;
      acknowledgedWithinShare: number | null;
      resolvedWithinShare: number | null;
      met: boolean | null;
    }>;
  }>;
}

/** The platform's own targets (organizations publish their review targets themselves). */
export const PLATFORM_TARGETS = {
  apiAvailability: 0.995,
  apiP95Ms: 500,
  webhookSuccess: 0.99,
  /** A review target is met in a month when this share of the month's reviews came within it. */
  reviewShareWithinTarget: 0.9,
} as const;

const WEBHOOK_WINDOW_DAYS = 30;

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function reviewMonths(months: string[], durations: { reviewedAt: string; seconds: number }[], targetDays?: number) {
  return months.map((month): ReviewMonth => {
    const seconds = durations
      .filter((d) => d.reviewedAt.startsWith(month))
      .map((d) => d.seconds)
      .sort((a, b) => a - b);
    const within = targetDays === undefined ? null : seconds.filter((s) => s <= targetDays * 86_400).length;
    const share = within === null || seconds.length === 0 ? null : within / seconds.length;
    return {
      month,
      reviewed: seconds.length,
      medianSeconds: quantile(seconds, 0.5),
      p90Seconds: quantile(seconds, 0.9),
      withinTargetShare: share,
      met: share === null ? null : share >= PLATFORM_TARGETS.reviewShareWithinTarget,
    };
  });
}

export function createCommitmentsService(deps: { clock: Clock; sources: CommitmentSources; months?: number }) {
  const { clock, sources } = deps;
  const count = deps.months ?? 6;

  return {
    async view(): Promise<Commitments> {
      const now = clock.now();
      const months = Array.from({ length: count }, (_, i) => {
        const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1));
        return d.toISOString().slice(0, 7);
      });
      const since = `${months[0]}-01T00:00:00.000Z`;
      const [durations, targets, api, webhooks, access] = await Promise.all([
        sources.reviewDurations(since),
        sources.reviewTargets(),
        sources.apiMonthly(`${months[0]}-01`),
        sources.webhooksSettled(new Date(now.getTime() - WEBHOOK_WINDOW_DAYS * 86_400_000).toISOString()),
        sources.dataAccessCounts(since),
      ]);
      const services = (await sources.servicePerformance?.(months)) ?? [];
      const orgIds = [
        ...new Set([
          ...durations.flatMap((d) => (d.organizationId ? [d.organizationId] : [])),
          ...targets.keys(),
          ...access.flatMap((a) => (a.organizationId ? [a.organizationId] : [])),
          ...services.map((s) => s.organizationId),
        ]),
      ];
      const orgs = new Map((await sources.organizations(orgIds)).map((o) => [o.id, { slug: o.slug, name: o.name }]));
      const settled = webhooks.delivered + webhooks.failed;
      const successShare = settled === 0 ? null : webhooks.delivered / settled;
      const apiByMonth = new Map(api.map((a) => [a.month, a]));

      return {
        generatedAt: now.toISOString(),
        months,
        targets: { ...PLATFORM_TARGETS },
        api: months.map((month) => {
          const a = apiByMonth.get(month);
          const availability = a?.availability ?? null;
          const p95Ms = a?.p95Ms ?? null;
          return {
            month,
            calls: a?.calls ?? 0,
            availability,
            p95Ms,
            availabilityMet: availability === null ? null : availability >= PLATFORM_TARGETS.apiAvailability,
            p95Met: p95Ms === null ? null : p95Ms <= PLATFORM_TARGETS.apiP95Ms,
          };
        }),
        webhooks: {
          days: WEBHOOK_WINDOW_DAYS,
          delivered: webhooks.delivered,
          failed: webhooks.failed,
          successShare,
          met: successShare === null ? null : successShare >= PLATFORM_TARGETS.webhookSuccess,
        },
        platformReviews: reviewMonths(months, durations),
        organizations: orgIds
          .filter((id) => orgs.has(id) && (targets.has(id) || durations.some((d) => d.organizationId === id)))
          .map((id) => ({
            organization: orgs.get(id)!,
            targetDays: targets.get(id) ?? null,
            months: reviewMonths(
              months,
              durations.filter((d) => d.organizationId === id),
              targets.get(id),
            ),
          }))
          .sort((a, b) => a.organization.name.localeCompare(b.organization.name)),
        services: services.map((s) => ({
          organization: orgs.get(s.organizationId) ?? null,
          service: s.service,
          objectives: s.objectives,
          operators: s.operators.map((o) => ({
            organization: o.organization,
            months: o.months.map((m) => ({
              month: m.month,
              received: m.received,
              acknowledgedWithinShare: m.acknowledgedWithinShare,
              resolvedWithinShare: m.resolvedWithinShare,
              met: m.met,
            })),
          })),
        })),
        personalData: {
          since,
          items: access
            .map((a) => ({
              organization: a.organizationId ? (orgs.get(a.organizationId) ?? null) : null,
              purpose: a.purpose,
              count: a.count,
            }))
            .sort((a, b) => b.count - a.count),
        },
      };
    },
  };
}
export type CommitmentsService = ReturnType<typeof createCommitmentsService>;
