/**
 * Public performance of a service: per operator (and for the cases the organization holds itself) and per month
 * of submission (UTC), the share of cases acknowledged and resolved within the service's objectives, median times,
 * the backlog at the month's end and satisfaction (the one-click rating). Pure arithmetic over case timestamps.
 *
 * A case counts in a share once its outcome is known: done (within objective or not) or overdue (a miss). A case
 * is attributed to the operator it is routed to now (a reassigned case moves with its new operator). A month is
 * met when every share (acknowledgement, resolution and each step with an objective) reaches `TARGET_SHARE`; a
 * month without a counted case is `null`, never met.
 *
 * A step's objective bounds how long a case stays at that step: from the status change that set it to the next
 * status change or the resolution (`stepSpans`, from the case's timeline). Setting the same step again does not
 * restart the clock.
 */
import type { PerformanceMonth } from './schema.js';

export const TARGET_SHARE = 0.9;

export interface MeasuredCase {
  submittedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  rating: number | null;
  /** The case's stays at each step, in order. */
  steps?: StepSpan[];
}

export interface StepSpan {
  step: string;
  enteredAt: string;
  leftAt: string | null;
}

export interface Objectives {
  acknowledgeHours: number;
  resolveHours: number;
  steps: ReadonlyArray<{ code: string; objectiveHours: number | null }>;
}

/** A case's stays at its steps, from its timeline's notes (oldest first). */
export function stepSpans(notes: ReadonlyArray<{ kind: string; step: string | null; createdAt: string }>): StepSpan[] {
  const spans: StepSpan[] = [];
  let current: StepSpan | undefined;
  for (const n of notes) {
    if (n.kind === 'status_changed' && n.step) {
      if (current?.step === n.step) continue;
      if (current) current.leftAt = n.createdAt;
      current = { step: n.step, enteredAt: n.createdAt, leftAt: null };
      spans.push(current);
    } else if (n.kind === 'resolved' && current) {
      current.leftAt = n.createdAt;
      current = undefined;
    }
  }
  return spans;
}

const HOUR = 3_600_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 100) / 100;
}

/** The last `count` months (YYYY-MM), oldest first, ending with `now`'s. */
export function lastMonths(now: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1)).toISOString().slice(0, 7),
  );
}

function monthEnd(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Date.UTC(y, m, 1);
}

/** Of spans (start, end or null while running), the share done within `deadlineHours` and the median time. */
function within(spans: Array<{ start: string; done: string | null }>, deadlineHours: number, nowMs: number) {
  let counted = 0;
  let inTime = 0;
  const hours: number[] = [];
  for (const { start, done } of spans) {
    const from = Date.parse(start);
    const deadline = from + deadlineHours * HOUR;
    if (done) {
      hours.push((Date.parse(done) - from) / HOUR);
      counted++;
      if (Date.parse(done) <= deadline) inTime++;
    } else if (nowMs > deadline) counted++;
  }
  return { done: hours.length, share: counted ? inTime / counted : null, median: median(hours) };
}

export function measure(
  cases: MeasuredCase[],
  months: string[],
  objectives: Objectives,
  now: Date,
): PerformanceMonth[] {
  const nowMs = now.getTime();
  return months.map((month) => {
    const end = Math.min(monthEnd(month), nowMs);
    const received = cases.filter((c) => c.submittedAt.startsWith(month));
    const ack = within(
      received.map((c) => ({ start: c.submittedAt, done: c.acknowledgedAt ?? c.resolvedAt })),
      objectives.acknowledgeHours,
      nowMs,
    );
    const res = within(
      received.map((c) => ({ start: c.submittedAt, done: c.resolvedAt })),
      objectives.resolveHours,
      nowMs,
    );
    const steps = objectives.steps.flatMap((step) => {
      if (step.objectiveHours === null) return [];
      const spans = received.flatMap((c) => (c.steps ?? []).filter((x) => x.step === step.code));
      const m = within(
        spans.map((x) => ({ start: x.enteredAt, done: x.leftAt })),
        step.objectiveHours,
        nowMs,
      );
      return [
        {
          code: step.code,
          objectiveHours: step.objectiveHours,
          entered: spans.length,
          left: m.done,
          withinShare: m.share,
          medianHours: m.median,
        },
      ];
    });
    const shares = [ack.share, res.share, ...steps.map((x) => x.withinShare)].filter((x): x is number => x !== null);
    const backlog = cases.filter(
      (c) => Date.parse(c.submittedAt) < end && (c.resolvedAt === null || Date.parse(c.resolvedAt) >= end),
    ).length;
    const rated = cases.filter((c) => c.rating !== null && c.resolvedAt?.startsWith(month));
    const satisfaction = rated.length
      ? Math.round((rated.reduce((sum, c) => sum + c.rating!, 0) / rated.length) * 100) / 100
      : null;
    return {
      month,
      received: received.length,
      acknowledged: ack.done,
      acknowledgedWithinShare: ack.share,
      resolved: res.done,
      resolvedWithinShare: res.share,
      medianAcknowledgeHours: ack.median,
      medianResolveHours: res.median,
      backlog,
      ratings: rated.length,
      satisfaction,
      steps,
      met: shares.length === 0 ? null : shares.every((x) => x >= TARGET_SHARE),
    };
  });
}
