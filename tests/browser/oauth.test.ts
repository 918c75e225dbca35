/**
 * A person authorizes a third-party app through OAuth in a real browser, then revokes it: signed out at
 * first, they sign in, come back to the consent screen, allow, and the app gets its code; later they find
 * the app among their authorized apps and revoke it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import * as oidc from 'openid-client';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../server/src/testing/harness.js';
import { accessibilityViolations, CHROMIUM } from './harness.js';
import { freePort } from '../../server/src/testing/http.js';

// The app's callback is a real server: the browser lands there with the code.
let REDIRECT = '';
let callbackServer: Server;
let t: TestApp;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  // The issuer is the base URL: it must be the address the browser uses, known before listening.
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  t = await createTestApp({
    config: { baseUrl, webDist: new URL('../../web/dist', import.meta.url).pathname, logLevel: 'warn' },
  });
  await t.app.listen({ host: '127.0.0.1', port });
  callbackServer = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Bus explorer</title><p>Signed in</p>'),
  );
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', () => resolve()));
  REDIRECT = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => callbackServer?.close(resolve));
  await t?.cleanup();
});

describe('a person and an OAuth app, in the browser', () => {
  it('signs in from the consent screen, allows the app, then revokes it from their account', async () => {
    const developer: Session = await register(t.app, 'oauth-bdev');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: asSession(developer),
      payload: {
        name: 'Bus explorer',
        description: 'Shows the bus network',
        homepage: 'https://bus.example',
        redirectUris: [REDIRECT],
      },
    });
    expect(created.statusCode).toBe(201);
    const app = created.json() as { id: string; clientId: string; clientSecret: string };
    const config = await oidc.discovery(
      new URL(baseUrl),
      app.clientId,
      app.clientSecret,
      oidc.ClientSecretBasic(app.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const person = await register(t.app, 'oauth-bperson');

    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
    });
    const page = await context.newPage();

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorizeUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'profile:read data:read',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    await page.goto(authorizeUrl.href);

    // Signed out: the sign-in page, which comes back to the consent screen.
    await page.waitForURL(/\/signin\?next=%2Foauth%2Fconsent%2F/);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { level: 1, name: 'Bus explorer wants to use your account' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/oauth\/consent\//);
    await page.getByText('Read your profile').waitFor();
    await page.getByText('Read datasets, including private ones you can see').waitFor();
    await page.getByText(`Published by Test oauth-bdev`, { exact: false }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL(`${REDIRECT}?**`);
    const callback = new URL(page.url());
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const me = () => fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await me()).status).toBe(200);

    // Their authorized apps, and revoking one.
    await page.goto('/account/apps');
    await page.getByRole('heading', { level: 1, name: 'Authorized apps' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'Bus explorer' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Revoke access' }).click();
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByText('Bus explorer no longer has access to your account.').waitFor();
    await page.getByText('You have not authorized any app.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect((await me()).status).toBe(401);
    await context.close();
  });
});
