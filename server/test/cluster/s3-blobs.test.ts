/**
 * The blob store on a real S3-protocol server (s3rver, signature V4 checked): content-addressed objects written by
 * multipart upload, read back by another instance with an empty cache (imports and original-file downloads), and
 * an object store that does not answer turns uploads into 503 + Retry-After with nothing referenced.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createS3BlobStore, createS3Client } from '../../src/data/resources/blobs-s3.js';
import { AppError } from '../../src/kernel/errors.js';
import { addInstance, type TestInstance } from '../../src/testing/cluster.js';
import { newDataset, newUser, type TestUser } from '../../src/testing/fixtures.js';
import { asSession, createTestApp, testDialect, type TestApp } from '../../src/testing/harness.js';
import { multipartBody } from '../../src/testing/multipart.js';
import { startTestS3, type TestS3 } from '../../src/testing/s3.js';

let s3: TestS3;
let a: TestApp;
let b: TestInstance;
let editor: TestUser;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'multitude-s3cache-'));
  dirs.push(dir);
  return dir;
};

// Instances hear each other on PostgreSQL (LISTEN/NOTIFY) or, on SQLite, through Redis when there is one.
const redisUrl = process.env.MULTITUDE_TEST_REDIS_URL;
const linked = testDialect === 'postgres' || !!redisUrl;

beforeAll(async () => {
  s3 = await startTestS3();
  const bus =
    testDialect === 'sqlite' && redisUrl
      ? { redisUrl, rateLimitPrefix: `t${randomBytes(4).toString('hex')}:` }
      : { redisUrl: undefined };
  a = await createTestApp({ config: { ...s3.config, ...bus } });
  b = await addInstance(a);
  editor = await newUser(a, { prefix: 's3-editor' });
});
afterAll(async () => {
  await b?.cleanup();
  await a?.cleanup();
  await s3?.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function upload(t: TestApp | TestInstance, slug: string, fileName: string, content: string | Buffer) {
  const body = multipartBody({ fileName, content, contentType: 'text/csv' }, { title: fileName });
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/datasets/${slug}/resources`,
    headers: { ...asSession(editor), ...body.headers },
    payload: body.payload,
  });
}

describe('S3 blob store', () => {
  it('is a server that checks signatures: a wrong secret is refused', async () => {
    const wrong = await createS3Client({ ...s3.settings, secretAccessKey: 'not-the-secret' });
    const error = await wrong
      .send(new PutObjectCommand({ Bucket: s3.settings.bucket, Key: 'x', Body: 'x' }))
      .catch((e: unknown) => e);
    wrong.destroy();
    expect((error as Error).name).toBe('SignatureDoesNotMatch');
  });

  it('writes content-addressed objects by multipart upload; another cache reads them back, verified', async () => {
    const one = createS3BlobStore({ settings: s3.settings, cacheDir: tempDir() });
    const two = createS3BlobStore({ settings: s3.settings, cacheDir: tempDir() });
    // Larger than one 8 MiB part: lib-storage sends it as a multipart upload.
    const data = randomBytes(9 * 1024 * 1024 + 17);
    const blob = await one.put(Readable.from([data]), { maxBytes: 20 * 1024 * 1024 });
    expect(blob).toMatchObject({ sha256: sha(data), size: data.length });
    const raw = await createS3Client(s3.settings);
    const object = await raw.send(
      new GetObjectCommand({
        Bucket: s3.settings.bucket,
        Key: `${s3.settings.prefix}${blob.sha256.slice(0, 2)}/${blob.sha256.slice(2)}`,
      }),
    );
    expect(sha(Buffer.from(await object.Body!.transformToByteArray()))).toBe(blob.sha256);
    raw.destroy();
    expect(await two.exists(blob.sha256)).toBe(true);
    expect(await two.exists('0'.repeat(64))).toBe(false);
    expect(sha(readFileSync(await two.localPath(blob.sha256)))).toBe(blob.sha256);
    await expect(two.localPath('1'.repeat(64))).rejects.toMatchObject({ code: 'not_found' });
    one.close();
    two.close();
  });

  it('imports on another instance and serves the original file from any instance', async () => {
    const dataset = await newDataset(a, editor);
    const csv = 'code,nom\n25056,Besançon\n25462,Pontarlier\n';
    // Instance A receives the upload but does not run imports: B claims the job and reads the file from S3.
    await a.data.runner.stop();
    const res = await upload(a, dataset.slug, 'communes.csv', csv);
    expect(res.statusCode, res.body).toBe(201);
    const { resource } = res.json();
    await b.data.runner.drain();
    // (Checked in the database: the query API's worker threads take seconds to start under the test runner.)
    const version = await b.db.kysely
      .selectFrom('resourceVersions')
      .select(['status', 'rowCount'])
      .where('resourceId', '=', resource.id)
      .executeTakeFirstOrThrow();
    expect(version).toMatchObject({ status: 'live' });
    expect(Number(version.rowCount)).toBe(2);
    // B's own cache was filled by the import: a third instance with an empty cache streams from the bucket.
    const c = await addInstance(a);
    try {
      const download = await c.app.inject({
        method: 'GET',
        url: `/api/v1/datasets/${dataset.slug}/resources/${resource.id}/download`,
      });
      expect(download.statusCode, download.body).toBe(200);
      expect(download.body).toBe(csv);
    } finally {
      await c.cleanup();
    }
  });

  it('removes an object and its cached copy for every instance; removing a missing one is no error', async () => {
    const one = createS3BlobStore({ settings: s3.settings, cacheDir: tempDir() });
    const two = createS3BlobStore({ settings: s3.settings, cacheDir: tempDir() });
    const data = Buffer.from(`an attachment to purge ${randomBytes(8).toString('hex')}`);
    const blob = await one.put(Readable.from([data]), { maxBytes: 1024 });
    expect(await two.exists(blob.sha256)).toBe(true);
    await one.remove(blob.sha256);
    // Neither the bucket nor the remover's cache has it: `exists` looks at both.
    expect(await one.exists(blob.sha256)).toBe(false);
    expect(await two.exists(blob.sha256)).toBe(false);
    await expect(one.remove(blob.sha256)).resolves.toBeUndefined();
  });

  it('marks content put again as written, so a purge spares it; an older one is removed', async () => {
    const one = createS3BlobStore({ settings: s3.settings, cacheDir: tempDir() });
    const two = createS3BlobStore({ settings: s3.settings, cacheDir: tempDir() });
    const data = Buffer.from(`an attachment uploaded twice ${randomBytes(8).toString('hex')}`);
    const blob = await one.put(Readable.from([data]), { maxBytes: 1024 });
    const raw = await createS3Client(s3.settings);
    const head = () =>
      raw.send(
        new HeadObjectCommand({
          Bucket: s3.settings.bucket,
          Key: `${s3.settings.prefix}${blob.sha256.slice(0, 2)}/${blob.sha256.slice(2)}`,
        }),
      );
    expect((await head()).Metadata?.['written-at']).toBeUndefined();
    const between = new Date();
    // Another instance receives the same content: not sent again, but marked written now.
    await two.put(Readable.from([data]), { maxBytes: 1024 });
    expect(Date.parse((await head()).Metadata?.['written-at'] ?? '')).toBeGreaterThanOrEqual(between.getTime());
    raw.destroy();
    expect(await one.removeUnlessWrittenSince(blob.sha256, between)).toBe('recent');
    expect(await two.exists(blob.sha256)).toBe(true);
    expect(await one.removeUnlessWrittenSince(blob.sha256, new Date(Date.now() + 60_000))).toBe('gone');
    // Gone from the bucket (a store with an empty cache asks it); `two`'s own copy is the bus's business (below).
    const three = createS3BlobStore({ settings: s3.settings, cacheDir: tempDir() });
    expect(await three.exists(blob.sha256)).toBe(false);
    one.close();
    two.close();
    three.close();
  });

  it.skipIf(!linked)('deletes the cached copies of a released blob on every instance', async () => {
    // Instance B received the file (an attachment): its disk holds a copy. A's purge releases it.
    const data = Buffer.from(`personal data ${randomBytes(8).toString('hex')}`);
    const blob = await b.data.blobs.put(Readable.from([data]), { maxBytes: 1024 });
    const copyOnB = join(b.config.dataDir, 'files', blob.sha256.slice(0, 2), blob.sha256.slice(2));
    expect(existsSync(copyOnB)).toBe(true);
    expect(await a.data.releaseBlob(blob.sha256, new Date(Date.now() + 60_000))).toBe('gone');
    await vi.waitFor(() => expect(existsSync(copyOnB)).toBe(false), { timeout: 5000, interval: 50 });
    expect(await b.data.blobs.exists(blob.sha256)).toBe(false);
  });

  it('answers 503 with Retry-After when the object store is down, and references nothing', async () => {
    const dataset = await newDataset(a, editor);
    const count = async () =>
      Number(
        (
          await a.db.kysely
            .selectFrom('resources')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await s3.stop();
    try {
      const res = await upload(a, dataset.slug, 'down.csv', `id\n${randomBytes(8).toString('hex')}\n`);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await count()).toBe(before);
    } finally {
      await s3.start();
    }
    const again = await upload(a, dataset.slug, 'up.csv', 'id\n1\n');
    expect(again.statusCode, again.body).toBe(201);
    expect(await count()).toBe(before + 1);
    expect(new AppError('unavailable').status).toBe(503);
  });
});
