/**
 * A real S3-protocol server for tests: @20minutes/s3rver (npm, a maintained fork of s3rver that implements Signature V4 checks), which checks every request's AWS Signature V4 against its
 * account (access key `S3RVER`, secret `S3RVER`) and answers SignatureDoesNotMatch otherwise. One per test file,
 * on a free port, storing under a temporary directory; `stop()` / `start()` take it down and bring it back on the
 * same port (the "object store down" cases).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import S3rver from '@20minutes/s3rver';
import type { S3Settings } from '../data/resources/blobs-s3.js';

export interface TestS3 {
  settings: S3Settings;
  /** The config overrides that make an app use this server. */
  config: { s3: Omit<S3Settings, 'prefix'>; s3Prefix: string };
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'multitude-s3-'));
  const bucket = 'multitude';
  let port = 0;
  let server: S3rver | undefined;
  const start = async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      vhostBuckets: false,
      configureBuckets: [{ name: bucket }],
    });
    port = (await server.run()).port;
  };
  const stop = async () => {
    const running = server;
    server = undefined;
    if (!running?.httpServer) return;
    running.httpServer.closeAllConnections();
    await running.close();
  };
  await start();
  const base = {
    url: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
  };
  const prefix = `t${randomBytes(4).toString('hex')}/`;
  return {
    settings: { ...base, prefix },
    config: { s3: base, s3Prefix: prefix },
    start,
    stop,
    cleanup: async () => {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
