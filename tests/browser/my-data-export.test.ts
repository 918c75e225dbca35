/**
 * "Your data": a person asks for an export and follows its progress bar until the download link appears, downloads
 * the zip, then erases their account behind the disclosure (a wrong password first) — with axe at each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { register } from '../../server/src/testing/harness.js';
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

describe('Your data: export and erasure, in the browser', () => {
  it('shows the export’s progress, then its download link', async () => {
    const person = await register(h.app.app, 'mdexport');
    const { page } = await h.newPage();
    await signIn(page, person.email, person.password);
    const user = await h.app.platform.accountStore.findByHandle(h.app.db.kysely, person.handle);
    // An export under way (held by a live lease, so no worker takes it yet): the page shows its progress.
    const now = new Date().toISOString();
    await h.app.db.kysely
      .insertInto('dataExports')
      .values({
        id: `exp_browser${process.pid}`,
        userId: user!.id,
        status: 'running',
        progress: 40,
        filePath: null,
        bytes: null,
        error: null,
        attempts: 1,
        leaseUntil: new Date(Date.now() + 3_600_000).toISOString(),
        createdAt: now,
        updatedAt: now,
        readyAt: null,
        expiresAt: null,
      })
      .execute();
    await page.goto('/account/data');
    const bar = page.getByRole('progressbar', { name: 'Preparing your export' });
    await expect.poll(() => bar.getAttribute('value')).toBe('40');
    expect(await page.getByRole('button', { name: 'Export my data' }).isDisabled()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The worker takes it up (its lease given back) and finishes: the page, polling, offers the download.
    await h.app.db.kysely
      .updateTable('dataExports')
      .set({ status: 'pending', leaseUntil: null })
      .where('id', '=', `exp_browser${process.pid}`)
      .execute();
    await h.app.myData.drain();
    const link = page.getByRole('link', { name: 'Download the zip' });
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1);
    expect(await bar.count()).toBe(0);
    const href = await link.getAttribute('href');
    expect(href).toContain(`/api/v1/me/exports/exp_browser${process.pid}/download`);
    const zip = await page.evaluate(async (url) => {
      const res = await fetch(new URL(url, location.href).pathname);
      return { status: res.status, type: res.headers.get('content-type'), size: (await res.arrayBuffer()).byteLength };
    }, href!);
    expect(zip).toMatchObject({ status: 200, type: 'application/zip' });
    expect(zip.size).toBeGreaterThan(100);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('erases the account behind a disclosure, after the password', async () => {
    const person = await register(h.app.app, 'mderase');
    const { page } = await h.newPage();
    await signIn(page, person.email, person.password);
    await page.goto('/account/data');
    await page.getByRole('button', { name: 'Erase my account…' }).click();
    expect(await page.getByText('Erasing your account cannot be undone').count()).toBe(1);
    const password = page.getByLabel('Your current password, to confirm');
    await password.fill('not my password');
    await page.getByRole('button', { name: 'Erase my account for good' }).click();
    await expect.poll(() => page.getByText('This is not your current password.').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    await password.fill(person.password);
    await page.getByRole('button', { name: 'Erase my account for good' }).click();
    await expect.poll(() => page.getByText('Your account was erased.').count()).toBe(1);
    const pseudonym = /deleted-[0-9a-f]{12}/.exec((await page.getByRole('status').allTextContents()).join(' '))?.[0];
    expect(pseudonym).toBeDefined();
    expect(await accessibilityViolations(page)).toEqual([]);

    // The tombstone.
    await page.goto(`/users/${pseudonym!}`);
    await expect.poll(() => page.getByText(/This account was erased on/).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
