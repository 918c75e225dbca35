// A Multitude server for benchmarks, in its own process so that the load generator does not share its
// event loop. Prints one JSON line {base, token} when ready; stops on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'multitude-bench-'));
const config = {
  ...loadConfig({ MULTITUDE_DATA_DIR: dataDir, MULTITUDE_DEMO: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }),
  host: '127.0.0.1',
};
const multitude = await buildApp({ config, startDispatcher: true });
await multitude.app.listen({ port: 0, host: '127.0.0.1' });
const address = multitude.app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const user = { email: 'bench@example.org', password: 'quiet harbour lantern 8271', handle: 'bench', name: 'Bench' };
const reg = await fetch(`${base}/api/v1/auth/register`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(user),
});
const cookies = reg.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const csrf = /mt_csrf=([^;]+)/.exec(cookies)![1]!;
const created = await fetch(`${base}/api/v1/me/tokens`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', cookie: cookies, 'x-csrf-token': csrf },
  body: JSON.stringify({ name: 'bench', scopes: ['profile:read', 'data:read', 'data:write'] }),
});
const { token } = (await created.json()) as { token: string };
process.stdout.write(JSON.stringify({ base, token }) + '\n');

process.once('SIGTERM', () => {
  void multitude.close().then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
