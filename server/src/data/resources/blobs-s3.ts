/**
 * The blob store on S3-compatible object storage (MULTITUDE_S3_URL…): what every instance of a cluster reads, so an
 * upload received by one instance is imported, downloaded or re-imported by any other.
 *
 * Contract:
 * - Keys are content-addressed as on disk: `<prefix><first two hex digits>/<the other 62>` of the SHA-256.
 * - `put` streams the upload into the local cache (hashing and metering it, as the disk store does), then streams
 *   that file to the bucket as a multipart upload (`@aws-sdk/lib-storage`) under its final key. The object appears
 *   whole or not at all (S3 completes a multipart upload atomically; a failed one is aborted), and `put` only
 *   returns once it is there: a caller never records a hash whose object is missing. S3 down or refusing →
 *   `unavailable` (503 with Retry-After), before anything references the file.
 * - The local cache (`<dataDir>/files`) is only a cache: `localPath` fetches a missing blob and checks its hash
 *   before moving it into place, so a wrong or truncated object never poses as the blob. The cache may be emptied
 *   at any time.
 * - Every S3 call has a time limit: a stalled server fails the request instead of holding it.
 * - The AWS SDK is loaded on first use: an instance without object storage does not pay for it at start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import { AppError } from '../../kernel/errors.js';
import { createDiskBlobStore, type BlobStore } from './blobs.js';

export interface S3Settings {
  /** The S3 endpoint (`http://127.0.0.1:9000`); path-style addressing is used. */
  url: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Key prefix inside the bucket (tests give each run its own). */
  prefix?: string;
}

/** Seconds a client is told to wait before trying an upload again when the object store does not answer. */
export const S3_RETRY_AFTER_SECONDS = 30;
const PART_BYTES = 8 * 1024 * 1024;

type Sdk = [typeof ClientS3, typeof LibStorage];
let sdkLoading: Promise<Sdk> | undefined;
const loadSdk = () => (sdkLoading ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]));

export async function createS3Client(settings: S3Settings, timeoutMs = 10_000): Promise<S3Client> {
  const [{ S3Client }] = await loadSdk();
  return new S3Client({
    endpoint: settings.url,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // Checksums only where the API requires them: S3-compatible servers do not all read the newer trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 3000), requestTimeout: timeoutMs },
  });
}

const isMissing = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'NotFound' ||
    error.name === 'NoSuchKey' ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

const unavailable = (error: unknown) =>
  error instanceof AppError
    ? error
    : new AppError('unavailable', 'The file store does not answer; try again later', {
        retryAfterSeconds: S3_RETRY_AFTER_SECONDS,
      });

/**
 * The local copies of a shared blob store: when one instance removes a blob (a purge of personal data), every other
 * instance deletes its cached copy too (the cluster bus carries the hash; see kernel/cluster/caches.ts).
 */
export interface CachedBlobs {
  onRemoved(listener: (sha256: string) => void): void;
  forgetCached(sha256: string): Promise<void>;
}

