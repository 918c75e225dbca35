import type { Readable } from 'node:stream';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Cell, SourceDialect, TableSchema } from '../table-schema.js';
import type { BlobStore } from './blobs.js';
import type { DataStore, JobRow } from '../store.js';
import type { Rejection } from './store.js';
import { inspect, readRows, ImportError, importMessage, type ImportMessage } from '../import/index.js';
import { createTabularStore, diffTables, type QueryCache } from '../tables/index.js';
import type { Dialect } from '../../db/database.js';
import { withBoundedHeapGrowth } from '../../kernel/heap.js';
import type { Columnar, ColumnarImportSink } from '../tables/columnar.js';

/** What an import job needs, stored with the job so that a restarted process can run it again. */
export interface ImportInput {
  versionId: string;
  sha256?: string;
  url?: string;
  fileName?: string;
  mediaType?: string;
  schema?: TableSchema;
  dialect?: Partial<SourceDialect>;
  /** The publisher chose to publish even an empty or lossy version. */
  force?: boolean;
}

/** The share of rejected rows above which a new version does not go live, unless the resource sets its own. */
export const DEFAULT_MAX_REJECTED_SHARE = 0.1;

/**
 * What an import did. Warnings and rejection reasons carry a stable code and parameters beside the English text
 * (`message`, `reason`): see data/import/messages.ts. Reports written before that have warnings as plain strings.
 */
export interface ImportReport {
  rowsImported: number;
  rowsRejected: number;
  rejectedSample: Rejection[];
  warnings: ImportMessage[];
  dialect?: SourceDialect;
  fields?: number;
  durationMs: number;
  /** Reading, typing and inserting; then building the indexes and the full-text index. */
  timings?: { loadMs: number; indexMs?: number };
  error?: string;
  /** The import error's code (`no_rows`, `too_many_rejected`, …) when the file was refused as a whole. */
  errorCode?: string;
}

/**
 * Rows per insert transaction (and per write to the columnar copy's CSV). 2,000 rather than 5,000: a batch then
 * mostly dies in V8's young generation instead of being promoted, and the old generation a 1M-row import leaves
 * behind (garbage until a major GC, present through the index builds and the columnar build) was ~50 MB smaller,
 * with the same rows/s.
 */
const BATCH_ROWS = 2000;
const PROGRESS_EVERY_MS = 250;
const SAMPLE_REJECTIONS = 100;
/** A job whose process died this many times while running it ends failed instead of being tried again. */
export const MAX_IMPORT_ATTEMPTS = 3;
/** A version's table and its derived tables (`…_fts` and FTS5's shadow tables on SQLite). */
const VERSION_TABLE = /^(rows_[0-9a-z]{26})(?:_|$)/;
/** An upload's temporary file not written for this long belongs to a dead process (a live one writes on). */
const TEMPORARY_FILE_AGE_MS = 60 * 60 * 1000;
const STOPPED = 'The server stopped during the import; it will run again at the next start';
/** How long a claimed job stays its holder's without a renewal (MULTITUDE_JOB_LEASE_MS); renewed every third. */
export const DEFAULT_JOB_LEASE_MS = 15_000;
/** How often an idle runner looks for jobs queued by other instances or left by a dead one. */
const POLL_MS = 2_000;
/**
 * The lease taken before a SQLite finalize (index builds on a writer thread): the heartbeat's write on the main
 * connection would wait there, event loop held, for the index statement in progress (seconds on a large table), so
 * it is silent until the finalize ends. A process that dies meanwhile requeues the job at its next start anyway.
 */
const FINALIZE_LEASE_MS = 30 * 60_000;

/** Another instance claimed the job (this one's lease ended): this holder stops without writing anything. */
class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`The lease of job ${jobId} passed to another instance`);
  }
}

