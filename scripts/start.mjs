#!/usr/bin/env node
// `npm start`: builds what is missing or stale (SDK, web, server), then serves Multitude.
// Extra arguments go to `multitude serve` (npm start -- --port 8080).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => join(root, ...p);

if (!existsSync(at('node_modules'))) {
  console.error('Dependencies are missing: run "npm install" first.');
  process.exit(1);
}

function build(label, args) {
  const started = Date.now();
  process.stdout.write(`Building ${label}… `);
  const result = spawnSync('npm', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    console.log('failed.');
    console.error(result.stdout, result.stderr);
    process.exit(result.status ?? 1);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

if (isStale(at('web/dist/index.html'), [at('web/src'), at('web/index.html'), at('web/vite.config.ts')]))
  build('the web interface', ['run', 'build', '-w', 'web']);
// The server runs the SDK's flag evaluator (one implementation for both): the SDK builds first.
if (isStale(at('sdk/dist/index.js'), [at('sdk/src'), at('sdk/tsconfig.json')]))
  build('the SDK', ['run', 'build', '-w', 'sdk']);
if (isStale(at('server/dist/cli.js'), [at('server/src'), at('server/tsconfig.json')]))
  build('the server', ['run', 'build', '-w', 'server']);

// `npm start` is a newcomer's first command: without SMTP, the mail they need (sign-up confirmation, password
// reset) is readable at /dev/mail — served to this machine (loopback, no proxy headers) and to platform
// administrators only, so turning it on here exposes nothing to the network. MULTITUDE_DEV_MAIL=0 turns it off.
if (process.env.MULTITUDE_DEV_MAIL === undefined && !process.env.MULTITUDE_SMTP_URL)
  process.env.MULTITUDE_DEV_MAIL = '1';

const { main } = await import(pathToFileURL(at('server/dist/cli.js')).href);
const code = await main(['serve', ...process.argv.slice(2)]);
if (code >= 0) process.exitCode = code;
