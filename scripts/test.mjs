#!/usr/bin/env node
// `npm test`: the server suite on SQLite, again on PostgreSQL when MULTITUDE_TEST_DATABASE_URL
// is set, and the browser suite when Chromium is installed. A suite that cannot run is
// reported as skipped, with the reason — never as passed. A test that fails runs once more; one that
// passes then is listed as flaky (it is a bug to fix, but not a broken build). The failed and flaky
// tests are listed by name just above the last line, "N passed, N failed, N skipped".
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

function runVitest(project, env, output, files = []) {
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
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  const report = existsSync(output) ? JSON.parse(readFileSync(output, 'utf8')) : undefined;
  return { status: result.status, report };
}

// The failed tests of a report, by file; a file that failed outside any test (a crash, an unhandled
// error) counts as one failure of its own.
function failuresOf(report) {
  const failures = [];
  for (const file of report.testResults ?? []) {
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of tests)
      failures.push({ file: file.name, test: t.fullName, message: firstLine(t.failureMessages?.[0]) });
    if (file.status === 'failed' && tests.length === 0)
      failures.push({ file: file.name, test: '(the file itself)', message: firstLine(file.message) });
  }
  return failures;
}
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((l) => l.trim()) ?? '';
const keyOf = (f) => `${f.file}\u0000${f.test}`;

// Files whose tests failed run once more, alone. A test that passes on that second run is reported as
// flaky — by name, in the summary and in summary.json — and not as failed; one that fails again is a
// failure. Many failing files mean something is broken, not flaky: those are not run again.
const MAX_RERUN_FILES = 5;

function vitest(name, project, env) {
  const output = join(resultsDir, `${name}.json`);
  console.log(`\n━━ ${name} ━━`);
  const { status, report } = runVitest(project, env, output);
  if (!report)
    return { name, passed: 0, failed: 1, skipped: 0, note: `vitest exited with ${status} and wrote no report` };
  const skipped = report.numPendingTests + report.numTodoTests;
  let failures = failuresOf(report);
  if (status !== 0 && failures.length === 0)
    failures = [{ file: '(vitest)', test: '(the run)', message: `vitest exited with ${status}` }];
  let passed = report.numPassedTests;
  const flaky = [];
  const files = [...new Set(failures.map((f) => f.file))].filter((f) => f.startsWith('/'));
  if (failures.length > 0 && files.length > 0 && files.length <= MAX_RERUN_FILES) {
    console.log(`\n━━ ${name}: running the ${files.length} file(s) with failures once more ━━`);
    const again = runVitest(project, env, join(resultsDir, `${name} · second run.json`), files);
    const stillFailing = new Set(again.report ? failuresOf(again.report).map(keyOf) : failures.map(keyOf));
    const rerunTests = new Set(
      (again.report?.testResults ?? []).flatMap((f) =>
        (f.assertionResults ?? []).filter((t) => t.status === 'passed').map((t) => `${f.name}\u0000${t.fullName}`),
      ),
    );
    const fileFailedAgain = new Set(again.report ? failuresOf(again.report).map((f) => f.file) : files);
    const remaining = [];
    for (const f of failures) {
      const passedAgain =
        f.test === '(the file itself)'
          ? !fileFailedAgain.has(f.file)
          : rerunTests.has(keyOf(f)) && !stillFailing.has(keyOf(f));
      if (passedAgain) flaky.push(f);
      else remaining.push(f);
    }
    failures = remaining;
    passed += flaky.filter((f) => f.test !== '(the file itself)').length;
  }
  return { name, passed, failed: failures.length, skipped, failures, flaky };
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
const relative = (file) => (file.startsWith(root) ? file.slice(root.length + 1) : file);
for (const s of suites)
  for (const f of s.flaky ?? [])
    console.log(
      `  flaky (${s.name}, passed on its second run): ${relative(f.file)} › ${f.test}\n      first run: ${f.message}`,
    );
for (const s of suites)
  for (const f of s.failures ?? [])
    console.log(`  FAILED (${s.name}): ${relative(f.file)} › ${f.test}\n      ${f.message}`);
const total = suites.reduce(
  (a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
writeFileSync(join(resultsDir, 'summary.json'), JSON.stringify({ suites, total }, null, 2));
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = total.failed > 0 ? 1 : 0;