export interface ImportRunnerDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  store: DataStore;
  blobs: BlobStore;
  events: EventRecorder;
  clock: Clock;
  maxUploadBytes: number;
  /** Fetches a remote file (URL resources); throws a clear error when it does not answer. */
  fetchRemote: (url: string, maxBytes: number) => Promise<Readable>;
  /** The query results cache, invalidated when a table is written or dropped. */
  queryCache: QueryCache;
  /** The SQLite database file, where indexes are built off the event loop (none on PostgreSQL). */
  sqliteFile?: string;
  logger?: { warn(o: object, m: string): void; info(o: object, m: string): void };
  /** The DuckDB copies: an import writes its rows for the copy in the same pass, built once the version is live. */
  columnar?: Columnar;
  /** Lease of a claimed job, in ms (DEFAULT_JOB_LEASE_MS). */
  jobLeaseMs?: number;
  /** This instance's name in `jobs.lease_owner`. */
  instanceId?: string;
}

/** Physical table of a resource version. */
/** `_id` is the row id of every table; a source column of that name is published as `_id_source`. */
function reserveRowId(schema: TableSchema): TableSchema {
  if (!schema.fields.some((f) => f.name.toLowerCase() === '_id')) return schema;
  return {
    ...schema,
    fields: schema.fields.map((f) =>
      f.name.toLowerCase() === '_id' ? { ...f, name: '_id_source', title: f.title ?? f.name } : f,
    ),
  };
}

export const tableNameOf = (versionId: string) => `rows_${versionId.replace(/^ver_/, '')}`;

/**
 * Runs import jobs one at a time, in the background: the file is read as a stream into a new
 * table; only when everything succeeded does the new version become live, in one transaction.
 * A failed import drops its table and leaves the previous version live.
 */
