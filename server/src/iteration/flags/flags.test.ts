// Feature flags over HTTP on a real listening server: management with reasons and audit events, hostile rules,
// segments, the evaluate endpoint, OFREP through the unmodified @openfeature/ofrep-provider and
// @openfeature/ofrep-web-provider,
// scheduled changes and release plans pausing on a real error-rate degradation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { asSession, type TestApp } from '../../testing/harness.js';
import { listenTestApp } from '../../testing/http.js';
import { eventsOf, newApp, newUser, type TestUser } from '../../testing/fixtures.js';

let t: TestApp;
let base: string;
let owner: TestUser;
let stranger: TestUser;
let appId: string;
let key: string;
let t0 = Date.now();
const clock = { now: () => new Date(t0) };

const api = (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
  who: TestUser = owner,
) => t.app.inject({ method, url: `/api/v1${url}`, headers: asSession(who), ...(payload ? { payload } : {}) });
const withKey = (url: string, payload: object, k = key, headers: Record<string, string> = {}) =>
  fetch(`${base}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });

async function appWithKey(name: string) {
  const { app, key: k } = await newApp(t, owner, { name, scopes: ['flags:evaluate'] });
  return { id: app.id, key: k!.key };
}

async function createFlag(app: string, flagKey: string, extra: object = {}) {
  const res = await api('POST', `/apps/${app}/flags`, {
    key: flagKey,
    type: 'boolean',
    variants: { on: true, off: false },
    offVariant: 'off',
    defaultVariant: 'off',
    reason: 'new feature',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const patch = (app: string, flagKey: string, env: string, body: object) =>
  api('PATCH', `/apps/${app}/flags/${flagKey}/environments/${env}`, { reason: 'testing', ...body });

beforeAll(async () => {
  t = await listenTestApp({ clock });
  base = t.config.baseUrl;
  owner = await newUser(t, { prefix: 'flags-owner' });
  stranger = await newUser(t, { prefix: 'flags-stranger' });
  ({ id: appId, key } = await appWithKey('Flags app'));
});
afterAll(async () => {
  await OpenFeature.close();
  await t?.cleanup();
});

describe('managing flags', () => {
  it('creates a flag in every environment, off, and audits it with its reason', async () => {
    const flag = await createFlag(appId, 'new-explorer');
    expect(Object.keys(flag.environments).sort()).toEqual(['development', 'production', 'staging']);
    expect(flag.environments.production.definition.enabled).toBe(false);
    const created = await eventsOf(t, 'flag.created');
    expect(created.at(-1)).toMatchObject({
      actorId: owner.actor.userId,
      payload: { key: 'new-explorer', reason: 'new feature' },
    });
    expect((await createFlag(appId, 'dup')).key).toBe('dup');
    expect(
      (
        await api('POST', `/apps/${appId}/flags`, {
          key: 'dup',
          type: 'boolean',
          variants: { on: true },
          offVariant: 'on',
          reason: 'again',
        })
      ).statusCode,
    ).toBe(409);
  });

  it('requires a reason, hides other people’s apps and refuses hostile rules at save time', async () => {
    expect(
      (await api('PATCH', `/apps/${appId}/flags/new-explorer/environments/production`, { enabled: true })).statusCode,
    ).toBe(400);
    expect((await api('GET', `/apps/${appId}/flags`, undefined, stranger)).statusCode).toBe(404);
    const hostile: Array<[object, string]> = [
      [
        {
          rules: [
            { id: 'r', conditions: [{ attribute: 'email', op: 'regex', value: '(a+)+\\1' }], serve: { variant: 'on' } },
          ],
        },
        'rules[0].conditions[0].value',
      ],
      [
        {
          rules: [
            { id: 'r', conditions: [{ attribute: 'v', op: 'semver_gt', value: '1.x' }], serve: { variant: 'on' } },
          ],
        },
        'rules[0].conditions[0].value',
      ],
      [{ rules: [{ id: 'r', conditions: [], serve: { variant: 'missing' } }] }, 'rules[0].serve.variant'],
      [
        {
          fallthrough: {
            rollout: [
              { variant: 'on', weight: 9000 },
              { variant: 'off', weight: 9000 },
            ],
          },
        },
        'fallthrough.rollout',
      ],
    ];
    for (const [body, field] of hostile) {
      const res = await patch(appId, 'new-explorer', 'production', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].field).toBe(field);
    }
    for (const body of [
      { rules: [{ id: 'r', conditions: [{ attribute: 'x', op: 'eval', value: 1 }], serve: { variant: 'on' } }] },
      { rules: 'all' },
      { enabled: true, extra: 1 },
    ])
      expect((await patch(appId, 'new-explorer', 'production', body)).statusCode).toBe(400);
    expect(
      (await api('PATCH', `/apps/${appId}/flags/new-explorer/environments/prod`, { enabled: true, reason: 'x y z' }))
        .statusCode,
    ).toBe(400);
  });
});

describe('evaluating', () => {
  beforeAll(async () => {
    const seg = await api('PUT', `/apps/${appId}/flag-segments/staff`, {
      conditions: [{ attribute: 'email', op: 'ends_with', value: '@multitude.example' }],
      reason: 'our own people',
    });
    expect(seg.statusCode, seg.body).toBe(200);
    const res = await patch(appId, 'new-explorer', 'production', {
      enabled: true,
      rules: [
        { id: 'staff', conditions: [{ attribute: '', op: 'in_segment', value: 'staff' }], serve: { variant: 'on' } },
        {
          id: 'recent-app',
          conditions: [{ attribute: 'appVersion', op: 'semver_gte', value: '2.1.0' }],
          serve: {
            rollout: [
              { variant: 'on', weight: 5000 },
              { variant: 'off', weight: 5000 },
            ],
          },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('answers POST /api/v1/flags/evaluate for the app’s server key only', async () => {
    const res = await withKey('/api/v1/flags/evaluate', {
      flagKey: 'new-explorer',
      context: { targetingKey: 'u1', email: 'a@multitude.example' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { flags: unknown[] };
    expect(body.flags).toEqual([
      { key: 'new-explorer', value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId: 'staff' },
    ]);
    const all = (await (await withKey('/api/v1/flags/evaluate', { context: { targetingKey: 'u1' } })).json()) as {
      flags: Array<{ key: string }>;
    };
    expect(all.flags.map((f: { key: string }) => f.key).sort()).toEqual(['dup', 'new-explorer']);
    // staging is untouched: still off
    const staging = (await (
      await withKey('/api/v1/flags/evaluate', {
        flagKey: 'new-explorer',
        environment: 'staging',
        context: { email: 'a@multitude.example' },
      })
    ).json()) as { flags: unknown[] };
    expect(staging.flags[0]).toMatchObject({ value: false, reason: 'DISABLED' });
    // a session is not a server key; another app's key sees its own (empty) flags
    expect((await api('POST', '/flags/evaluate', { context: {} })).statusCode).toBe(403);
    const other = await appWithKey('Other app');
    expect(
      ((await (await withKey('/api/v1/flags/evaluate', { context: {} }, other.key)).json()) as { flags: unknown[] })
        .flags,
    ).toEqual([]);
    expect((await withKey('/api/v1/flags/evaluate', { context: 'nope' })).status).toBe(400);
  });

  it('refuses to delete a segment a flag uses', async () => {
    const res = await api('DELETE', `/apps/${appId}/flag-segments/staff`, { reason: 'cleanup' });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('new-explorer@production');
  });

  it('works with the unmodified OFREP provider, and the bulk endpoint answers 304 to its ETag', async () => {
    await OpenFeature.setProviderAndWait(
      'ofrep',
      new OFREPProvider({ baseUrl: base, headers: [['Authorization', `Bearer ${key}`]] }),
    );
    const client = OpenFeature.getClient('ofrep');
    expect(
      await client.getBooleanValue('new-explorer', false, { targetingKey: 'x', email: 'b@multitude.example' }),
    ).toBe(true);
    const details = await client.getBooleanDetails('new-explorer', true, {
      targetingKey: 'x',
      email: 'b@else.example',
    });
    expect(details).toMatchObject({ value: false, reason: 'UNKNOWN', variant: 'off' });
    const missing = await client.getBooleanDetails('no-such-flag', true, { targetingKey: 'x' });
    expect(missing).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });

    const first = await withKey('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'x' } });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const body = (await first.json()) as { flags: Array<Record<string, unknown>>; metadata: object };
    expect(body.flags).toHaveLength(2);
    expect(body.flags.find((f) => f.key === 'new-explorer')).toMatchObject({
      value: false,
      reason: 'UNKNOWN',
      variant: 'off',
      metadata: {},
    });
    expect(body.metadata).toMatchObject({ environment: 'production', version: expect.any(String) });
    expect(
      (await withKey('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'x' } }, key, { 'if-none-match': etag }))
        .status,
    ).toBe(304);
    expect(
      (await withKey('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'y' } }, key, { 'if-none-match': etag }))
        .status,
    ).toBe(200);
    const bad = await withKey('/ofrep/v1/evaluate/flags/new-explorer', { context: [1, 2] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ key: 'new-explorer', errorCode: 'INVALID_CONTEXT' });
    expect(
      (
        await fetch(`${base}/ofrep/v1/evaluate/flags`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"context":{}}',
        })
      ).status,
    ).toBe(401);

    // OFREP draws on the app's rate limit like the evaluate endpoint: the same policy, one bucket.
    const viaOfrep = await withKey('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'x' } });
    const viaApi = await withKey('/api/v1/flags/evaluate', { context: { targetingKey: 'x' } });
    expect(viaOfrep.headers.get('ratelimit-policy')).toBeTruthy();
    expect(viaOfrep.headers.get('ratelimit-policy')).toBe(viaApi.headers.get('ratelimit-policy'));
    const remaining = (r: Response) => Number(/"burst";r=(\d+)/.exec(r.headers.get('ratelimit') ?? '')?.[1]);
    expect(remaining(viaApi)).toBeLessThan(remaining(viaOfrep));
  });
});

describe('evaluating from a browser', () => {
  it('answers cross-origin calls with the app key (CORS, ETag exposed), never the management routes', async () => {
    const preflight = (url: string, method: string) =>
      fetch(`${base}${url}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization,content-type,if-none-match',
        },
      });
    for (const [url, method] of [
      ['/ofrep/v1/evaluate/flags', 'POST'],
      ['/api/v1/flags/evaluate', 'POST'],
      ['/api/v1/flags/stream', 'GET'],
    ]) {
      const res = await preflight(url!, method!);
      expect(res.status, url).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const bulk = await withKey('/ofrep/v1/evaluate/flags', { context: {} }, key, { origin: 'https://shop.example' });
    expect(bulk.status).toBe(200);
    expect(bulk.headers.get('access-control-expose-headers')).toContain('etag');
    const manage = await preflight(`/api/v1/apps/${appId}/flags`, 'POST');
    // the API's open reads: GET and HEAD without credentials, so a browser sends neither this POST nor a key
    expect(manage.headers.get('access-control-allow-methods')).not.toContain('POST');
    expect(manage.headers.get('access-control-allow-headers')).not.toContain('authorization');
  });

  it('works with the unmodified OFREP web provider: one bulk call per context, read synchronously', async () => {
    // Here in Node (its fetch is a browser's); no page, so no visibility refresh.
    const provider = new OFREPWebProvider({
      baseUrl: base,
      headers: [['Authorization', `Bearer ${key}`]],
      disableVisibilityRefresh: true,
    });
    await WebOpenFeature.setContext('ofrep-web', { targetingKey: 'x', email: 'b@multitude.example' });
    await WebOpenFeature.setProviderAndWait('ofrep-web', provider);
    const client = WebOpenFeature.getClient('ofrep-web');
    expect(client.getBooleanValue('new-explorer', false)).toBe(true);
    await WebOpenFeature.setContext('ofrep-web', { targetingKey: 'x', email: 'b@else.example' });
    expect(client.getBooleanDetails('new-explorer', true)).toMatchObject({ value: false, variant: 'off' });
    expect(client.getBooleanDetails('no-such-flag', true)).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });
    await WebOpenFeature.close();
  });
});

