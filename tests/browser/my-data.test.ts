/**
 * A person finds out who read their personal data: an administrator looks at their account (recorded), then the
 * person opens "Your data" from their account page, in English and in French, and sees the read with its purpose,
 * its legal basis and its place in the public log; a record hidden for a legal reason shows as hidden.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { asSession, register, sessionFrom } from '../../server/src/testing/harness.js';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

describe('Your data: the personal-data access log, in the browser', () => {
  it('shows who read my data and why, hidden records as hidden, in English and French', async () => {
    const person = await register(h.app.app, 'mydata');
    const { page } = await h.newPage();
    await signIn(page, person.email, person.password);

    // Nothing yet: a helpful empty state.
    await page.goto('/account/data');
    await expect.poll(() => page.getByText('Nobody has read your personal data.').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    // An administrator reads the account twice, for stated purposes.
    await h.app.platform.accounts.createAdmin({
      email: `pda-admin-${process.pid}@example.org`,
      handle: `pda-admin-${process.pid}`,
      password: 'administrator passphrase',
    });
    const login = await h.app.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `pda-admin-${process.pid}@example.org`, password: 'administrator passphrase' },
    });
    const admin = sessionFrom(login, {
      email: `pda-admin-${process.pid}@example.org`,
      handle: `pda-admin-${process.pid}`,
      password: 'administrator passphrase',
    });
    for (const purpose of ['Checking a report of impersonation', 'Answering the person’s own request']) {
      const read = await h.app.app.inject({
        method: 'GET',
        url: `/api/v1/admin/users/${person.handle}`,
        headers: { ...asSession(admin), 'x-purpose': purpose },
      });
      expect(read.statusCode, read.body).toBe(200);
    }
    const first = (
      await h.app.app.inject({ method: 'GET', url: '/api/v1/me/data-access', headers: asSession(person) })
    ).json().items[1];
    const hide = await h.app.app.inject({
      method: 'POST',
      url: `/api/v1/admin/data-access/${first.id as string}/hide`,
      headers: asSession(admin),
      payload: {
        until: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        reason: 'Judicial investigation in progress',
      },
    });
    expect(hide.statusCode, hide.body).toBe(200);

    // From the account page to "Your data".
    await page.goto('/account');
    await page.getByRole('link', { name: 'Who read your data' }).click();
    await page.waitForURL('**/account/data');
    const items = page.locator('.data-access');
    await expect.poll(() => items.count()).toBe(2);
    const visible = items.nth(0);
    expect(await visible.textContent()).toContain(
      `@pda-admin-${process.pid} read your account details, e-mail address`,
    );
    expect(await visible.textContent()).toContain('Answering the person’s own request');
    expect(await visible.textContent()).toContain('Legitimate interest');
    const hidden = items.nth(1);
    expect(await hidden.textContent()).toContain('A record is hidden for a legal reason');
    expect(await hidden.textContent()).toContain('Reason: Judicial investigation in progress');
    expect(await hidden.textContent()).not.toContain('impersonation');

    // Its place in the log: the link answers with the entry and its proof.
    await visible.getByText('Check that this record is in the public log').click();
    const href = await visible.getByRole('link', { name: /Its place in the log/ }).getAttribute('href');
    expect(href).toMatch(/^\/api\/v1\/log\/events\/evt_/);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The same page in French.
    await page.getByLabel('Language / Langue').selectOption('fr');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Vos données' }).count()).toBe(1);
    expect(await page.getByText('Un enregistrement est masqué pour une raison légale').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
