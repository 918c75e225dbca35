import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, register, type TestApp } from '../testing/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.cleanup());

describe('demo content', () => {
  it('seeds a demo organization and a demo user whose printed credentials sign in', async () => {
    const demo = await t.platform.seedDemo();
    expect(demo).toBeDefined();
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demo!.email, password: demo!.password },
    });
    expect(login.statusCode).toBe(200);
    const org = await t.app.inject({ method: 'GET', url: `/api/v1/organizations/${demo!.organization}` });
    expect(org.json()).toMatchObject({ slug: 'demo', membersCount: 1 });
  });

  it('does nothing on a database that already has users', async () => {
    await register(t.app, 'someone');
    expect(await t.platform.seedDemo()).toBeUndefined();
  });
});
