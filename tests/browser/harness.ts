import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { createTestApp, type TestApp } from '../../server/src/testing/harness.js';

export const CHROMIUM = process.env.MULTITUDE_CHROMIUM ?? '/usr/bin/chromium';

export interface BrowserHarness {
  app: TestApp;
  baseUrl: string;
  browser: Browser;
  newPage(options?: {
    width?: number;
    height?: number;
    locale?: string;
  }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** A real server on a free port, serving the built web app, and Debian's Chromium driven by playwright-core. */
export async function startBrowserHarness(options: { outboundExempt?: string[] } = {}): Promise<BrowserHarness> {
  const app = await createTestApp({
    config: { webDist: new URL('../../web/dist', import.meta.url).pathname, logLevel: 'warn' },
    ...(options.outboundExempt ? { outboundExempt: options.outboundExempt } : {}),
  });
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const contexts: BrowserContext[] = [];
  return {
    app,
    baseUrl,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
        locale: options.locale ?? 'en-US',
      });
      contexts.push(context);
      return { context, page: await context.newPage() };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await app.cleanup();
    },
  };
}

/** WCAG 2.1 AA violations on the current page (axe-core). */
export async function accessibilityViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')})`,
  );
}
