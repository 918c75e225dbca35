import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../testing/harness.js';

let t: TestApp;
let owner: Session;
let slug: string;

const view = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/accountability' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const month = () => new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  t = await createTestApp();
  owner = await register(t.app, 'commit-owner');
  const org = await t.app.inject({
    method: 'POST',
    url: '/api/v1/organizations',
    headers: asSession(owner),
    payload: { name: `Région ${process.pid}` },
  });
  slug = org.json().slug;
});
afterAll(async () => t?.cleanup());

describe('public commitments', () => {
  it('starts with no data: nothing is reported as met or missed', async () => {
    const v = await view();
    expect(v.months).toHaveLength(6);
    expect(v.months.at(-1)).toBe(month());
    expect(v.api.every((a: { availability: null; availabilityMet: null }) => a.availability === null)).toBe(true);
    expect(v.webhooks).toMatchObject({ days: 30, delivered: 0, failed: 0, successShare: null, met: null });
    expect(v.platformReviews.at(-1)).toMatchObject({ reviewed: 0, medianSeconds: null, met: null });
    expect(v.organizations).toEqual([]);
    expect(v.personalData.items).toEqual([]);
  });

  it('measures reviews against the organization’s own target, and shows a miss as a miss', async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/organizations/${slug}/review-rules`,
      headers: asSession(owner),
      payload: { targetDays: 2 },
    });
    expect(put.statusCode, put.body).toBe(200);
    const org = await t.platform.access.bySlug(slug);
    const now = new Date().toISOString();
    // Reviewed after one hour, one day and five days: two of three within two days.
    for (const [i, seconds] of [3600, 86_400, 5 * 86_400].entries()) {
      await t.db.kysely
        .insertInto('reviewDurations')
        .values({
          eventId: `evt_commit_${i}`,
          contributionId: `ctb_${i}`,
          organizationId: org!.id,
          datasetId: null,
          reviewerId: null,
          outcome: 'accepted',
          submittedAt: now,
          reviewedAt: now,
          seconds,
        })
        .execute();
    }
    const v = await view();
    const mine = v.organizations.find((o: { organization: { slug: string } }) => o.organization.slug === slug);
    expect(mine.targetDays).toBe(2);
    expect(mine.months.at(-1)).toEqual({
      month: month(),
      reviewed: 3,
      medianSeconds: 86_400,
      p90Seconds: 5 * 86_400,
      withinTargetShare: 2 / 3,
      met: false,
    });
    expect(v.platformReviews.at(-1)).toMatchObject({ reviewed: 3, medianSeconds: 86_400, withinTargetShare: null });
  });

  it('reports the API as apps saw it, month by month, against the platform’s targets', async () => {
    const day = new Date().toISOString().slice(0, 10);
    await t.db.kysely
      .insertInto('appUsageDaily')
      .values({
        appId: 'app_x',
        day,
        endpoint: 'GET /api/v1/datasets',
        calls: 1000,
        clientErrors: 10,
        serverErrors: 2,
        latencyTotalMs: 5000,
      })
      .execute();
    // 960 calls in the 1.6 ms bucket (8), 40 in the 819 ms bucket (26): the 95th percentile is the first.
    for (const [bucket, count] of [
      [8, 960],
      [26, 40],
    ] as const) {
      await t.db.kysely
        .insertInto('appUsageLatency')
        .values({ appId: 'app_x', day, endpoint: 'GET /api/v1/datasets', bucket, count })
        .execute();
    }
    const latest = (await view()).api.at(-1);
    expect(latest).toMatchObject({ month: month(), calls: 1000, availability: 0.998, availabilityMet: true });
    expect(latest.p95Ms).toBeLessThan(10);
    expect(latest.p95Met).toBe(true);
  });

  it('counts personal-data access records per organization and purpose, never who', async () => {
    const admin = await register(t.app, 'commit-admin');
    await t.db.kysely
      .updateTable('users')
      .set({ isAdmin: t.db.dialect === 'postgres' ? true : 1 } as never)
      .where('handle', '=', admin.handle)
      .execute();
    for (let i = 0; i < 2; i++) {
      const read = await t.app.inject({
        method: 'GET',
        url: `/api/v1/admin/users/${owner.handle}`,
        headers: { ...asSession(admin), 'x-purpose': 'Support request' },
      });
      expect(read.statusCode).toBe(200);
    }
    const v = await view();
    expect(v.personalData.items).toEqual([{ organization: null, purpose: 'Support request', count: 2 }]);
    expect(JSON.stringify(v)).not.toContain(owner.handle);
  });
});
