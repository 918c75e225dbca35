import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

let n = 0;
const newUser = (prefix: string) => {
  n += 1;
  const handle = `${prefix}-${process.pid}-${n}`;
  return { email: `${handle}@example.org`, password: 'a long enough passphrase', handle, name: `${prefix} ${n}` };
};

async function signUp(page: Page, user: ReturnType<typeof newUser>) {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Handle').fill(user.handle);
  await page.getByLabel('Name', { exact: true }).fill(user.name);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/account');
}

/** The link of the newest mail to `email` in the development mailbox, as a path on this server. */
async function mailLink(email: string, subject: string): Promise<string> {
  const mails = (await h.app.platform.mail.recent(100)).filter((m) => m.to === email && m.subject.includes(subject));
  const url = /https?:\/\/\S+/.exec(mails[0]!.text)![0];
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

describe('a newcomer, in the browser', () => {
  it('signs up, creates an organization, invites a colleague, makes a token and calls the API with it', async () => {
    const { page } = await h.newPage();
    const owner = newUser('owner');
    await signUp(page, owner);
    await expect.poll(() => page.getByText(owner.email).first().isVisible()).toBe(true);

    // Organization
    await page.getByRole('button', { name: 'New organization' }).click();
    await page.getByLabel('Organization name').fill(`Ville de Test ${process.pid}`);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/organizations/**');
    const slug = new URL(page.url()).pathname.split('/').pop()!;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Ville de Test');

    // Invitation
    const colleague = newUser('colleague');
    await page
      .getByRole('tab', { name: /Invitations/ })
      .click()
      .catch(async () => page.getByRole('link', { name: /Invitations/ }).click());
    await page.getByLabel('Email').fill(colleague.email);
    await page.getByLabel('Role').selectOption('editor');
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => page.getByText(colleague.email).first().isVisible()).toBe(true);

    // Token
    await page.goto('/account');
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByLabel('Token name').fill('my script');
    await page
      .getByLabel(/profile:read|Read your profile/)
      .first()
      .check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const tokenField = page.getByLabel('Token value');
    await tokenField.waitFor();
    const token = await tokenField.inputValue();
    expect(token).toMatch(/^mtp_[\w-]{43}$/);
    const me = await fetch(`${h.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect((await me.json()).handle).toBe(owner.handle);

    // The colleague signs up in another browser and accepts the mailed invitation.
    const other = await h.newPage();
    await signUp(other.page, colleague);
    await other.page.goto(await mailLink(colleague.email, 'invited'));
    await other.page.locator(`a[href="/organizations/${slug}"]`).first().waitFor();
    const members = await (await fetch(`${h.baseUrl}/api/v1/organizations/${slug}/members`)).json();
    expect(members.items.map((m: { handle: string; role: string }) => `${m.handle}:${m.role}`)).toContain(
      `${colleague.handle}:editor`,
    );

    // The public activity feed on the home page tells what happened.
    await page.goto('/');
    const orgName = `Ville de Test ${process.pid}`;
    await expect.poll(() => page.getByText(`${colleague.name} joined ${orgName}`).first().isVisible()).toBe(true);
    await expect
      .poll(() => page.getByText(`${owner.name} created the organization ${orgName}`).first().isVisible())
      .toBe(true);
  });

  it('signs in and out, and shows the server’s error on a wrong password', async () => {
    const { page } = await h.newPage();
    const user = newUser('signin');
    await signUp(page, user);
    await page.getByRole('button', { name: `Signed in as @${user.handle}` }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/signin');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() =>
        page
          .getByText(/incorrect/i)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    await expect.poll(() => page.getByText(user.handle).first().isVisible()).toBe(true);
  });

  it('switches between French and English, and follows the browser language by default', async () => {
    const fr = await h.newPage({ locale: 'fr-FR' });
    await fr.page.goto('/signin');
    await expect.poll(() => fr.page.locator('html').getAttribute('lang')).toBe('fr');
    await expect.poll(() => fr.page.getByRole('button', { name: 'Se connecter' }).isVisible()).toBe(true);
    const en = await h.newPage({ locale: 'en-GB' });
    await en.page.goto('/signin');
    await expect.poll(() => en.page.locator('html').getAttribute('lang')).toBe('en');
    const select = en.page.getByLabel('Language / Langue');
    if ((await select.evaluate((el) => el.tagName)) === 'SELECT') await select.selectOption('fr');
    else await select.click();
    await expect.poll(() => en.page.locator('html').getAttribute('lang')).toBe('fr');
  });

  it('has no WCAG 2.1 AA violations on the main pages, signed out and signed in', async () => {
    const { page } = await h.newPage();
    const problems: string[] = [];
    for (const path of ['/', '/signin', '/signup', '/organizations/nope-nope', '/no-such-page']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      problems.push(...(await accessibilityViolations(page)).map((v) => `${path} ${v}`));
    }
    const user = newUser('a11y');
    await signUp(page, user);
    const org = await page.request.post('/api/v1/organizations', {
      data: { name: `Accessible ${process.pid}` },
      headers: { 'x-csrf-token': (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value },
    });
    const slug = (await org.json()).slug;
    for (const path of ['/account', `/organizations/${slug}`]) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      problems.push(...(await accessibilityViolations(page)).map((v) => `${path} ${v}`));
    }
    expect(problems).toEqual([]);
  });

  it('can be used with the keyboard alone: skip link, then the sign-in form', async () => {
    const { page } = await h.newPage();
    const user = newUser('keys');
    await signUp(page, user);
    await page.getByRole('button', { name: `Signed in as @${user.handle}` }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/signin');
    // Wait for the app to render: a Tab pressed before that lands on the empty document.
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(first.toLowerCase()).toMatch(/skip|contenu|content/);
    await page.getByLabel('Email').focus();
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  });

  it('fits a phone-width screen without horizontal scrolling', async () => {
    const { page } = await h.newPage({ width: 375, height: 740 });
    for (const path of ['/', '/signin', '/signup']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
  });
});
