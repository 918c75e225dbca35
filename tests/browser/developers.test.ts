import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

describe('a developer, in the browser', () => {
  it('signs up, registers an app, sees the secret once, creates a key, copies it and calls the API', async () => {
    const { context, page } = await h.newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.baseUrl });
    const handle = `dev-${process.pid}`;
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`${handle}@example.org`);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Name', { exact: true }).fill('Dev Eloper');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/account');

    // The portal, then the empty list of apps.
    await page.goto('/developers');
    await page.getByRole('heading', { level: 1, name: 'Developers' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Your apps and keys' }).click();
    await page.getByText('You have no app yet.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // A wrong redirect URI is caught before sending.
    await page.getByLabel('Name', { exact: true }).fill('Bus explorer');
    await page.getByLabel('Description').fill('Shows the bus network');
    await page.getByLabel('Redirect URIs').fill('http://bus.example/callback');
    await page.getByRole('button', { name: 'Register the app' }).click();
    await page.getByText('Use https (http is allowed only on localhost and 127.0.0.1).').waitFor();
    await page.getByLabel('Redirect URIs').fill('https://bus.example/callback\nhttp://127.0.0.1:8080/cb');
    await page.getByRole('button', { name: 'Register the app' }).click();

    // The app page shows the client secret this once.
    await page.waitForURL(/\/developers\/apps\/app_/);
    const appId = new URL(page.url()).pathname.split('/').pop()!;
    const secret = await page.getByLabel('Client secret').inputValue();
    expect(secret).toMatch(/^mts_[\w-]{43}$/);
    expect(await page.getByLabel('Client id').inputValue()).toMatch(/^mtc_/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Bus explorer' }).waitFor();
    expect(await page.getByLabel('Client secret').count()).toBe(0);

    // A key: created, shown once, copied; the list shows its prefix.
    await page.getByText('No key yet: create one below to call the API.').waitFor();
    await page.getByRole('button', { name: 'Create a key' }).click();
    const keyForm = page.getByRole('form', { name: 'Create a key' });
    await keyForm.getByLabel('Name', { exact: true }).fill('production');
    await keyForm.getByLabel(/^data:read/).check();
    await keyForm.getByRole('button', { name: 'Create the key' }).click();
    const keyField = page.getByLabel('API key', { exact: true });
    await keyField.waitFor();
    const key = await keyField.inputValue();
    expect(key).toMatch(/^mtk_[\w-]{43}$/);
    await page.locator('.secret-notice').getByRole('button', { name: 'Copy' }).click();
    await page.locator('.secret-notice').getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    const row = page.getByRole('row', { name: /production/ });
    await expect.poll(() => row.textContent()).toContain(key.slice(0, 12));
    expect(await row.textContent()).not.toContain(key);
    expect(await accessibilityViolations(page)).toEqual([]);

    const res = await fetch(`${h.baseUrl}/api/v1/datasets`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const keys = await (
      await fetch(`${h.baseUrl}/api/v1/apps/${appId}/keys`, { headers: { authorization: `Bearer ${key}` } })
    ).json();
    expect(keys.code).toBe('insufficient_scope');

    // An organization owner finds the review queue of its accreditation requests from the apps page.
    const csrf = (await context.cookies()).find((c) => c.name === 'mt_csrf')!.value;
    const org = await page.request.post('/api/v1/organizations', {
      headers: { 'x-csrf-token': csrf },
      data: { name: `Transit ${process.pid}` },
    });
    expect(org.status()).toBe(201);
    await page.goto('/developers/apps');
    await page.getByRole('link', { name: `Requests to Transit ${process.pid}` }).click();
    await page.getByRole('heading', { level: 1, name: 'Accreditation requests' }).waitFor();
    await page.getByText('No request is waiting for review.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // The public registry, empty but helpful.
    await page.goto('/accreditations');
    await page.getByText('No accreditation has been approved yet.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // A platform administrator moves the app to another plan; the next call says so in its headers.
    expect(await page.getByRole('heading', { name: 'Rate-limit plan (administrators)' }).count()).toBe(0);
    await h.app.db.kysely
      .updateTable('users')
      .set({ isAdmin: (h.app.db.dialect === 'postgres' ? true : 1) as never })
      .where('handle', '=', handle)
      .execute();
    await page.goto(`/developers/apps/${appId}`);
    await page.getByRole('heading', { name: 'Rate-limit plan (administrators)' }).waitFor();
    await page.getByLabel('Plan', { exact: true }).selectOption('partner');
    await page.getByRole('button', { name: 'Change the plan' }).click();
    await page.getByText('The app is now on the partner plan.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    const after = await fetch(`${h.baseUrl}/api/v1/datasets`, { headers: { authorization: `Bearer ${key}` } });
    expect(after.headers.get('ratelimit-policy')).toBe('"burst";q=1000;w=10, "daily";q=1000000;w=86400');
  });
});
