/**
 * A real PostgreSQL streaming replica of the test cluster, for the read-replica tests: `pg_basebackup -R` into a
 * temporary directory, started on a free port, waited for until it streams, removed afterwards.
 *
 * PostgreSQL refuses to run as root: when the tests run as root, the replica's files belong to the `postgres`
 * user and its commands run through `runuser -u postgres`. What is missing (binaries, a `replication` line in
 * pg_hba.conf, wal_level, the right to replicate) is said by `replicaSupport()`, so that the suite is reported
 * as skipped with the reason — `.ci/run` adds the pg_hba line when it is missing.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface ReplicaSupport {
  ok: boolean;
  /** Why a replica cannot be made here (when not ok). */
  reason?: string;
  bin?: string;
}

export interface PgReplica {
  url: string;
  /** Pauses or resumes WAL replay (the replica falls behind, then catches up). */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops the server at once (as a crash would); the directory stays until `remove()`. */
  stop(): Promise<void>;
  /** Starts it again after `stop()`: it resumes streaming from where it was. */
  start(): Promise<void>;
  remove(): Promise<void>;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL program as a user PostgreSQL accepts (`postgres` when we are root). */
function pgCommand(bin: string, program: string, args: string[]) {
  const path = join(bin, program);
  return asRoot ? run('runuser', ['-u', 'postgres', '--', path, ...args]) : run(path, args);
}

/** Can a streaming replica of `primaryUrl` be made on this machine? If not, why. */
export async function replicaSupport(primaryUrl: string | undefined): Promise<ReplicaSupport> {
  if (!primaryUrl) return { ok: false, reason: 'no MULTITUDE_TEST_DATABASE_URL' };
  let settings;
  try {
    settings = await query<{ version: string; wal_level: string; senders: string; can: boolean; hba: boolean }>(
      primaryUrl,
      `SELECT current_setting('server_version_num') AS version, current_setting('wal_level') AS wal_level,
              current_setting('max_wal_senders') AS senders,
              (SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user) AS can,
              EXISTS (SELECT 1 FROM pg_hba_file_rules
                       WHERE 'replication' = ANY(database) AND type IN ('host', 'hostnossl')
                         AND auth_method = 'trust') AS hba`,
    );
  } catch (error) {
    return { ok: false, reason: `cannot inspect the test cluster: ${(error as Error).message}` };
  }
  const s = settings[0]!;
  const major = String(Math.floor(Number(s.version) / 10000));
  const bin = `/usr/lib/postgresql/${major}/bin`;
  if (!['pg_basebackup', 'pg_ctl', 'postgres'].every((p) => existsSync(join(bin, p))))
    return { ok: false, reason: `PostgreSQL ${major} binaries missing in ${bin}` };
  if (s.wal_level === 'minimal') return { ok: false, reason: 'wal_level=minimal on the test cluster (replica needed)' };
  if (Number(s.senders) < 2) return { ok: false, reason: 'max_wal_senders < 2 on the test cluster' };
  if (!s.can) return { ok: false, reason: 'the test user may not replicate (needs REPLICATION or superuser)' };
  if (!s.hba)
    return {
      ok: false,
      reason: 'pg_hba.conf of the test cluster has no `host replication all 127.0.0.1/32 trust` line (.ci/run adds it)',
    };
  if (asRoot) {
    try {
      await run('runuser', ['-u', 'postgres', '--', 'true']);
    } catch {
      return { ok: false, reason: 'running as root without a `postgres` user to run the replica as' };
    }
  }
  return { ok: true, bin };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, timeoutMs: number, test: () => Promise<boolean>) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await test()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Makes and starts a streaming replica of the test cluster; the caller removes it. */
export async function startReplica(primaryUrl: string, bin: string): Promise<PgReplica> {
  const primary = new URL(primaryUrl);
  const dir = mkdtempSync(join(tmpdir(), 'multitude-replica-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  const ctl = (...args: string[]) => pgCommand(bin, 'pg_ctl', ['-D', data, ...args]);
  let started = false;
  const remove = async () => {
    if (started) await ctl('-m', 'immediate', 'stop').catch(() => undefined);
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pgCommand(bin, 'pg_basebackup', [
      '-h',
      primary.hostname,
      '-p',
      primary.port || '5432',
      '-U',
      decodeURIComponent(primary.username) || 'postgres',
      '-D',
      data,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    // Debian keeps the configuration outside the data directory: the replica gets its own.
    const conf = [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'hot_standby = on',
      // Conflicting queries wait for replay instead of being cancelled at once (paused replay still wins).
      'max_standby_streaming_delay = 30s',
      'wal_receiver_status_interval = 1s',
      // max_connections and the like stay as the primary's: a hot standby may not have fewer.
      'shared_buffers = 16MB',
      'logging_collector = off',
    ];
    // A configuration in the data directory (not on Debian) is kept, with ours after it so that ours wins.
    if (existsSync(join(data, 'postgresql.conf')))
      renameSync(join(data, 'postgresql.conf'), join(data, 'primary.conf'));
    conf.unshift(`include_if_exists = 'primary.conf'`);
    writeFileSync(join(data, 'postgresql.conf'), conf.join('\n') + '\n');
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    writeFileSync(join(data, 'pg_ident.conf'), '');
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      for (const name of ['pg_hba.conf', 'pg_ident.conf', 'postgresql.conf'])
        chownSync(join(data, name), Number(stdout.trim()), Number(gid.trim()));
    }
    started = true;
    await ctl('-w', '-t', '60', '-l', join(dir, 'replica.log'), 'start');
  } catch (error) {
    const log = existsSync(join(dir, 'replica.log')) ? readFileSync(join(dir, 'replica.log'), 'utf8').slice(-2000) : '';
    await remove();
    throw new Error(`could not start a replica: ${(error as Error).message}\n${log}`);
  }
  const url = new URL(primaryUrl);
  url.port = String(port);
  url.hostname = '127.0.0.1';
  const replicaUrl = url.toString();
  const caughtUp = async (timeoutMs = 15_000) => {
    const [{ lsn }] = (await query<{ lsn: string }>(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn')) as [
      { lsn: string },
    ];
    await until('the replica to replay the primary', timeoutMs, async () => {
      const [row] = await query<{ done: boolean }>(
        replicaUrl,
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done',
        [lsn],
      );
      return row!.done;
    });
  };
  try {
    await until('the replica to stream', 30_000, async () => {
      const [row] = await query<{ status: string }>(replicaUrl, 'SELECT status FROM pg_stat_wal_receiver');
      return row?.status === 'streaming';
    });
    await caughtUp(30_000);
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    url: replicaUrl,
    pauseReplay: async () => void (await query(replicaUrl, 'SELECT pg_wal_replay_pause()')),
    resumeReplay: async () => void (await query(replicaUrl, 'SELECT pg_wal_replay_resume()')),
    caughtUp,
    async stop() {
      if (started) await ctl('-m', 'immediate', 'stop');
      started = false;
    },
    async start() {
      if (started) return;
      started = true;
      await ctl('-w', '-t', '60', '-l', join(dir, 'replica.log'), 'start');
    },
    remove,
  };
}
