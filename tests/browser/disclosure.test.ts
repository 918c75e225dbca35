import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

let n = 0;
async function signUp(page: Page, lang: string) {
  n += 1;
  const handle = `forms-${lang}-${process.pid}-${n}`;
  await page.goto('/signup');
  await page.locator('input[type=email]').fill(`${handle}@example.org`);
  await page.locator('input[type=password]').fill('a long enough passphrase');
  await page.locator('input[autocomplete=username]').fill(handle);
  await page.locator('input[autocomplete=name]').fill('Camille Forms');
  await page.locator('form button[type=submit]').click();
  await page.waitForURL('**/account');
}

/** An account with what a developer has after a week: an organization, two tokens, an app with two keys. */
async function furnish(context: BrowserContext, page: Page) {
  const csrf = (await context.cookies()).find((c) => c.name === 'mt_csrf')!.value;
  const post = (url: string, data: unknown) =>
    page.request.post(url, { data, headers: { 'x-csrf-token': csrf } }).then((r) => r.json());
  await post('/api/v1/organizations', { name: `Atelier ${process.pid} ${n}` });
  await post('/api/v1/me/tokens', { name: 'script', scopes: ['profile:read'] });
  await post('/api/v1/me/tokens', { name: 'notebook', scopes: ['data:read'] });
  const app = await post('/api/v1/apps', {
    name: 'Bus explorer',
    description: 'Shows the bus network',
    redirectUris: ['https://bus.example/callback'],
  });
  await post(`/api/v1/apps/${app.id}/keys`, { name: 'production', scopes: ['data:read'] });
  await post(`/api/v1/apps/${app.id}/keys`, { name: 'staging', scopes: ['data:read'] });
  return app.id as string;
}

const height = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);

// Before progressive disclosure, with this content: /account 3,856 px (fr 3,882), the app page 4,604 px (fr 4,765).
const ACCOUNT_MAX = 2_000;
const APP_MAX = 2_400;

describe('account and app pages show forms on demand', () => {
  it.each([
    ['en-GB', { newToken: 'New token', tokenName: 'Token name', create: 'Create token', newKey: 'Create a key' }],
    [
      'fr-FR',
      { newToken: 'Nouveau jeton', tokenName: 'Nom du jeton', create: 'Créer le jeton', newKey: 'Créer une clé' },
    ],
  ])('keeps /account and an app page short at 1280×800, forms one click away (%s)', async (locale, words) => {
    const { context, page } = await h.newPage({ locale });
    await signUp(page, locale.slice(0, 2));
    const appId = await furnish(context, page);

    await page.goto('/account');
    await page.locator('#notif-prefs-heading').waitFor();
    await page.locator('table').first().waitFor();
    await page.locator('.summary-line').waitFor();
    const account = await height(page);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The token form opens on demand, takes focus, and folds again once the token exists.
    const toggle = page.getByRole('button', { name: words.newToken });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByLabel(words.tokenName).isVisible()).toBe(false);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await expect
      .poll(() => page.getByLabel(words.tokenName).evaluate((el) => el === document.activeElement))
      .toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel(words.tokenName).fill('one more');
    await page.locator('input[type=checkbox]').first().check();
    await page.getByRole('button', { name: words.create }).click();
    await page.locator('.new-token').waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    await page.goto(`/developers/apps/${appId}`);
    await page.locator('#credentials-heading').waitFor();
    await page.locator('table').first().waitFor();
    const appPage = await height(page);
    expect(await accessibilityViolations(page)).toEqual([]);
    const newKey = page.getByRole('button', { name: words.newKey });
    await newKey.click();
    await page.getByRole('form', { name: words.newKey }).waitFor();

    console.log(`page heights at 1280×800 (${locale}): /account ${account} px, app page ${appPage} px`);
    expect(account).toBeLessThan(ACCOUNT_MAX);
    expect(appPage).toBeLessThan(APP_MAX);
  });
});