describe('a suspended developer', () => {
  it('keeps evaluating (a read, though a POST) while their mutations are refused', async () => {
    const dev = await newUser(t, { prefix: 'flags-suspended' });
    const admin = await newUser(t, { prefix: 'flags-admin-mod', admin: true });
    const { app, key: k } = await newApp(t, dev, { name: 'Suspended dev app', scopes: ['flags:evaluate'] });
    const created = await api(
      'POST',
      `/apps/${app.id}/flags`,
      {
        key: 'banner',
        type: 'boolean',
        variants: { on: true, off: false },
        offVariant: 'off',
        reason: 'before the suspension',
      },
      dev,
    );
    expect(created.statusCode, created.body).toBe(201);
    const s = await api(
      'POST',
      `/moderation/users/${dev.handle}/suspend`,
      { reason: 'Spam', until: '2999-01-01T00:00:00Z' },
      admin,
    );
    expect(s.statusCode, s.body).toBe(200);
    const refused = await api(
      'PATCH',
      `/apps/${app.id}/flags/banner/environments/production`,
      { enabled: true, reason: 'after' },
      dev,
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('Spam');
    const evaluated = await withKey('/api/v1/flags/evaluate', { context: {}, flagKey: 'banner' }, k!.key);
    expect(evaluated.status).toBe(200);
    expect(((await evaluated.json()) as { flags: Array<{ value: unknown }> }).flags[0]!.value).toBe(false);
    expect((await withKey('/ofrep/v1/evaluate/flags', { context: {} }, k!.key)).status).toBe(200);
  });
});

describe('scheduled changes and release plans', () => {
  it('applies a scheduled kill switch when its time comes', async () => {
    expect(
      (await patch(appId, 'dup', 'production', { enabled: true, fallthrough: { variant: 'on' } })).statusCode,
    ).toBe(200);
    const res = await api('POST', `/apps/${appId}/flag-schedules`, {
      environment: 'production',
      flagKey: 'dup',
      runAt: new Date(t0 + 3_600_000).toISOString(),
      changes: { enabled: false },
      reason: 'end of the campaign',
    });
    expect(res.statusCode, res.body).toBe(201);
    await t.flags.service.tick();
    const evalDup = async () =>
      (
        (await (await withKey('/api/v1/flags/evaluate', { flagKey: 'dup', context: {} })).json()) as {
          flags: Array<{ value: unknown }>;
        }
      ).flags[0]!;
    expect((await evalDup()).value).toBe(true);
    t0 += 3_600_001;
    await t.flags.service.tick();
    expect(await evalDup()).toMatchObject({ value: false, reason: 'DISABLED' });
    expect((await eventsOf(t, 'flag.changed')).at(-1)?.payload).toMatchObject({
      key: 'dup',
      by: 'schedule',
      reason: 'end of the campaign',
    });
  });

  it('goes 5 % → 100 % after a soak time when all is well', async () => {
    const a = await appWithKey('Healthy app');
    await createFlag(a.id, 'checkout');
    const res = await api('POST', `/apps/${a.id}/release-plans`, {
      environment: 'production',
      flagKey: 'checkout',
      variant: 'on',
      baselineVariant: 'off',
      stages: [{ percent: 5 }, { percent: 100, soakMinutes: 60 }],
      guardrails: [{ source: 'api_error_rate', threshold: 0.2, minSamples: 10, params: { include: 'all' } }],
      reason: 'new checkout',
    });
    expect(res.statusCode, res.body).toBe(201);
    const share = async () => {
      let on = 0;
      for (let i = 0; i < 400; i++) {
        const r = await t.flags.service.evaluate(a.id, 'production', { targetingKey: `user-${i}` }, 'checkout');
        if (r.results[0]!.value) on++;
      }
      return on / 400;
    };
    const at5 = await share();
    expect(at5).toBeGreaterThan(0.01);
    expect(at5).toBeLessThan(0.1);
    await t.flags.service.tick();
    expect((await api('GET', `/apps/${a.id}/release-plans`)).json().items[0]).toMatchObject({
      status: 'running',
      percent: 5,
    });
    t0 += 61 * 60_000;
    await t.flags.service.tick();
    expect(await share()).toBe(1);
    await t.flags.service.tick();
    expect((await api('GET', `/apps/${a.id}/release-plans`)).json().items[0]).toMatchObject({
      status: 'completed',
      percent: 100,
    });
  });

  it('pauses itself when the app’s API error rate degrades, and holds the rollout where it was', async () => {
    const a = await appWithKey('Failing app');
    await createFlag(a.id, 'risky');
    const res = await api('POST', `/apps/${a.id}/release-plans`, {
      environment: 'production',
      flagKey: 'risky',
      variant: 'on',
      baselineVariant: 'off',
      stages: [{ percent: 5 }, { percent: 25, soakMinutes: 10 }, { percent: 100, soakMinutes: 10 }],
      guardrails: [{ source: 'api_error_rate', threshold: 0.2, minSamples: 10, params: { include: 'all' } }],
      reason: 'risky change',
    });
    expect(res.statusCode, res.body).toBe(201);
    // Real traffic with the app's key: healthy calls, then a burst of errors (unknown flags in OFREP answer 404).
    for (let i = 0; i < 10; i++)
      expect((await withKey('/api/v1/flags/evaluate', { context: {} }, a.key)).status).toBe(200);
    await t.flags.service.tick();
    expect((await api('GET', `/apps/${a.id}/release-plans`)).json().items[0].status).toBe('running');
    for (let i = 0; i < 10; i++)
      expect((await withKey('/ofrep/v1/evaluate/flags/gone', { context: {} }, a.key)).status).toBe(404);
    t0 += 11 * 60_000; // the soak time is over: without the guardrail it would move to 25 %
    await t.flags.service.tick();
    const plan = (await api('GET', `/apps/${a.id}/release-plans`)).json().items[0];
    expect(plan).toMatchObject({ status: 'paused', percent: 5 });
    expect(plan.pausedReason).toContain('api_error_rate');
    const flag = (await api('GET', `/apps/${a.id}/flags/risky`)).json();
    expect(flag.environments.production.definition.fallthrough.rollout[0]).toEqual({ variant: 'on', weight: 500 });
    expect((await eventsOf(t, 'flag.release_plan_changed')).at(-1)).toMatchObject({
      actorId: null,
      payload: { status: 'paused', key: 'risky' },
    });
    // a person resumes it (the stage starts over); cancelling keeps the rollout where it is
    const resumed = await api('POST', `/apps/${a.id}/release-plans/${plan.id}/resume`, { reason: 'fixed the bug' });
    expect(resumed.json().status).toBe('running');
    expect((await api('POST', `/apps/${a.id}/release-plans/${plan.id}/resume`, { reason: 'again' })).statusCode).toBe(
      409,
    );

    // The audit trail tells who did what and why, newest first, the plan's own pause included (by nobody).
    const audit = (await api('GET', `/apps/${a.id}/flag-audit`)).json();
    expect(audit.items.map((e: { type: string; status: string | null }) => `${e.type}:${e.status ?? ''}`)).toEqual([
      'flag.release_plan_changed:running',
      'flag.release_plan_changed:paused',
      'flag.release_plan_changed:running',
      'flag.changed:',
      'flag.created:',
    ]);
    expect(audit.items[0]).toMatchObject({ actor: { handle: owner.handle }, reason: 'fixed the bug', by: 'user' });
    expect(audit.items[1]).toMatchObject({ actor: null, by: 'release_plan', percent: 5 });
    expect(audit.items[1].reason).toContain('api_error_rate');
    expect(audit.items[3]).toMatchObject({
      by: 'release_plan',
      environment: 'production',
      fields: ['enabled', 'fallthrough'],
    });
    expect(audit.items[4]).toMatchObject({ key: 'risky', reason: 'new feature', actor: { handle: owner.handle } });
    expect(audit.next).toBeNull();
  });
});

describe('the captured-event rate guardrail', () => {
  it('advances while checkout errors stay rare, then pauses itself when they climb', async () => {
    const a = await appWithKey('Checkout app');
    await createFlag(a.id, 'new-checkout');
    const plan = (guardrails: object[]) =>
      api('POST', `/apps/${a.id}/release-plans`, {
        environment: 'production',
        flagKey: 'new-checkout',
        variant: 'on',
        baselineVariant: 'off',
        stages: [{ percent: 5 }, { percent: 25, soakMinutes: 10 }, { percent: 100, soakMinutes: 10 }],
        guardrails,
        reason: 'new checkout, drop by drop',
      });
    // Refused at save time: a rate needs both event names.
    const missing = await plan([{ source: 'event_rate', threshold: 0.1, params: { event: 'checkout_error' } }]);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toContain('guardrails[0].params');
    const res = await plan([
      {
        source: 'event_rate',
        threshold: 0.1,
        minSamples: 10,
        params: { event: 'checkout_error', per: 'checkout_started' },
      },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    // The app captures what happens with its server key, through the real capture endpoint.
    const capture = async (started: number, errors: number) => {
      const events = [
        ...Array.from({ length: started }, (_, i) => ({ name: 'checkout_started', distinctId: `u${i}` })),
        ...Array.from({ length: errors }, (_, i) => ({ name: 'checkout_error', distinctId: `u${i}` })),
      ];
      const r = await withKey('/api/v1/capture', { batch: crypto.randomUUID(), events }, a.key);
      expect(r.status, await r.text()).toBe(200);
    };
    await capture(20, 1); // 5 %: healthy
    t0 += 11 * 60_000;
    await t.flags.service.tick();
    expect((await api('GET', `/apps/${a.id}/release-plans`)).json().items[0]).toMatchObject({
      status: 'running',
      percent: 25,
    });
    await capture(20, 8); // since the 25 % stage started: 8 errors per 20 checkouts
    t0 += 11 * 60_000;
    await t.flags.service.tick();
    const paused = (await api('GET', `/apps/${a.id}/release-plans`)).json().items[0];
    expect(paused).toMatchObject({ status: 'paused', percent: 25 });
    expect(paused.pausedReason).toContain('event_rate degraded: 0.4000 > 0.1 over 20 samples');
    const flag = (await api('GET', `/apps/${a.id}/flags/new-checkout`)).json();
    expect(flag.environments.production.definition.fallthrough.rollout[0]).toEqual({ variant: 'on', weight: 2500 });
  });
});

describe('the platform web’s own flags', () => {
  it('serves the configured app’s production flags to the visitor, by user for people signed in', async () => {
    const web = async (who?: TestUser) =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/web-flags', headers: who ? asSession(who) : {} })).json();
    // Without the setting the web gets no flag, and keeps its defaults.
    t.config.webFlagsApp = undefined;
    expect(await web()).toEqual({ flags: {} });
    const a = await appWithKey('multitude-web');
    t.config.webFlagsApp = a.id;
    await createFlag(a.id, 'flags-page');
    expect((await web()).flags).toEqual({ 'flags-page': false });
    // On for administrators only: a rule on the context the endpoint builds.
    await patch(a.id, 'flags-page', 'production', {
      enabled: true,
      rules: [{ id: 'admins', conditions: [{ attribute: 'admin', op: 'eq', value: true }], serve: { variant: 'on' } }],
    });
    const admin = await newUser(t, { prefix: 'flags-admin', admin: true });
    expect((await web(admin)).flags['flags-page']).toBe(true);
    expect((await web(owner)).flags['flags-page']).toBe(false);
    expect((await web()).flags['flags-page']).toBe(false);
    t.config.webFlagsApp = undefined;
  });
});

describe('the audit trail', () => {
  it('pages with before, hides other apps’ entries and refuses people who do not manage the app', async () => {
    const a = await appWithKey('Audited app');
    await createFlag(a.id, 'one');
    await createFlag(a.id, 'two');
    await patch(a.id, 'one', 'staging', { enabled: true, reason: 'try it on staging' });
    const first = (await api('GET', `/apps/${a.id}/flag-audit?limit=2`)).json();
    expect(first.items.map((e: { key: string }) => e.key)).toEqual(['one', 'two']);
    expect(first.items[0]).toMatchObject({ type: 'flag.changed', environment: 'staging', reason: 'try it on staging' });
    expect(first.next).toEqual(expect.any(Number));
    const rest = (await api('GET', `/apps/${a.id}/flag-audit?limit=2&before=${first.next}`)).json();
    expect(rest.items.map((e: { key: string }) => e.key)).toEqual(['one']);
    expect(rest.next).toBeNull();
    expect((await api('GET', `/apps/${a.id}/flag-audit`, undefined, stranger)).statusCode).toBe(404);
    expect((await api('GET', `/apps/${a.id}/flag-audit?limit=0`)).statusCode).toBe(400);
    expect((await api('GET', `/apps/${a.id}/flag-audit?limit=x`)).statusCode).toBe(400);
  });
});
