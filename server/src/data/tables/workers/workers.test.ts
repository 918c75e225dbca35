import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../kernel/errors.js';
import { createTestDb, testDialect, type TestDb } from '../../../testing/harness.js';
import { run, runSteps, stepRunnerOf } from '../physical.js';
import { isAbortError } from './pool.js';
import { createQueryReader, type QueryReader } from './reader.js';
import { renderPage, type PageRender } from './render.js';

// A statement that runs for minutes unless stopped.
const FOREVER =
  testDialect === 'sqlite'
    ? 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS "n" FROM c'
    : 'SELECT pg_sleep(120) AS "n"';

let t: TestDb;
let reader: QueryReader;

beforeAll(async () => {
  t = await createTestDb();
  await run(t.db.kysely, 'CREATE TABLE numbers ("n" integer)');
  await run(t.db.kysely, `INSERT INTO numbers ("n") VALUES (1), (2), (3)`);
  reader = createQueryReader({
    dialect: testDialect,
    location: t.db.location,
    size: 2,
    timeoutMs: 60_000,
    main: t.db.kysely,
  });
});
afterAll(async () => {
  await reader?.close();
  await t?.cleanup();
});

const stop = async <T>(p: Promise<T>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected the statement to be stopped');
    },
    (e: unknown) => e,
  );

describe(`query reader (${testDialect})`, () => {
  it('answers queries off the main connection, in parallel, and refuses to write', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        reader.within({}, () =>
          run<{ s: number }>(reader.db, `SELECT sum("n") + ${i} AS "s" FROM numbers`).then((r) => Number(r[0]!.s)),
        ),
      ),
    );
    expect(answers).toEqual([6, 7, 8, 9, 10, 11]);
    await expect(run(reader.db, 'INSERT INTO numbers ("n") VALUES (4)')).rejects.toThrow(/read.?only/i);
    expect((await run<{ c: number }>(t.db.kysely, 'SELECT count(*) AS "c" FROM numbers'))[0]!.c).toBe(3);
  });

  it('runs a program of steps in one trip, each step only when its condition holds', async () => {
    const before = reader.stats()?.trips ?? 0;
    const ph = testDialect === 'sqlite' ? '?' : '$1';
    const results = await reader.within({}, () =>
      runSteps(reader.db, [
        { sql: `SELECT count(*) AS "n" FROM numbers WHERE "n" > ${ph}`, params: [1] },
        { sql: `SELECT "n" FROM numbers WHERE "n" >= ${ph} ORDER BY "n"`, params: [2], if: { step: 0, countAbove: 1 } },
        { sql: 'SELECT "n" FROM numbers ORDER BY "n"', params: [], if: { step: 0, countAtMost: 1 } },
        { sql: 'SELECT 7 AS "n"', params: [], if: { step: 2, rowsBelow: 10 } },
        { sql: 'SELECT 8 AS "n"', params: [], if: { step: 1, rowsBelow: 2 } },
      ]),
    );
    expect(results.map((r) => r?.map((row) => Number(row.n)) ?? null)).toEqual([[2], [2, 3], null, null, null]);
    // SQLite: one message to one worker; elsewhere the steps run in order on the connection.
    if (testDialect === 'sqlite') expect(reader.stats()!.trips - before).toBe(1);
  });

  it('renders a page in the worker: the bytes the request thread would render, its rows sent only as JSON', async () => {
    const steps = [
      { sql: 'SELECT count(*) AS "n" FROM numbers', params: [] },
      { sql: 'SELECT "n" AS "id", "n" AS "o0", "n" > 1 AS "o1" FROM numbers ORDER BY "n"', params: [] },
    ];
    const render: PageRender = {
      plans: [[1]],
      limit: 2,
      out: [
        ['n', 'o0', 'integer'],
        ['big', 'o1', 'boolean'],
      ],
      sortAlias: [['id', 'id']],
    };
    const local = renderPage(await runSteps(t.db.kysely, steps), render);
    expect(JSON.parse(Buffer.from(local.json).toString())).toEqual([
      { _id: 1, n: 1, big: false },
      { _id: 2, n: 2, big: true },
    ]);
    expect(local).toMatchObject({ next: [2], length: 2 });
    const runner = stepRunnerOf(reader.db);
    if (testDialect !== 'sqlite') return expect(runner).toBeUndefined();
    const answer = await reader.within({}, () => runner!(steps, render));
    expect(Buffer.from(answer.page!.json).equals(Buffer.from(local.json))).toBe(true);
    expect(answer.page).toMatchObject({ next: [2], length: 2 });
    expect(answer.results).toEqual([[{ n: 3 }], null]);
  });

  it('stops a statement past its deadline with a 503 problem and keeps answering', async () => {
    const started = Date.now();
    const error = await stop(
      reader.within({ deadline: Date.now() + 200, timeoutMs: 200 }, () => run(reader.db, FOREVER)),
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(503);
    expect((error as AppError).code).toBe('query_timeout');
    expect((error as AppError).extra.retryAfterSeconds).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const [row] = await reader.within({}, () => run<{ s: number }>(reader.db, 'SELECT sum("n") AS "s" FROM numbers'));
    expect(Number(row!.s)).toBe(6);
  });

  it('stops a statement at once when its client goes away, and frees its worker', async () => {
    const controller = new AbortController();
    const pending = stop(reader.within({ signal: controller.signal }, () => run(reader.db, FOREVER)));
    // Wait until it is really running.
    for (let i = 0; i < 200 && testDialect === 'sqlite' && reader.stats()!.busy === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    if (testDialect === 'postgres') await new Promise((r) => setTimeout(r, 300));
    const replacedBefore = reader.stats()?.replaced ?? 0;
    controller.abort();
    const error = await pending;
    expect(isAbortError(error)).toBe(true);
    if (testDialect === 'sqlite') {
      expect(reader.stats()!.busy).toBe(0);
      expect(reader.stats()!.replaced).toBe(replacedBefore + 1);
    }
    // Nothing is left running: both workers (or connections) answer at once.
    const answers = await Promise.all([1, 2].map(() => reader.within({}, () => run(reader.db, 'SELECT 1 AS "x"'))));
    expect(answers).toHaveLength(2);
  });

  it('a queued statement whose deadline passes never runs', async () => {
    if (testDialect !== 'sqlite') return;
    const controllers = [new AbortController(), new AbortController()];
    // Both workers busy…
    const busy = controllers.map((c) => stop(reader.within({ signal: c.signal }, () => run(reader.db, FOREVER))));
    // …so this one waits, and times out in the queue.
    const queued = await stop(reader.within({ deadline: Date.now() + 100 }, () => run(reader.db, 'SELECT 1 AS "x"')));
    expect((queued as AppError).code).toBe('query_timeout');
    controllers.forEach((c) => c.abort());
    await Promise.all(busy);
    expect(reader.stats()!.queued).toBe(0);
  });
});