export function createImportRunner(deps: ImportRunnerDeps) {
  const { db, store, clock } = deps;
  const tabular = createTabularStore(deps.dialect, { cache: deps.queryCache, sqliteFile: deps.sqliteFile });
  let running: Promise<void> | undefined;
  let stopped = false;
  let poll: NodeJS.Timeout | undefined;
  const leaseMs = deps.jobLeaseMs ?? DEFAULT_JOB_LEASE_MS;
  const owner = deps.instanceId ?? `${hostname()}:${process.pid}`;
  const leaseEnd = () => new Date(clock.now().getTime() + leaseMs).toISOString();
  // Jobs that failed since the last drain (a bounded few: nothing drains in production).
  let failedJobs: Array<{ id: string; error: string | null }> = [];
  const now = () => clock.now().toISOString();

  async function download(
    job: JobRow,
    input: ImportInput,
    write: (trx: Kysely<Database>, patch: Partial<JobRow>) => Promise<void>,
  ): Promise<string> {
    if (input.sha256) return input.sha256;
    const stream = await deps.fetchRemote(input.url!, deps.maxUploadBytes);
    const blob = await deps.blobs.put(stream, { maxBytes: deps.maxUploadBytes });
    await db.transaction().execute(async (trx) => {
      await write(trx, { input: JSON.stringify({ ...input, sha256: blob.sha256 }) });
      await store.updateVersion(trx, input.versionId, { sha256: blob.sha256, byteSize: blob.size });
    });
    return blob.sha256;
  }

  /**
   * Runs a claimed job under its fencing token: every write of this holder (progress, each batch of rows, the
   * result) first checks the token in the same transaction, and a heartbeat renews the lease. When another instance
   * claimed the job since (this one stalled past its lease), the check fails, the transaction rolls back and this
   * holder stops without touching the version, its table or the job.
   */
  async function run(job: JobRow): Promise<void> {
    const fence = Number(job.fence);
    let lost = false;
    let quiet = false;
    const write = async (trx: Kysely<Database>, patch: Partial<JobRow>) => {
      if (!(await store.fenceJob(trx, job.id, fence, patch))) {
        lost = true;
        throw new LeaseLost(job.id);
      }
    };
    const heartbeat = setInterval(
      () => {
        if (lost || quiet) return;
        void store
          .fenceJob(db, job.id, fence, { leaseUntil: leaseEnd() })
          .then((held) => void (held || (lost = true)))
          .catch(() => undefined);
      },
      Math.max(200, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      // While a SQLite finalize runs on its writer thread, no heartbeat: a longer lease taken before covers it.
      const quietly = async (work: () => Promise<void>) => {
        if (!deps.sqliteFile) return work();
        await write(db, { leaseUntil: new Date(clock.now().getTime() + FINALIZE_LEASE_MS).toISOString() });
        quiet = true;
        try {
          await work();
        } finally {
          quiet = false;
        }
        await write(db, { leaseUntil: leaseEnd() });
      };
      await withBoundedHeapGrowth(() => runHeld(job, write, () => lost, quietly));
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function runHeld(
    job: JobRow,
    write: (trx: Kysely<Database>, patch: Partial<JobRow>) => Promise<void>,
    isLost: () => boolean,
    quietly: (work: () => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const started = Date.now();
    const input = readJson<ImportInput>(job.input);
    const version = await store.findVersion(db, input.versionId);
    if (!version)
      return void (await write(db, {
        status: 'failed',
        error: 'The version no longer exists',
        finishedAt: now(),
      }));
    const resource = (await store.findResourceById(db, version.resourceId))!;
    const dataset = (await store.findDatasetById(db, resource.datasetId))!;
    const table = tableNameOf(version.id);
    const report: ImportReport = { rowsImported: 0, rowsRejected: 0, rejectedSample: [], warnings: [], durationMs: 0 };
    let tableCreated = false;
    let sink: ColumnarImportSink | undefined;
    try {
      // A process that died mid-import left this job running: it was requeued at start and runs again from the
      // beginning, over whatever the dead attempt wrote (its half-filled table, its rejections).
      if (Number(job.attempts) > MAX_IMPORT_ATTEMPTS)
        throw new ImportError(
          'interrupted',
          `The server stopped ${MAX_IMPORT_ATTEMPTS} times during this import: it was not tried again. Upload the file again, or split it.`,
        );
      if (Number(job.attempts) > 1) {
        await tabular.dropTable(db, table);
        await store.deleteRejections(db, version.id);
      }
      const sha256 = await download(job, input, write);
      const path = await deps.blobs.localPath(sha256);
      const inspection = await inspect(path, {
        fileName: input.fileName ?? version.fileName ?? undefined,
        mediaType: input.mediaType,
        dialect: input.dialect,
        allowEmpty: input.force,
      });
      // A new upload with the same columns keeps the schema the publisher reviewed (types, primary key).
      const previousLive = resource.currentVersionId
        ? await store.findVersion(db, resource.currentVersionId)
        : undefined;
      const reviewed = previousLive?.tableSchema ? readJson<TableSchema>(previousLive.tableSchema) : undefined;
      const sameColumns =
        reviewed &&
        reviewed.fields.map((f) => f.name).join('\u0000') ===
          reserveRowId(inspection.schema)
            .fields.map((f) => f.name)
            .join('\u0000');
      let schema = reserveRowId(input.schema ?? (sameColumns ? reviewed! : inspection.schema));
      // Only a schema nobody reviewed is re-typed when codes show up below the sample.
      const inferred = !input.schema && !sameColumns;
      report.dialect = inspection.dialect;
      report.warnings = [...inspection.warnings];
      if (!input.schema && sameColumns) report.warnings.push(importMessage('schema.kept'));
      report.fields = schema.fields.length;
      let progress = { bytesRead: 0, totalBytes: Number(version.byteSize ?? 0), rowsRead: 0 };
      for (let pass = 1; ; pass++) {
        // Integer columns holding codes with leading zeros further down than the sample: field index → first line.
        const codes = new Map<number, number>();
        await tabular.createTable(db, table, schema);
        tableCreated = true;
        await sink?.abort();
        sink = deps.columnar?.importSink(table, schema);
        let batch: Cell[][] = [];
        let rejected: Rejection[] = [];
        let lastProgress = 0;
        const flush = async () => {
          // One transaction per batch: fast inserts without holding the database for the whole file.
          // The token is checked first, in the same transaction: a holder whose lease passed on writes no row.
          const rows = batch;
          const rejections = rejected;
          if (rows.length || rejections.length)
            await db.transaction().execute(async (trx) => {
              await write(trx, { leaseUntil: leaseEnd() });
              if (rows.length) await tabular.insertRows(trx, table, schema, rows);
              if (rejections.length) await store.insertRejections(trx, version.id, rejections);
            });
          if (rows.length) await sink?.write(rows);
          batch = [];
          rejected = [];
        };
        for await (const result of readRows(path, inspection.dialect, schema, {
          onProgress: (p) => (progress = p),
          onWarning: (w) => void (report.warnings.length < 50 && report.warnings.push(w)),
          onLeadingZero:
            inferred && pass === 1 ? (field, line) => void (codes.has(field) || codes.set(field, line)) : undefined,
        })) {
          if ('error' in result) {
            report.rowsRejected++;
            const rejection = { line: result.line, reason: result.error, code: result.code, params: result.params };
            rejected.push(rejection);
            if (report.rejectedSample.length < SAMPLE_REJECTIONS) report.rejectedSample.push(rejection);
          } else {
            report.rowsImported++;
            batch.push(result.values);
          }
          if (batch.length >= BATCH_ROWS || rejected.length >= 1000) {
            await flush();
            if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
              lastProgress = Date.now();
              await write(db, {
                rowsRead: report.rowsImported + report.rowsRejected,
                rowsRejected: report.rowsRejected,
                bytesRead: progress.bytesRead,
                totalBytes: progress.totalBytes || null,
              });
            }
          }
          if (stopped) throw new Error(STOPPED);
          if (isLost()) throw new LeaseLost(job.id);
        }
        await flush();
        if (codes.size === 0) break;
        // Read again with those columns as text: "01" must stay "01" (a rare second pass, on inferred schemas only).
        await tabular.dropTable(db, table);
        tableCreated = false;
        await store.deleteRejections(db, version.id);
        Object.assign(report, { rowsImported: 0, rowsRejected: 0, rejectedSample: [] });
        const names = [...codes.keys()].map((i) => `'${schema.fields[i]!.name}'`);
        report.warnings.push(
          importMessage('column.codesAsText', {
            count: names.length,
            columns: names.join(', '),
            line: Math.min(...codes.values()),
          }),
        );
        schema = {
          ...schema,
          fields: schema.fields.map((f, i) => {
            if (!codes.has(i)) return f;
            const { groupChar: _g, decimalChar: _d, ...rest } = f;
            return { ...rest, type: 'string' as const };
          }),
        };
      }
      // A version with nothing in it, or that lost more rows than the resource accepts, never replaces what is
      // live: the job fails with its report (the rejections are listed) unless the publisher forced it.
      const total = report.rowsImported + report.rowsRejected;
      const threshold = resource.maxRejectedShare ?? DEFAULT_MAX_REJECTED_SHARE;
      if (!input.force && report.rowsImported === 0)
        throw new ImportError(
          'no_rows',
          total === 0
            ? 'The file has no data row: the new version was not published (the previous one stays live). Upload it again with "force" to publish an empty version.'
            : `Every row was rejected (${total}): the new version was not published (the previous one stays live). See the rejections, or upload again with "force".`,
        );
      if (!input.force && report.rowsRejected / total > threshold)
        throw new ImportError(
          'too_many_rejected',
          `${report.rowsRejected} of ${total} rows were rejected (${((100 * report.rowsRejected) / total).toFixed(1)} %), more than the ${(100 * threshold).toFixed(1)} % this resource accepts: the new version was not published (the previous one stays live). See the rejections, or upload again with "force".`,
        );
      report.timings = { loadMs: Date.now() - started };
      const indexing = Date.now();
      if (isLost()) throw new LeaseLost(job.id);
      await quietly(() => tabular.finalize(db, table, schema));
      report.timings.indexMs = Date.now() - indexing;
      report.durationMs = Date.now() - started;
      const previous = resource.currentVersionId ? await store.findVersion(db, resource.currentVersionId) : undefined;
      // What changed since the live version, while its table still exists.
      const diff =
        previous?.tableName && previous.tableSchema && previous.status === 'live'
          ? await diffTables(
              db,
              { table: previous.tableName, schema: readJson<TableSchema>(previous.tableSchema) },
              { table, schema },
            ).catch(() => null)
          : null;
      await db.transaction().execute(async (trx) => {
        const at = now();
        // The commit of the result: only the holder of the current token goes on (fencing).
        await write(trx, {
          status: 'succeeded',
          rowsRead: report.rowsImported + report.rowsRejected,
          rowsRejected: report.rowsRejected,
          bytesRead: progress.totalBytes || progress.bytesRead,
          totalBytes: progress.totalBytes || null,
          report: JSON.stringify(report),
          finishedAt: at,
          leaseUntil: null,
        });
        await store.updateVersion(trx, version.id, {
          status: 'live',
          tableName: table,
          tableSchema: JSON.stringify(schema),
          dialect: JSON.stringify(inspection.dialect),
          rowCount: report.rowsImported,
          rejectedCount: report.rowsRejected,
          report: JSON.stringify(report),
          diff: diff && JSON.stringify(diff),
          completedAt: at,
        });
        if (previous) await store.updateVersion(trx, previous.id, { status: 'superseded' });
        await store.updateResource(trx, resource.id, { currentVersionId: version.id, updatedAt: at });
        await store.updateDataset(trx, dataset.id, { updatedAt: at });
        await deps.events.record(trx, {
          type: 'resource.imported',
          actorId: job.createdBy,
          subjectId: resource.id,
          organizationId: dataset.organizationId,
          visibility: dataset.status === 'draft' ? 'organization' : 'public',
          payload: {
            dataset: dataset.slug,
            resource: resource.id,
            version: Number(version.number),
            rows: report.rowsImported,
            rejected: report.rowsRejected,
          },
        });
      });
      deps.events.notify();
      // The columnar copy of the rows just written, in the background (queries use the row store meanwhile).
      sink?.finish();
      // The superseded table is no longer served; its original file stays downloadable.
      if (previous?.tableName) {
        await tabular.dropTable(db, previous.tableName).catch(() => undefined);
        await deps.columnar?.drop(previous.tableName).catch(() => undefined);
      }
    } catch (error) {
      // Another instance holds the job now: its table and rejections are its own; leave everything as it is.
      // (Checked again here: an error of this holder's may come from the new holder dropping the table.)
      if (
        error instanceof LeaseLost ||
        isLost() ||
        !(await store.fenceJob(db, job.id, Number(job.fence), {}).catch(() => false))
      ) {
        await sink?.abort().catch(() => undefined);
        deps.logger?.warn({ job: job.id }, 'import job taken over by another instance; this attempt stopped');
        return;
      }
      if (stopped && error instanceof Error && error.message === STOPPED) {
        // A graceful stop: the job goes back to the queue as it was (any instance runs it again).
        if (tableCreated) await tabular.dropTable(db, table).catch(() => undefined);
        await store.deleteRejections(db, version.id).catch(() => undefined);
        await write(db, { status: 'queued', startedAt: null, attempts: Number(job.attempts) - 1, leaseUntil: null });
        return;
      }
      const message =
        error instanceof ImportError || (error instanceof Error && 'status' in error)
          ? error.message
          : error instanceof Error
            ? `The import failed: ${error.message}`
            : String(error);
      report.error = message;
      if (error instanceof ImportError) report.errorCode = error.code;
      report.durationMs = Date.now() - started;
      await sink?.abort().catch(() => undefined);
      // A dead attempt's half-filled table too (a job that failed for dying too often never created its own).
      if (tableCreated || Number(job.attempts) > 1) await tabular.dropTable(db, table).catch(() => undefined);
      await db.transaction().execute(async (trx) => {
        const at = now();
        await write(trx, {
          status: 'failed',
          error: message,
          report: JSON.stringify(report),
          finishedAt: at,
          leaseUntil: null,
        });
        await store.updateVersion(trx, version.id, {
          status: 'failed',
          report: JSON.stringify(report),
          rowCount: null,
          completedAt: at,
        });
        await deps.events.record(trx, {
          type: 'resource.import_failed',
          actorId: job.createdBy,
          subjectId: resource.id,
          organizationId: dataset.organizationId,
          visibility: 'organization',
          payload: { dataset: dataset.slug, resource: resource.id, error: message },
        });
      });
      deps.events.notify();
      if (!(error instanceof ImportError)) deps.logger?.warn({ job: job.id, err: message }, 'import failed');
    }
  }

  async function loop() {
    for (;;) {
      if (stopped) return;
      const job = await store.claimNextJob(db, {
        now: now(),
        leaseUntil: leaseEnd(),
        owner,
        dialect: deps.dialect,
      });
      if (!job) return;
      await run(job);
      const done = await store.findJob(db, job.id);
      if (done?.status === 'failed') failedJobs = [...failedJobs.slice(-19), { id: job.id, error: done.error }];
    }
  }

  return {
    /** Processes queued jobs now if no loop is running; returns when the queue is empty. */
    kick(): Promise<void> {
      if (!running) {
        running = loop()
          .catch((error: unknown) => deps.logger?.warn({ err: String(error) }, 'import loop failed'))
          .finally(() => {
            running = undefined;
          });
      }
      return running;
    },
    /**
     * Waits until the queue is empty. Throws when a job failed since the last drain (its id and error in the
     * message), unless `allowFailures`: a test expecting a failed import says so. Returns the failed jobs.
     */
    async drain(options: { allowFailures?: boolean } = {}) {
      while (running) await running;
      await this.kick();
      const failed = failedJobs;
      failedJobs = [];
      if (failed.length > 0 && !options.allowFailures) {
        const lines = failed.map((j) => `${j.id}: ${j.error ?? 'no error recorded'}`);
        throw new Error(`Import jobs failed during drain:\n${lines.join('\n')}`);
      }
      return failed;
    },
    async start() {
      stopped = false;
      // No requeue of "running" jobs here: other instances may be running them. A job whose instance died is
      // claimed again, by any instance, once its lease has ended.
      await this.sweep();
      const partial = deps.blobs.sweepTemporary(TEMPORARY_FILE_AGE_MS);
      if (partial) deps.logger?.info({ files: partial }, 'removed partial uploads');
      void this.kick();
      // Jobs queued through other instances, or left by a dead one, are found by polling.
      poll = setInterval(() => void this.kick(), POLL_MS);
      poll.unref();
    },
    /**
     * Drops the version tables that no live or in-progress version owns: left by a process killed mid-import,
     * or a superseded table whose drop failed. Safe beside other instances: an import they run is `importing`.
     */
    async sweep(): Promise<string[]> {
      const owned = new Set((await store.versionsOwningTables(db)).map(tableNameOf));
      const orphans = new Set<string>();
      for (const name of await tabular.listTables(db, 'rows_')) {
        const base = VERSION_TABLE.exec(name)?.[1];
        if (base && !owned.has(base)) orphans.add(base);
      }
      for (const table of orphans) await tabular.dropTable(db, table);
      if (orphans.size) deps.logger?.info({ tables: [...orphans] }, 'dropped orphan import tables');
      return [...orphans];
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      await running;
    },
  };
}
export type ImportRunner = ReturnType<typeof createImportRunner>;
