import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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

describe('discussions and moderation, in the browser', () => {
  it('a visitor opens a discussion with a mention, someone reports it, a moderator hides it', async () => {
    const admin = await h.app.platform.accounts.createAdmin({
      email: `moderator-${process.pid}@example.org`,
      handle: `moderator-${process.pid}`,
      password: 'moderator passphrase',
    });
    const mod = await h.newPage();
    await signIn(mod.page, admin.user.email, 'moderator passphrase');
    const csrf = (await mod.page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;
    await mod.page.request.post('/api/v1/datasets', {
      data: { title: 'Horaires des bibliothèques', slug: 'bibliotheques', license: 'CC-BY-4.0', status: 'published' },
      headers: { 'x-csrf-token': csrf },
    });

    // A reader asks a question on the dataset page and mentions the moderator.
    const reader = await h.newPage();
    const handle = `reader-${process.pid}`;
    await reader.page.goto('/signup');
    await reader.page.getByLabel('Email').fill(`${handle}@example.org`);
    await reader.page.getByLabel('Password').fill('a long enough passphrase');
    await reader.page.getByLabel('Handle').fill(handle);
    await reader.page.getByLabel('Name', { exact: true }).fill('Reader');
    await reader.page.getByRole('button', { name: 'Sign up' }).click();
    await reader.page.waitForURL('**/account');
    await reader.page.goto('/datasets/bibliotheques');
    await reader.page.getByRole('button', { name: 'Start a discussion' }).click();
    await reader.page.getByLabel('Title', { exact: true }).fill('Horaires d’été manquants');
    await reader.page
      .getByLabel('Message', { exact: true })
      .fill(
        `Les horaires d'été ne sont pas publiés, @${admin.user.handle} pouvez-vous regarder ? <script>alert(1)</script>`,
      );
    await reader.page.getByRole('button', { name: 'Post', exact: true }).click();
    await reader.page.getByRole('link', { name: 'Horaires d’été manquants' }).click();
    await reader.page.waitForURL('**/discussions/**');
    const threadUrl = new URL(reader.page.url()).pathname;
    await expect
      .poll(() =>
        reader.page
          .getByRole('link', { name: `@${admin.user.handle}` })
          .first()
          .isVisible(),
      )
      .toBe(true);
    expect(await reader.page.locator('script', { hasText: 'alert(1)' }).count()).toBe(0);

    // The mention reaches the moderator's notifications.
    await h.app.dispatcher.drain();
    const notes = await (await mod.page.request.get('/api/v1/me/notifications')).json();
    expect(notes.items.map((n: { type: string }) => n.type)).toContain('user.mentioned');

    // Someone reports the thread; the moderator hides it with a public reason.
    await reader.page.getByRole('button', { name: 'Report', exact: true }).first().click();
    await reader.page.getByLabel('Reason', { exact: true }).selectOption('personal_data');
    await reader.page.getByRole('button', { name: 'Send report' }).click();
    await expect.poll(() => reader.page.getByText('Thank you. The moderators will look at it.').isVisible()).toBe(true);

    await mod.page.goto('/moderation');
    await mod.page.getByLabel('Public reason').first().fill('Personal data');
    await mod.page.getByRole('button', { name: 'Hide' }).first().click();
    await reader.page.goto(threadUrl);
    await expect
      .poll(() => reader.page.getByText('Hidden by moderation: Personal data').first().isVisible())
      .toBe(true);

    // A reader cannot moderate.
    const denied = await reader.page.request.get('/api/v1/moderation/flags?status=open');
    expect(denied.status()).toBe(403);

    const problems: string[] = [];
    for (const [page, path] of [
      [reader.page, threadUrl],
      [mod.page, '/moderation'],
      [reader.page, '/datasets/bibliotheques'],
    ] as const) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      problems.push(...(await accessibilityViolations(page)).map((v) => `${path} ${v}`));
    }
    expect(problems).toEqual([]);
  });
});
