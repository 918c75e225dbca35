import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
const password = 'header passphrase';
let email = '';
beforeAll(async () => {
  h = await startBrowserHarness();
  // An administrator with a long handle: the widest header there is (moderation link, bell, sign-out).
  const admin = await h.app.platform.accounts.createAdmin({
    email: `header-${process.pid}@example.org`,
    handle: `camille-bertrand-${process.pid}`,
    password,
  });
  email = admin.user.email;
});
afterAll(async () => h?.close());

async function signIn(page: Page) {
  await page.goto('/signin');
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=password]').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  await page.locator('.site-nav__user').waitFor({ state: 'attached' });
}

/** The vertical centres of the header's visible pieces: one line means they all sit on the same one. */
async function headerLines(page: Page) {
  return page.evaluate(() => {
    const inner = document.querySelector('.site-header__inner')!;
    const pieces = [
      ...inner.querySelectorAll(':scope > .brand, :scope > .lang-switch, .site-nav li'),
      ...inner.querySelectorAll(':scope > .site-header__menu'),
    ].filter((el) => (el as HTMLElement).offsetParent !== null);
    const centres = pieces.map((el) => {
      const r = el.getBoundingClientRect();
      return Math.round(r.top + r.height / 2);
    });
    return {
      count: pieces.length,
      spread: Math.max(...centres) - Math.min(...centres),
      height: inner.getBoundingClientRect().height,
      overflow: inner.scrollWidth > inner.clientWidth,
    };
  });
}

describe('the header and the catalog on a laptop and a phone', () => {
  for (const [locale, words] of [
    ['en-GB', { menu: 'Menu', datasets: 'Datasets', filters: 'Filters', account: 'Account' }],
    ['fr-FR', { menu: 'Menu', datasets: 'Données', filters: 'Filtres', account: 'Mon compte' }],
  ] as const) {
    it(`keeps the header on one line at 1280×800 (${locale}, signed-in administrator)`, async () => {
      const { page } = await h.newPage({ width: 1280, height: 800, locale });
      await signIn(page);
      await page.goto('/datasets');
      await page.getByRole('heading', { level: 1 }).waitFor();
      const lines = await headerLines(page);
      // brand, 3 public links, review, bell, the handle's menu, language
      expect(lines.count).toBe(8);
      expect(lines.spread).toBeLessThanOrEqual(4);
      expect(lines.height).toBeLessThan(64);
      expect(lines.overflow).toBe(false);
      expect(await page.getByRole('button', { name: words.menu }).isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: words.filters, exact: true }).isVisible()).toBe(false);
      expect(await accessibilityViolations(page)).toEqual([]);

      // The handle opens the person's links; Escape closes them and gives focus back.
      const who = page.getByRole('button', { name: /@camille-bertrand/ });
      await who.click();
      await expect.poll(() => who.getAttribute('aria-expanded')).toBe('true');
      const account = page.getByRole('link', { name: words.account });
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? '')).toMatch(/@camille/);
      expect(await account.isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => who.getAttribute('aria-expanded')).toBe('false');
      await expect.poll(() => who.evaluate((el) => el === document.activeElement)).toBe(true);
      await expect.poll(() => account.isVisible()).toBe(false);
      await who.click();
      await account.click();
      await page.waitForURL('**/account');
      await expect.poll(() => who.getAttribute('aria-expanded')).toBe('false');
    });

    it(`folds the navigation into a menu at 390×844 (${locale})`, async () => {
      const { page } = await h.newPage({ width: 390, height: 844, locale });
      await signIn(page);
      await page.goto('/datasets');
      await page.getByRole('heading', { level: 1 }).waitFor();
      const menu = page.getByRole('button', { name: words.menu });
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      expect(await page.getByRole('link', { name: words.datasets, exact: true }).isVisible()).toBe(false);
      const closed = await headerLines(page);
      expect(closed.spread).toBeLessThanOrEqual(4);
      expect(closed.overflow).toBe(false);

      // Open: focus moves to the first entry; Escape closes and gives focus back to the button.
      await menu.click();
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('true');
      const first = page.getByRole('navigation').getByRole('link', { name: words.datasets, exact: true });
      await expect.poll(() => first.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      await expect.poll(() => menu.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await first.isVisible()).toBe(false);

      // Following a link closes the menu.
      await menu.click();
      await page.getByRole('navigation').getByRole('link', { name: words.account }).click();
      await page.waitForURL('**/account');
      // The menu closes on the route change, a render after the URL changes.
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');

      // The catalog: results first, the filters behind a button.
      await page.goto('/datasets');
      await page.getByRole('heading', { level: 1 }).waitFor();
      const filters = page.getByRole('button', { name: words.filters, exact: true });
      await expect.poll(() => filters.getAttribute('aria-expanded')).toBe('false');
      expect(await page.getByRole('complementary', { name: words.filters }).isVisible()).toBe(false);
      await filters.click();
      await expect.poll(() => filters.getAttribute('aria-expanded')).toBe('true');
      await expect.poll(() => page.getByRole('complementary', { name: words.filters }).isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
    });
  }
});
