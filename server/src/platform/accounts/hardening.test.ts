/** Sessions and accounts as an attacker tries them: logout, weak passwords, reserved handles, deceptive names, NUL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, uniqueUser, type TestApp } from '../../testing/harness.js';
import { passwordProblem } from './passwords.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.cleanup());

const registerWith = (body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { ...uniqueUser('acct'), ...body } });

describe('logout', () => {
  it('destroys the server session with or without the CSRF header: the old cookie gets 401', async () => {
    for (const headers of [
      (s: { cookie: string }) => ({ cookie: s.cookie }),
      (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf }),
      (s: { cookie: string }) => ({ cookie: s.cookie, 'x-csrf-token': 'forged' }),
    ]) {
      const s = await register(t.app, 'logout');
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(
        200,
      );
      const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: headers(s) });
      expect(out.statusCode).toBe(204);
      const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
      expect(after.statusCode).toBe(401);
    }
  });
});

describe('passwords', () => {
  it('refuses the most common (breached) passwords, in any case, from the shipped list', async () => {
    for (const password of ['1234567890', 'qwertyuiop', 'QWERTYUIOP', '1qaz2wsx3edc', 'q1w2e3r4t5', 'iloveyou12']) {
      const res = await registerWith({ password });
      expect(res.statusCode, password).toBe(400);
      expect(res.json().errors[0].field).toBe('password');
    }
  });

  it('refuses a password built from the handle or the email', async () => {
    const user = uniqueUser('pwself');
    for (const password of [`${user.handle}!!`, `my ${user.email}`, `XX${user.handle.toUpperCase()}`]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { ...user, password } });
      expect(res.statusCode, password).toBe(400);
      expect(res.json().errors[0].field).toBe('password');
    }
    expect(passwordProblem('a fine long passphrase', { email: 'ann@example.org', handle: 'ann-b' })).toBeUndefined();
  });

  it('checks the new password of a reset too', async () => {
    const s = await register(t.app, 'pwreset');
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: s.email } });
    const mail = (await t.platform.mail.recent(5)).find((m) => m.to === s.email && m.subject.startsWith('Reset'));
    const token = /token=([\w-]+)/.exec(mail!.text)![1]!;
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'iloveyou12' },
    });
    expect(weak.statusCode).toBe(400);
    const strong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'a much better passphrase' },
    });
    expect(strong.statusCode).toBe(204);
  });
});

describe('names', () => {
  it('refuses reserved handles', async () => {
    for (const handle of ['admin', 'api', 'root', 'support', 'signin', 'datasets', 'oauth', 'security']) {
      const res = await registerWith({ handle });
      expect(res.statusCode, handle).toBe(400);
      expect(res.json().errors[0].field).toBe('handle');
    }
  });

  it('refuses bidirectional controls in the names of people and organizations', async () => {
    const s = await register(t.app, 'bidi');
    for (const name of ['Alice\u202Egnp.exe', 'Bob\u2066x\u2069', 'Eve\u200F', '\u202Badmin']) {
      expect((await registerWith({ name })).statusCode, JSON.stringify(name)).toBe(400);
      const me = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: asSession(s), payload: { name } });
      expect(me.statusCode).toBe(400);
      const org = await t.app.inject({
        method: 'POST',
        url: '/api/v1/organizations',
        headers: asSession(s),
        payload: { name: `Ville ${name}` },
      });
      expect(org.statusCode).toBe(400);
    }
    // Right-to-left scripts themselves are welcome.
    expect((await registerWith({ name: 'مريم Dupont' })).statusCode).toBe(201);
  });

  it('refuses NUL and lone surrogates in any field, naming it, with 400 problem+json', async () => {
    for (const [payload, field] of [
      [{ name: 'A\u0000B' }, 'name'],
      [{ name: 'A\uD800B' }, 'name'],
      [{ name: 'A\uDC00' }, 'name'],
      [{ handle: 'ab\u0000c' }, 'handle'],
      [{ email: 'a\u0000@example.org' }, 'email'],
    ] as const) {
      const res = await registerWith(payload);
      expect(res.statusCode).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(res.json().errors[0].field).toBe(field);
    }
    // A correct pair of surrogates (an emoji) is ordinary text.
    expect((await registerWith({ name: 'Zoé 🌍' })).statusCode).toBe(201);
  });
});
