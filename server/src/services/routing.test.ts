import { describe, expect, it } from 'vitest';
import { chooseOperator, inTerritory, isCurrent } from './routing.js';
import { measure, stepSpans } from './performance.js';
import type { OperatorRow } from './store.js';

const op = (id: string, extra: Partial<OperatorRow> = {}): OperatorRow => ({
  id,
  serviceId: 'svc_1',
  organizationId: `org_${id}`,
  territory: JSON.stringify({ codes: [], bbox: null }),
  share: null,
  startsOn: '2026-01-01',
  endsOn: null,
  conditions: '',
  status: 'active',
  revokedAt: null,
  revokedReason: null,
  createdBy: 'usr_1',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

const route = async (
  routing: 'territory' | 'share' | 'round_robin' | 'least_loaded' | 'manual',
  ops: OperatorRow[],
  o: {
    at?: { territory?: string; lat?: number; lon?: number };
    open?: Record<string, number>;
    total?: Record<string, number>;
    turn?: number;
  } = {},
) =>
  (
    await chooseOperator({
      service: { routing },
      operators: ops,
      at: o.at ?? {},
      openCounts: new Map(Object.entries(o.open ?? {})),
      totalCounts: new Map(Object.entries(o.total ?? {})),
      turn: async () => o.turn ?? 1,
    })
  )?.id;

describe('routing rules', () => {
  const paris = op('a', { territory: JSON.stringify({ codes: ['75001'], bbox: [2.22, 48.81, 2.47, 48.91] }) });
  const lyon = op('b', { territory: JSON.stringify({ codes: ['69001'], bbox: [4.77, 45.7, 4.9, 45.81] }) });

  it('territory: by code (any case) or by location in the box; elsewhere, the organization keeps it', async () => {
    expect(await route('territory', [paris, lyon], { at: { territory: '69001' } })).toBe('b');
    expect(await route('territory', [paris, lyon], { at: { lat: 48.85, lon: 2.35 } })).toBe('a');
    expect(await route('territory', [paris, lyon], { at: { lat: 43.3, lon: 5.37 } })).toBeUndefined();
    expect(await route('territory', [paris, lyon])).toBeUndefined();
    expect(inTerritory({ codes: ['2A004'], bbox: null }, { territory: '2a004' })).toBe(true);
  });

  it('share: the operator furthest below its share gets the next case', async () => {
    const a = op('a', { share: 3 });
    const b = op('b', { share: 1 });
    expect(await route('share', [a, b], { total: { a: 2, b: 1 } })).toBe('a');
    expect(await route('share', [a, b], { total: { a: 3, b: 0 } })).toBe('b');
    expect(await route('share', [a, b], { total: { a: 3, b: 1 } })).toBe('a');
  });

  it('round robin in accreditation order; least loaded by open cases; manual never routes', async () => {
    const ops = [op('a'), op('b'), op('c')];
    expect(await route('round_robin', ops, { turn: 1 })).toBe('a');
    expect(await route('round_robin', ops, { turn: 5 })).toBe('b');
    expect(await route('least_loaded', ops, { open: { a: 2, b: 0, c: 1 } })).toBe('b');
    expect(await route('least_loaded', ops, { open: { a: 1, b: 1, c: 1 } })).toBe('a');
    expect(await route('manual', ops)).toBeUndefined();
  });

  it('an operator is current only while active and within its dates', () => {
    expect(isCurrent(op('a', { endsOn: '2026-06-30' }), '2026-07-01')).toBe(false);
    expect(isCurrent(op('a', { startsOn: '2026-08-01' }), '2026-07-01')).toBe(false);
    expect(isCurrent(op('a', { status: 'revoked' }), '2026-07-01')).toBe(false);
    expect(isCurrent(op('a'), '2026-07-01')).toBe(true);
  });
});

describe('performance arithmetic', () => {
  const now = new Date('2026-03-20T00:00:00Z');
  const h = (hours: number, from = '2026-03-01T00:00:00.000Z') =>
    new Date(Date.parse(from) + hours * 3_600_000).toISOString();

  it('counts a done case within or past its objective, an overdue one as a miss, a pending one not yet', () => {
    const [march] = measure(
      [
        { submittedAt: h(0), acknowledgedAt: h(1), resolvedAt: h(10), rating: 5 }, // both in time
        { submittedAt: h(0), acknowledgedAt: h(30), resolvedAt: h(100), rating: 2 }, // both late
        { submittedAt: h(0), acknowledgedAt: null, resolvedAt: null, rating: null }, // overdue: two misses
        { submittedAt: h(24 * 19 - 2), acknowledgedAt: null, resolvedAt: null, rating: null }, // not due yet
      ],
      ['2026-03'],
      { acknowledgeHours: 24, resolveHours: 72, steps: [] },
      now,
    );
    expect(march).toMatchObject({
      received: 4,
      acknowledged: 2,
      acknowledgedWithinShare: 1 / 3,
      resolved: 2,
      resolvedWithinShare: 1 / 3,
      medianResolveHours: 55,
      backlog: 2,
      ratings: 2,
      satisfaction: 3.5,
      met: false,
    });
  });

  it('measures each step with an objective: time from entering it to the next step or the resolution', () => {
    const spans = stepSpans([
      { kind: 'status_changed', step: 'visit', createdAt: h(2) },
      { kind: 'status_changed', step: 'visit', createdAt: h(5) }, // set again: the clock does not restart
      { kind: 'status_changed', step: 'works', createdAt: h(12) },
      { kind: 'resolved', step: 'works', createdAt: h(100) },
    ]);
    expect(spans).toEqual([
      { step: 'visit', enteredAt: h(2), leftAt: h(12) },
      { step: 'works', enteredAt: h(12), leftAt: h(100) },
    ]);
    const [march] = measure(
      [
        { submittedAt: h(0), acknowledgedAt: h(1), resolvedAt: h(100), rating: null, steps: spans },
        // Entered `visit` and still there long past its 24 h: a miss; `works` never entered.
        {
          submittedAt: h(0),
          acknowledgedAt: h(1),
          resolvedAt: null,
          rating: null,
          steps: [{ step: 'visit', enteredAt: h(3), leftAt: null }],
        },
      ],
      ['2026-03'],
      {
        acknowledgeHours: 24,
        resolveHours: 720,
        steps: [
          { code: 'visit', objectiveHours: 24 },
          { code: 'works', objectiveHours: 48 },
          { code: 'closing', objectiveHours: null },
        ],
      },
      now,
    );
    expect(march!.steps).toEqual([
      { code: 'visit', objectiveHours: 24, entered: 2, left: 1, withinShare: 0.5, medianHours: 10 },
      { code: 'works', objectiveHours: 48, entered: 1, left: 1, withinShare: 0, medianHours: 88 },
    ]);
    // Acknowledgement and resolution in time, but the steps missed: the month is missed.
    expect(march).toMatchObject({ acknowledgedWithinShare: 1, resolvedWithinShare: 1, met: false });
  });

  it('reports no data as null, never as met', () => {
    const [m] = measure([], ['2026-03'], { acknowledgeHours: 24, resolveHours: 72, steps: [] }, now);
    expect(m).toMatchObject({ received: 0, acknowledgedWithinShare: null, resolvedWithinShare: null, met: null });
  });
});