export function createS3BlobStore(options: {
  settings: S3Settings;
  cacheDir: string;
  client?: S3Client;
  logger?: { warn(o: object, m: string): void };
}): BlobStore & CachedBlobs & { close(): void } {
  const { settings } = options;
  const removedListeners: Array<(sha256: string) => void> = [];
  let clientPromise: Promise<S3Client> | undefined = options.client && Promise.resolve(options.client);
  const client = () => (clientPromise ??= createS3Client(settings));
  const cache = createDiskBlobStore(options.cacheDir);
  const tmp = join(options.cacheDir, 'tmp');
  const keyOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('bad_request', 'Invalid file hash');
    return `${settings.prefix ?? ''}${sha256.slice(0, 2)}/${sha256.slice(2)}`;
  };
  const warn = (error: unknown, what: string) =>
    options.logger?.warn({ err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, what);

  /** When the object was last written, or null when there is none. */
  async function writtenAt(sha256: string): Promise<Date | null> {
    try {
      const [{ HeadObjectCommand }] = await loadSdk();
      const object = await (
        await client()
      ).send(new HeadObjectCommand({ Bucket: settings.bucket, Key: keyOf(sha256) }));
      // A re-put is recorded in the object's metadata: not every S3-compatible server renews LastModified on a
      // self-copy (s3rver keeps it).
      const marked = Date.parse(object.Metadata?.['written-at'] ?? '');
      return new Date(Math.max(object.LastModified?.getTime() ?? 0, Number.isNaN(marked) ? 0 : marked));
    } catch (error) {
      if (isMissing(error)) return null;
      warn(error, 'object store: HEAD failed');
      throw unavailable(error);
    }
  }

  /**
   * Marks an object written now, for `removeUnlessWrittenSince`: a copy onto itself with new metadata (S3 refuses a
   * self-copy that changes nothing), which does not send the content again.
   */
  async function touch(sha256: string): Promise<void> {
    const [{ CopyObjectCommand }] = await loadSdk();
    const key = keyOf(sha256);
    await (
      await client()
    ).send(
      new CopyObjectCommand({
        Bucket: settings.bucket,
        Key: key,
        CopySource: `${settings.bucket}/${key}`,
        MetadataDirective: 'REPLACE',
        Metadata: { 'written-at': new Date().toISOString() },
      }),
    );
  }

  async function get(sha256: string): Promise<Readable> {
    try {
      const [{ GetObjectCommand }] = await loadSdk();
      const object = await (await client()).send(new GetObjectCommand({ Bucket: settings.bucket, Key: keyOf(sha256) }));
      return object.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw new AppError('not_found', 'File not found');
      warn(error, 'object store: GET failed');
      throw unavailable(error);
    }
  }

  return {
    async put(stream, limits) {
      const blob = await cache.put(stream, limits);
      try {
        // Same content, same object: an upload already there is not sent again, only marked written.
        if (await writtenAt(blob.sha256)) await touch(blob.sha256);
        else {
          const [, { Upload }] = await loadSdk();
          const upload = new Upload({
            client: await client(),
            params: {
              Bucket: settings.bucket,
              Key: keyOf(blob.sha256),
              Body: createReadStream(blob.path),
              ContentLength: blob.size,
            },
            partSize: PART_BYTES,
            queueSize: 2,
            leavePartsOnError: false,
          });
          await upload.done();
        }
      } catch (error) {
        warn(error, 'object store: upload failed');
        throw unavailable(error);
      }
      return blob;
    },
    async localPath(sha256) {
      const local = await cache.localPath(sha256);
      if (existsSync(local)) return local;
      mkdirSync(tmp, { recursive: true });
      const temporary = join(tmp, randomBytes(12).toString('hex'));
      const hash = createHash('sha256');
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(await get(sha256), meter, createWriteStream(temporary));
        if (hash.digest('hex') !== sha256)
          throw new AppError('internal', `The object store returned other content for ${sha256}`);
        mkdirSync(join(local, '..'), { recursive: true });
        renameSync(temporary, local);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error instanceof AppError ? error : unavailable(error);
      }
      return local;
    },
    async open(sha256) {
      // The cache holds only verified copies; otherwise the object streams from the bucket.
      if (await cache.exists(sha256)) return cache.open(sha256);
      return get(sha256);
    },
    async exists(sha256) {
      return (await cache.exists(sha256)) || (await writtenAt(sha256)) !== null;
    },
    async remove(sha256) {
      // The object first: a cached copy left behind by a failure is only a cache, the object would be the data.
      try {
        const [{ DeleteObjectCommand }] = await loadSdk();
        await (await client()).send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: keyOf(sha256) }));
      } catch (error) {
        if (!isMissing(error)) {
          warn(error, 'object store: DELETE failed');
          throw unavailable(error);
        }
      }
      await cache.remove(sha256);
      for (const listener of removedListeners) listener(sha256);
    },
    onRemoved: (listener) => void removedListeners.push(listener),
    forgetCached: (sha256) => cache.remove(sha256),
    async removeUnlessWrittenSince(sha256, since) {
      // Another instance may re-put the content between the HEAD and the DELETE: a window of one round trip, where
      // the disk store has none. The purge's grace (an hour) is what makes an upload in flight safe.
      const written = await writtenAt(sha256);
      if (written && written.getTime() >= since.getTime()) return 'recent';
      await this.remove(sha256);
      return 'gone';
    },
    sweepTemporary: (olderThanMs) => cache.sweepTemporary(olderThanMs),
    close: () => void clientPromise?.then((c) => c.destroy()).catch(() => undefined),
  };
}
