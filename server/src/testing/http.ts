import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type Session, type TestApp } from './harness.js';

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * A test app listening on 127.0.0.1 whose base URL is its own address — the OAuth issuer must be known
 * before listening, so a port is reserved first (and another tried if it was taken in between).
 */
export async function listenTestApp(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const t = await createTestApp({ ...options, config: { ...options.config, baseUrl: `http://127.0.0.1:${port}` } });
    try {
      await t.app.listen({ host: '127.0.0.1', port });
      return t;
    } catch (error) {
      await t.cleanup();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 3) throw error;
    }
  }
}

/**
 * A browser played by fetch: cookies by name for one origin (paths ignored: our names are distinct), redirects
 * left to the caller, and API calls sent as the page sends them (session cookie plus the CSRF header).
 */
export class CookieBrowser {
  readonly cookies = new Map<string, string>();
  /** `origin` may be a function, for browsers made before the server listens. */
  constructor(
    private readonly origin: string | (() => string),
    session?: Session,
  ) {
    if (session) this.signIn(session);
  }
  get baseUrl(): string {
    return typeof this.origin === 'string' ? this.origin : this.origin();
  }
  /** Takes over a session opened through the API (see `register`). */
  signIn(session: Session) {
    this.cookies.set('mt_session', session.cookie.slice('mt_session='.length));
    this.cookies.set('mt_csrf', session.csrf);
  }
  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  async fetch(
    url: string,
    init: { method?: string; body?: string | FormData; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { cookie: this.header(), ...(init.headers ?? {}) },
    });
    this.store(response);
    return response;
  }
  /** A call to our API from the page: JSON (or a multipart form), the session cookie and the CSRF header. */
  async api(method: string, path: string, body?: object | FormData): Promise<Response> {
    const json = body !== undefined && !(body instanceof FormData);
    return this.fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      ...(body !== undefined ? { body: json ? JSON.stringify(body) : (body as FormData) } : {}),
      headers: {
        'x-csrf-token': this.cookies.get('mt_csrf') ?? '',
        ...(json ? { 'content-type': 'application/json' } : {}),
      },
    });
  }
}
