import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, sessionFrom, uniqueUser, type TestApp } from '../../testing/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { devMail: true } });
});
afterAll(async () => t.cleanup());

const mailTo = async (email: string) => {
  const mails = (await t.platform.mail.recent(100)).filter((m) => m.to === email);
  return mails;
};
const tokenIn = (text: string) => /token=([\w-]+)/.exec(text)?.[1];

describe('registration', () => {
  it('creates the account, signs in with an HttpOnly SameSite=Lax cookie, and sends a verification mail', async () => {
    const user = uniqueUser('reg');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: user });
    expect(res.statusCode).toBe(201);
    expect(res.json().user).toMatchObject({ email: user.email, handle: user.handle, emailVerified: false });
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const sessionCookie = setCookie.find((c) => c.startsWith('mt_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Lax/);
    expect(setCookie.find((c) => c.startsWith('mt_csrf='))).not.toMatch(/HttpOnly/);
    const mails = await mailTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/Confirm your email/);
  });

  it('answers a registered email exactly like a new one, creates nothing and mails its owner', async () => {
    const user = uniqueUser('dup');
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: user });
    expect(first.statusCode).toBe(201);
    // Any case, any spelling of the same address: the same status, headers and body shape as a new sign-up.
    for (const [i, email] of [user.email.toUpperCase(), user.email.replace(/^./, (c) => c.toUpperCase())].entries()) {
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { ...user, email, handle: `${user.handle}-${i}` },
      });
      const fresh = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: uniqueUser('dupfresh'),
      });
      expect(again.statusCode).toBe(fresh.statusCode);
      expect(Object.keys(again.json()).sort()).toEqual(Object.keys(fresh.json()).sort());
      expect(Object.keys(again.json().user).sort()).toEqual(Object.keys(fresh.json().user).sort());
      expect(again.json().user).toMatchObject({
        email: user.email,
        handle: `${user.handle}-${i}`,
        emailVerified: false,
      });
      const names = (r: typeof again) =>
        ([] as string[])
          .concat(r.headers['set-cookie'] ?? [])
          .map((c) => c.split('=')[0])
          .sort();
      expect(names(again)).toEqual(names(fresh));
      expect(String(again.headers['content-type'])).toBe(String(fresh.headers['content-type']));
      // …but its cookie opens nothing, and no account was created under that handle.
      const session = sessionFrom(again, user);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode,
      ).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.handle}-${i}` })).statusCode).toBe(404);
    }
    // The owner hears of it, in French and English, with where to sign in or reset the password.
    const mails = (await mailTo(user.email)).filter((m) => /already have an account/.test(m.subject));
    expect(mails).toHaveLength(2);
    expect(mails[0]!.subject).toMatch(/Vous avez déjà un compte/);
    expect(mails[0]!.text).toContain(`@${user.handle}`);
    expect(mails[0]!.text).toMatch(/\/signin\n/);
    expect(mails[0]!.text).toMatch(/\/reset-password\n/);
    expect(mails[0]!.text).toMatch(/Mot de passe oublié/);
    // The first account still signs in with its own password.
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(login.statusCode).toBe(200);
  });

  it('answers 409 for a taken handle (handles are public)', async () => {
    const user = uniqueUser('duph');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: user })).statusCode).toBe(201);
    const sameHandle = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { ...user, email: `other-${user.email}` },
    });
    expect(sameHandle.statusCode).toBe(409);
    expect(sameHandle.json().errors[0].field).toBe('handle');
    expect(sameHandle.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it.each([
    ['a short password', { password: 'short' }, 'password'],
    ['a bad handle', { handle: 'Not A Handle' }, 'handle'],
    ['a bad email', { email: 'nope' }, 'email'],
    ['an unknown field', { admin: true }, 'admin'],
    ['an over-long name', { name: 'x'.repeat(500) }, 'name'],
  ])('rejects %s with a 400 problem naming the field', async (_label, patch, field) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { ...uniqueUser('bad'), ...patch },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('rejects a body over the limit (413), a non-JSON body (415) and broken JSON (400)', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { ...uniqueUser('big'), name: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(big.statusCode).toBe(413);
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('sign-in and sessions', () => {
  it('signs in with the right password, rejects a wrong one with 401, and signs out', async () => {
    const s = await register(t.app, 'login');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: s.email, password: 'wrong password!' },
    });
    expect(bad.statusCode).toBe(401);
    const good = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: s.email.toUpperCase(), password: s.password },
    });
    expect(good.statusCode).toBe(200);
    const session = sessionFrom(good, s);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).json().handle,
    ).toBe(s.handle);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: asSession(session) });
    expect(out.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode,
    ).toBe(401);
  });

  it('stores sessions hashed: the cookie value is not in the database', async () => {
    const s = await register(t.app, 'hash');
    const raw = s.cookie.split('=')[1]!;
    const rows = await t.db.kysely.selectFrom('sessions').select('idHash').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.idHash === raw)).toBe(false);
  });

  it('refuses a cookie-authenticated mutation without the CSRF header (403) and accepts it with', async () => {
    const s = await register(t.app, 'csrf');
    const without = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: s.cookie },
      payload: { name: 'New name' },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('csrf_failed');
    const forged = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { name: 'New name' },
    });
    expect(forged.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: asSession(s),
      payload: { name: 'New name' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().name).toBe('New name');
  });

  it('answers 401 to /me without credentials and with a garbage session cookie', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: 'mt_session=garbage' } })).statusCode,
    ).toBe(401);
  });

  it('delays brute force: after 5 failures the account answers 429 with Retry-After, even for the right password', async () => {
    const s = await register(t.app, 'brute');
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: s.email, password: `guess-number-${i}` },
      });
      expect(r.statusCode).toBe(401);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: s.email, password: s.password },
    });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('email verification and password reset', () => {
  it('verifies the email with the mailed token, once', async () => {
    const s = await register(t.app, 'verify');
    const token = tokenIn((await mailTo(s.email))[0]!.text)!;
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token } })).statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).json().emailVerified,
    ).toBe(true);
    const replay = await t.app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token } });
    expect(replay.statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: 'made-up' } }))
        .statusCode,
    ).toBe(400);
  });

  it('resets the password with the mailed link, signs out other sessions, and refuses a replay', async () => {
    const s = await register(t.app, 'reset');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email: 'nobody@example.org' },
    });
    expect(unknown.statusCode).toBe(202);
    expect(await mailTo('nobody@example.org')).toHaveLength(0);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: s.email } }))
        .statusCode,
    ).toBe(202);
    const mail = (await mailTo(s.email)).find((m) => m.subject.includes('Reset'))!;
    const token = tokenIn(mail.text)!;
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'a brand new passphrase' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(
      401,
    );
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: s.email, password: 'a brand new passphrase' },
        })
      ).statusCode,
    ).toBe(200);
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'yet another passphrase' },
    });
    expect(replay.statusCode).toBe(400);
  });

  it('shows the outbox at /dev/mail to this machine when MULTITUDE_DEV_MAIL is on', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dev/mail' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Confirm your email address');
  });
});

describe('secrets stay out of the log', () => {
  it('never logs passwords, tokens, session ids or CSRF tokens', async () => {
    const user = uniqueUser('logs');
    const reg = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: user });
    const s = sessionFrom(reg, user);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: user.password },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'wrong-password-123' },
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: asSession(s),
      payload: { name: 'log test', scopes: ['profile:read'] },
    });
    const token = created.json().token as string;
    await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Bearer mtp_not-a-real-token-value' },
    });
    await t.app.inject({ method: 'GET', url: `/dev/mail?token=${token}` });
    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(100);
    for (const secret of [
      user.password,
      'wrong-password-123',
      token,
      'mtp_not-a-real-token-value',
      s.cookie.split('=')[1]!,
      s.csrf,
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).toContain('"reqId"');
  });
});
