#!/usr/bin/env node
// `npm test`: the server suite on SQLite, again on PostgreSQL when MULTITUDE_TEST_DATABASE_URL
// is set, and the browser suite when Chromium is installed. A suite that cannot run is
// reported as skipped, with the reason — never as passed. Ends with "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStale } from './freshness.mjs';
import { connect } from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const CHROMIUM = process.env.MULTITUDE_CHROMIUM ?? '/usr/bin/chromium';
const extraArgs = process.argv.slice(2);

function vitest(name, project, env) {
  const output = join(resultsDir, `${name}.json`);
  console.log(`\n━━ ${name} ━━`);
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${output}`,
      ...extraArgs,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  if (!existsSync(output))
    return { name, passed: 0, failed: 1, skipped: 0, note: `vitest exited with ${result.status} and wrote no report` };
  const report = JSON.parse(readFileSync(output, 'utf8'));
  const failed = report.numFailedTests + (result.status !== 0 && report.numFailedTests === 0 ? 1 : 0);
  return { name, passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests };
}

// The server suite also runs the compiled server, as npm start does.
// The server imports the SDK's flag evaluator from its build.
if (isStale(join(root, 'sdk/dist/index.js'), [join(root, 'sdk/src')])) {
  spawnSync('npm', ['run', 'build', '-w', 'sdk'], { cwd: root, stdio: 'inherit' });
}
if (isStale(join(root, 'server/dist/cli.js'), [join(root, 'server/src')])) {
  spawnSync('npm', ['run', 'build', '-w', 'server'], { cwd: root, stdio: 'inherit' });
}

// The rate-limit tests that run two instances against one Redis need one: use the local Redis when it answers.
if (!process.env.MULTITUDE_TEST_REDIS_URL && (await redisAnswers('127.0.0.1', 6379)))
  process.env.MULTITUDE_TEST_REDIS_URL = 'redis://127.0.0.1:6379';
if (!process.env.MULTITUDE_TEST_REDIS_URL)
  console.log(
    'Redis does not answer on 127.0.0.1:6379 and MULTITUDE_TEST_REDIS_URL is not set: the cross-instance rate-limit tests will be reported as skipped',
  );

function redisAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 }, () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(String(d).startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const suites = [];
suites.push(vitest('server · SQLite', 'server', { MULTITUDE_TEST_DB: 'sqlite' }));

const pgUrl = process.env.MULTITUDE_TEST_DATABASE_URL;
if (pgUrl) suites.push(vitest('server · PostgreSQL', 'server', { MULTITUDE_TEST_DB: 'postgres' }));
else
  suites.push({
    name: 'server · PostgreSQL',
    passed: 0,
    failed: 0,
    skipped: 0,
    skippedSuite: 'MULTITUDE_TEST_DATABASE_URL is not set',
  });

if (existsSync(CHROMIUM)) {
  if (isStale(join(root, 'web/dist/index.html'), [join(root, 'web/src'), join(root, 'web/index.html')])) {
    spawnSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
  }
  suites.push(vitest('browser · Chromium', 'browser', { MULTITUDE_TEST_DB: 'sqlite', MULTITUDE_CHROMIUM: CHROMIUM }));
} else {
  suites.push({
    name: 'browser · Chromium',
    passed: 0,
    failed: 0,
    skipped: 0,
    skippedSuite: `${CHROMIUM} not found (apt-get install chromium)`,
  });
}

console.log('\n━━ summary ━━');
for (const s of suites) {
  if (s.skippedSuite) console.log(`  ${s.name.padEnd(24)} SKIPPED — ${s.skippedSuite}`);
  else
    console.log(
      `  ${s.name.padEnd(24)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.note ? ` (${s.note})` : ''}`,
    );
}
const total = suites.reduce(
  (a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
writeFileSync(join(resultsDir, 'summary.json'), JSON.stringify({ suites, total }, null, 2));
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = total.failed > 0 ? 1 : 0;
