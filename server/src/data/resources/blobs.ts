import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  existsSync,
  statSync,
  rmSync,
  renameSync,
  readdirSync,
  utimesSync,
} from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { AppError } from '../../kernel/errors.js';

export interface StoredBlob {
  sha256: string;
  size: number;
  path: string;
}

/**
 * Content-addressed file store on disk (SHA-256): an upload streams to a temporary file while
 * its hash and size are computed, then moves into place. Same content, same file.
 * The interface is small so that S3-compatible storage can stand in later.
 */
export interface BlobStore {
  put(stream: Readable, options: { maxBytes: number }): Promise<StoredBlob>;
  /** A file on this machine with the blob's content (object storage: a verified copy in the local cache). */
  localPath(sha256: string): Promise<string>;
  open(sha256: string): Promise<Readable>;
  exists(sha256: string): Promise<boolean>;
  /**
   * Deletes a blob (no error when it is already gone). Content-addressed: the caller first makes sure nothing
   * else references the same content (`data.releaseBlob` does).
   */
  remove(sha256: string): Promise<void>;
  /**
   * Deletes a blob unless it was written at or after `since`: `put` of content already stored counts as a write.
   * An upload puts its file before it records the hash, so a blob nothing references yet may be about to be
   * (Git spares recent loose objects from `gc` for the same reason). `gone` when it was deleted or was not there,
   * `recent` when it was spared.
   */
  removeUnlessWrittenSince(sha256: string, since: Date): Promise<'gone' | 'recent'>;
  /**
   * Removes the temporary files of uploads that stopped being written `olderThanMs` ago: a process killed
   * mid-upload leaves its partial file behind. The age spares uploads that another process still writes.
   */
  sweepTemporary(olderThanMs: number): number;
}

export function createDiskBlobStore(root: string): BlobStore {
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const pathOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('bad_request', 'Invalid file hash');
    return join(root, sha256.slice(0, 2), sha256.slice(2));
  };
  return {
    async put(stream, { maxBytes }) {
      const temporary = join(tmp, randomBytes(12).toString('hex'));
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) {
            done(new AppError('payload_too_large', `The file is larger than the limit of ${maxBytes} bytes`));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      // A source that closed before its end (a multipart part cut short, a dropped connection) would leave the
      // pipeline waiting forever for data that will not come.
      const cutShort = () => new AppError('bad_request', 'The upload ended before the whole file arrived');
      if (stream.destroyed && !stream.readableEnded) throw cutShort();
      const onClose = () => {
        if (!stream.readableEnded) meter.destroy(cutShort());
      };
      stream.once('close', onClose);
      try {
        await pipeline(stream, meter, createWriteStream(temporary));
        // Multipart streams signal truncation instead of failing.
        if ((stream as Readable & { truncated?: boolean }).truncated)
          throw new AppError('payload_too_large', `The file is larger than the limit of ${maxBytes} bytes`);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      } finally {
        stream.off('close', onClose);
      }
      const sha256 = hash.digest('hex');
      const final = pathOf(sha256);
      mkdirSync(join(final, '..'), { recursive: true });
      if (existsSync(final)) {
        rmSync(temporary, { force: true });
        // Written again: a purge of the same content must now spare it (removeUnlessWrittenSince).
        const now = new Date();
        utimesSync(final, now, now);
      } else renameSync(temporary, final);
      return { sha256, size: statSync(final).size, path: final };
    },
    localPath: async (sha256) => pathOf(sha256),
    open: async (sha256) => createReadStream(pathOf(sha256)),
    exists: async (sha256) => existsSync(pathOf(sha256)),
    remove: async (sha256) => rmSync(pathOf(sha256), { force: true }),
    async removeUnlessWrittenSince(sha256, since) {
      // Synchronous from the check to the removal: no `put` of this process runs in between.
      const path = pathOf(sha256);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat && stat.mtimeMs >= since.getTime()) return 'recent';
      rmSync(path, { force: true });
      return 'gone';
    },
    sweepTemporary(olderThanMs) {
      let removed = 0;
      const before = Date.now() - olderThanMs;
      for (const name of readdirSync(tmp)) {
        const file = join(tmp, name);
        const stat = statSync(file, { throwIfNoEntry: false });
        if (stat && stat.mtimeMs < before) {
          rmSync(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
