import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { createTestApp, type TestApp } from '../../server/src/testing/harness.js';
import { startReceiver, type Receiver } from '../../server/src/testing/webhook-receiver.js';
import { accessibilityViolations, CHROMIUM } from './harness.js';

// The shared harness refuses private URLs (as production does); this journey needs a receiver on 127.0.0.1.
let app: TestApp;
let browser: Browser;
let baseUrl: string;
let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
  app = await createTestApp({
    config: { webDist: new URL('../../web/dist', import.meta.url).pathname, logLevel: 'warn', allowPrivateUrls: true },
  });
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.cleanup();
  await rx?.close();
});

describe('webhooks, in the browser', () => {
  it('subscribes an endpoint, keeps the secret, sends a test and reads the delivery log', async () => {
    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
    });
    const page = await context.newPage();
    const handle = `hooks-${process.pid}`;
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`${handle}@example.org`);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Name', { exact: true }).fill('Hook Receiver');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/account');

    // The empty state explains webhooks and how to verify them.
    await page.goto('/developers/webhooks');
    await page.getByText('You have no webhook subscription yet.').waitFor();
    await page.getByRole('heading', { name: 'Verify the signatures' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // Nothing chosen: caught before sending.
    await page.getByLabel('Endpoint URL').fill(rx.url('/ok'));
    await page.getByRole('button', { name: 'Create the subscription' }).click();
    await page.locator('#wh-events-error').getByText('Choose at least one event type.').waitFor();
    await page.locator('#wh-event-dataset\\.published').check();
    await page.locator('#wh-event-rows\\.changed').check();
    await page.getByRole('button', { name: 'Create the subscription' }).click();

    // The subscription page shows the secret this once.
    await page.waitForURL(/\/developers\/webhooks\/whk_/);
    const secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByText('No message yet.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/webhook-created.png', fullPage: true });

    // A test message, delivered and verifiable with that secret.
    await page.getByRole('button', { name: 'Send a test message' }).click();
    await page.getByText('A webhook.test message is on its way.').waitFor();
    await app.apps.webhooks.worker.drain();
    const got = rx.at('/ok');
    expect(got).toHaveLength(1);
    expect(
      new Webhook(secret).verify(got[0]!.body, {
        'webhook-id': String(got[0]!.headers['webhook-id']),
        'webhook-timestamp': String(got[0]!.headers['webhook-timestamp']),
        'webhook-signature': String(got[0]!.headers['webhook-signature']),
      }),
    ).toMatchObject({ type: 'webhook.test' });
    await page.reload();
    expect(await page.getByLabel('Signing secret').count()).toBe(0);
    await page.locator('.wh-delivery .wh-badge--delivered').waitFor();
    await page.getByRole('button', { name: 'Attempts and body' }).click();
    await page.getByText('HTTP 204').first().waitFor();
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByText(/will be sent again \(same webhook-id\)/).waitFor();
    await app.apps.webhooks.worker.drain();
    expect(rx.at('/ok')).toHaveLength(2);
    expect(rx.at('/ok')[1]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/webhook-log.png', fullPage: true });

    // Disable, then re-enable.
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('The subscription is disabled.').waitFor();
    await page.getByRole('button', { name: 'Re-enable' }).click();
    await page.getByText('The subscription is active again.').waitFor();

    // In French too.
    const hookUrl = new URL(page.url()).pathname;
    const fr = await browser.newContext({
      baseURL: baseUrl,
      viewport: { width: 390, height: 844 },
      locale: 'fr-FR',
      storageState: await context.storageState(),
    });
    const frPage = await fr.newPage();
    await frPage.goto(hookUrl);
    await frPage.getByRole('heading', { name: 'Journal des envois' }).waitFor();
    await frPage.getByRole('button', { name: 'Envoyer un message de test' }).waitFor();
    expect(await accessibilityViolations(frPage)).toEqual([]);
    await frPage.goto('/developers/webhooks');
    await frPage.getByRole('heading', { name: 'Nouvel abonnement' }).waitFor();
    await frPage.screenshot({ path: 'test-results/webhooks-fr-mobile.png', fullPage: true });
    await fr.close();
    await context.close();
  });
});
