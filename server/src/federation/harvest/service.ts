/**
 * Harvesting: an organization's sources, their runs and reports, the worker that runs them.
 * Contract:
 * - Sources are managed by the organization's owners, admins and editors (those who publish its datasets); runs
 *   and their reports are readable by every member.
 * - A run is a job row claimed with a lease (any instance may run it; a dead process's run is taken again when
 *   its lease ends), one per source at a time. Scheduled sources get a pending run when due; on-demand and
 *   webhook runs join the pending run of their source rather than queueing a second one, and queue one after a
 *   run already running (which may have read the source before the change).
 * - The crawl (crawl.ts) is bounded in pages, records, bytes and time, and ends before anything is written: a run
 *   whose source fails (no page readable, a page unreadable) leaves the datasets exactly as the previous run left
 *   them. Its changes are then applied in batches of `writeBatch` records, one transaction each (SQLite's single
 *   writer is never held for a whole run); a database error mid-way keeps the whole batches written and withdraws
 *   nothing. One bad record is reported with its source id and skipped.
 * - Datasets are keyed by (source, source record id): updated in place when the record's fingerprint changed,
 *   withdrawn (archived) when the source no longer lists them — only after a complete listing, never after a run
 *   that stopped at a bound, and never more than the mass-withdrawal guard allows without the organization's
 *   confirmation (`confirmWithdrawals`).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { Database } from '../../db/schema.js';
import { readBool } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { SecretBox } from '../../kernel/secret-box.js';
import type { EventRecorder } from '../../events/recorder.js';
import { can, type OrganizationAccess } from '../../platform/index.js';
import type { DatasetLookup, HarvestedWriter } from '../../data/index.js';
import { isRecordError, type HarvestedRecord } from '../sources/types.js';
import { crawl, defaultLimits, sourceKinds, type CrawlLimits, type SourceKind } from './crawl.js';
import type { HarvestStore, RecordRow, RunRow, SourceRow } from './store.js';

export interface HarvestReport {
  pages: number;
  records: number;
  errors: { sourceId: string; message: string }[];
  skipped: string[];
  /** Withdrawals the mass-withdrawal guard held back, waiting for the organization's confirmation. */
  heldWithdrawals: number;
}

export interface SourceView {
  id: string;
  organization: string;
  name: string;
  kind: SourceKind;
  url: string;
  intervalMinutes: number | null;
  nextRunAt: string | null;
  enabled: boolean;
  webhook: boolean;
  createdAt: string;
  lastRun: RunView | null;
}

export interface RunView {
  id: string;
  sourceId: string;
  trigger: RunRow['trigger'];
  status: RunRow['status'];
  created: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  errors: number;
  report: HarvestReport;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RecordView {
  sourceRecordId: string;
  sourceUrl: string | null;
  state: RecordRow['state'];
  updatedAt: string;
  dataset: { slug: string; title: string; status: 'draft' | 'published' | 'archived' } | null;
}

export interface AddSourceInput {
  name: string;
  kind: SourceKind;
  url: string;
  intervalMinutes?: number | null;
  webhookSecret?: string | null;
}

export interface HarvestDeps {
  db: Kysely<Database>;
  store: HarvestStore;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  writer: HarvestedWriter;
  /** The data capability's read model: the datasets a source's records fill. */
  datasets: Pick<DatasetLookup, 'byIds'>;
  fetchPublic: (url: string) => Promise<Readable>;
  assertPublicUrl: (url: string) => Promise<URL>;
  secrets: SecretBox;
  limits?: Partial<CrawlLimits>;
  /** How long a claimed run is ours before another instance may take it again. */
  leaseMs?: number;
  pollMs?: number;
  logger?: { warn(o: object, m: string): void; info(o: object, m: string): void };
}

const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/=]{20,200}$/;

export interface UpdateSourceInput {
  name?: string;
  intervalMinutes?: number | null;
  enabled?: boolean;
  webhookSecret?: string | null;
}

/** At most this many record errors are kept in a report (the count stays exact). */
const MAX_REPORTED_ERRORS = 1000;

const fingerprint = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

export function createHarvestService(deps: HarvestDeps) {
  const { db, store, events, clock, access, writer } = deps;
  const limits: CrawlLimits = { ...defaultLimits, ...deps.limits };
  const leaseMs = deps.leaseMs ?? limits.runTimeoutMs + 5 * 60_000;
  const now = () => clock.now().toISOString();

  const runView = (r: RunRow): RunView => ({
    id: r.id,
    sourceId: r.sourceId,
    trigger: r.trigger,
    status: r.status,
    created: Number(r.created),
    updated: Number(r.updated),
    unchanged: Number(r.unchanged),
    withdrawn: Number(r.withdrawn),
    errors: Number(r.errors),
    // Reports written before the guard existed have no heldWithdrawals.
    report: { heldWithdrawals: 0, ...(JSON.parse(r.report) as Partial<HarvestReport>) } as HarvestReport,
    error: r.error,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  });

  async function sourceView(s: SourceRow, organizationSlug: string): Promise<SourceView> {
    const [last] = await store.runsOf(db, s.id, 1);
    return {
      id: s.id,
      organization: organizationSlug,
      name: s.name,
      kind: s.kind,
      url: s.url,
      intervalMinutes: s.intervalMinutes === null ? null : Number(s.intervalMinutes),
      nextRunAt: s.nextRunAt,
      enabled: readBool(s.enabled),
      webhook: s.webhookSecret !== null,
      createdAt: s.createdAt,
      lastRun: last ? runView(last) : null,
    };
  }

  async function organization(slug: string) {
    const org = await access.bySlug(slug);
    if (!org) throw notFound('Organization');
    return org;
  }

  async function assertManager(actor: UserActor, organizationId: string) {
    const role = await access.roleOf(actor, organizationId);
    if (!can(actor, 'dataset.create', { kind: 'organization', id: organizationId, viewerRole: role }))
      throw forbidden('Only owners, admins and editors of the organization manage its harvest sources');
  }

  async function assertMember(actor: Actor, organizationId: string) {
    if (actor.kind !== 'user') throw forbidden('Harvest reports are visible to the organization’s members');
    if (actor.isAdmin) return;
    if (!(await access.roleOf(actor, organizationId)))
      throw forbidden('Harvest reports are visible to the organization’s members');
  }

  async function loadSource(id: string): Promise<SourceRow> {
    const s = await store.source(db, id);
    if (!s) throw notFound('Harvest source');
    return s;
  }

  const slugOf = async (organizationId: string) => (await access.byIds([organizationId]))[0]?.slug ?? '';

  /**
   * The source's pending run, or a new one. A run already running does not count: it may have read the source
   * before the change a webhook announces, so the new run starts after it.
   */
  async function enqueue(source: SourceRow, trigger: RunRow['trigger']): Promise<RunRow> {
    const pending = await store.pendingRun(db, source.id);
    if (pending) return pending;
    const row: RunRow = {
      id: newId('hvr'),
      sourceId: source.id,
      organizationId: source.organizationId,
      trigger,
      status: 'pending',
      attempts: 0,
      leaseUntil: null,
      created: 0,
      updated: 0,
      unchanged: 0,
      withdrawn: 0,
      errors: 0,
      report: JSON.stringify({
        pages: 0,
        records: 0,
        errors: [],
        skipped: [],
        heldWithdrawals: 0,
      } satisfies HarvestReport),
      error: null,
      createdAt: now(),
      startedAt: null,
      finishedAt: null,
    };
    await store.insertRun(db, row);
    if (timer) tick();
    return row;
  }

  type Counts = { created: number; updated: number; unchanged: number; withdrawn: number };

  /** Archives the given records' datasets, `writeBatch` per transaction; returns how many were withdrawn. */
  async function withdrawAll(source: SourceRow, runId: string, records: RecordRow[], counts: Counts) {
    for (let i = 0; i < records.length; i += limits.writeBatch) {
      const batch = records.slice(i, i + limits.writeBatch);
      await db.transaction().execute(async (trx) => {
        const at = now();
        for (const known of batch) {
          await writer.withdraw(trx, known.datasetId);
          await store.updateRecord(trx, source.id, known.sourceRecordId, {
            state: 'withdrawn',
            lastRunId: runId,
            updatedAt: at,
          });
        }
        await store.updateRun(trx, runId, { withdrawn: counts.withdrawn + batch.length });
      });
      counts.withdrawn += batch.length;
    }
  }

  /**
   * Applies a complete or bounded crawl in batches of `writeBatch` records, each batch one transaction that also
   * advances the run's counts (so SQLite's single writer is never held for a whole run, and the report shows
   * progress). Withdrawals come last, only after every record was written and only after a complete listing; a
   * run that would withdraw a large share of the source holds them back (`heldWithdrawals`) until the
   * organization confirms. A database error mid-way fails the run: the batches already written stay (each one is
   * whole, and the next run carries on from them, since records are keyed by their source id), nothing is
   * withdrawn.
   */
  async function apply(source: SourceRow, run: RunRow, result: Awaited<ReturnType<typeof crawl>>) {
    const report: HarvestReport = {
      pages: result.pages,
      records: result.records.length,
      errors: [],
      skipped: [...result.skipped],
      heldWithdrawals: 0,
    };
    let errorCount = 0;
    const error = (sourceId: string, message: string) => {
      errorCount++;
      if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ sourceId, message });
    };
    const counts: Counts = { created: 0, updated: 0, unchanged: 0, withdrawn: 0 };
    const [org] = await access.byIds([source.organizationId]);
    if (!org) throw new Error('The organization of this source no longer exists');
    // One run per source at a time (the lease), so the records read here are not written by anyone else meanwhile.
    const existing = new Map((await store.recordsOf(db, source.id)).map((r) => [r.sourceRecordId, r]));
    const seen = new Set<string>();
    const valid: HarvestedRecord[] = [];
    for (const record of result.records) {
      if (isRecordError(record)) error(record.sourceId, record.error);
      else if (seen.has(record.sourceId))
        error(record.sourceId, 'The source lists this identifier twice: the first record was kept');
      else {
        seen.add(record.sourceId);
        valid.push(record);
      }
    }
    const progress = (): Partial<RunRow> => ({ ...counts, errors: errorCount, report: JSON.stringify(report) });
    let written = 0;
    try {
      for (let i = 0; i < valid.length; i += limits.writeBatch) {
        const batch = valid.slice(i, i + limits.writeBatch);
        // Counted on a copy: a batch that rolls back adds nothing to the counts.
        const next = { ...counts };
        await db.transaction().execute(async (trx) => {
          for (const record of batch) await upsert(trx, org, source, run, existing.get(record.sourceId), record, next);
          await store.updateRun(trx, run.id, { ...next, errors: errorCount, report: JSON.stringify(report) });
        });
        Object.assign(counts, next);
        written += batch.length;
      }
    } catch (e) {
      await fail(
        run,
        source,
        `The run failed after writing ${written} of ${valid.length} records (those stay; nothing was withdrawn): ${e instanceof Error ? e.message : String(e)}`,
        { ...report, skipped: [...report.skipped, 'No dataset was withdrawn: the run did not finish writing'] },
        { ...counts, errors: errorCount },
      );
      return;
    }
    const gone = [...existing.values()].filter((k) => k.state === 'active' && !seen.has(k.sourceRecordId));
    if (gone.length && !result.complete) {
      report.skipped.push('The listing was incomplete: no dataset was withdrawn in this run');
    } else if (gone.length) {
      const active = [...existing.values()].filter((k) => k.state === 'active').length;
      if (gone.length > limits.massWithdrawalMin && gone.length > active * limits.massWithdrawalShare) {
        report.heldWithdrawals = gone.length;
        report.skipped.push(
          `The source no longer lists ${gone.length} of its ${active} datasets: none was withdrawn, in case the source is wrong. Withdraw them anyway from this run if they are really gone.`,
        );
      } else await withdrawAll(source, run.id, gone, counts);
    }
    await db.transaction().execute(async (trx) => {
      await store.updateRun(trx, run.id, {
        status: 'succeeded',
        ...progress(),
        error: null,
        finishedAt: now(),
        leaseUntil: null,
      });
      await events.record(trx, {
        type: 'harvest.run_finished',
        visibility: 'organization',
        actorId: null,
        subjectId: source.id,
        organizationId: source.organizationId,
        payload: {
          runId: run.id,
          sourceId: source.id,
          status: 'succeeded',
          created: counts.created,
          updated: counts.updated,
          withdrawn: counts.withdrawn,
          errors: errorCount,
        },
      });
    });
    events.notify();
  }

  /** Creates, updates or just stamps one record's dataset, in the batch's transaction. */
  async function upsert(
    trx: Kysely<Database>,
    org: { id: string; name: string },
    source: SourceRow,
    run: RunRow,
    known: RecordRow | undefined,
    record: HarvestedRecord,
    counts: Counts,
  ) {
    const at = now();
    const print = fingerprint(record);
    const dataset = {
      title: record.title,
      description: record.description,
      keywords: record.keywords,
      license: record.license,
      contactName: record.contactName,
      contactEmail: record.contactEmail,
      resources: record.resources,
    };
    if (known && known.fingerprint === print && known.state === 'active') {
      counts.unchanged++;
      await store.updateRecord(trx, source.id, record.sourceId, { lastRunId: run.id });
      return;
    }
    const fields = { fingerprint: print, state: 'active' as const, sourceUrl: record.sourceUrl, lastRunId: run.id };
    if (known && (await writer.update(trx, org, known.datasetId, dataset))) {
      counts.updated++;
      await store.updateRecord(trx, source.id, record.sourceId, { ...fields, updatedAt: at });
      return;
    }
    const created = await writer.create(trx, org, dataset, record.sourceId);
    counts.created++;
    if (known)
      await store.updateRecord(trx, source.id, record.sourceId, { ...fields, datasetId: created.id, updatedAt: at });
    else
      await store.insertRecord(trx, {
        sourceId: source.id,
        sourceRecordId: record.sourceId,
        datasetId: created.id,
        ...fields,
        updatedAt: at,
      });
  }

  async function fail(
    run: RunRow,
    source: SourceRow | undefined,
    message: string,
    report?: Partial<HarvestReport>,
    counts?: Partial<Counts> & { errors?: number },
  ) {
    await db.transaction().execute(async (trx) => {
      await store.updateRun(trx, run.id, {
        status: 'failed',
        ...counts,
        error: message.slice(0, 2000),
        report: JSON.stringify({ pages: 0, records: 0, errors: [], skipped: [], heldWithdrawals: 0, ...report }),
        finishedAt: now(),
        leaseUntil: null,
      });
      if (source)
        await events.record(trx, {
          type: 'harvest.run_finished',
          visibility: 'organization',
          actorId: null,
          subjectId: source.id,
          organizationId: source.organizationId,
          payload: {
            runId: run.id,
            sourceId: source.id,
            status: 'failed',
            created: counts?.created ?? 0,
            updated: counts?.updated ?? 0,
            withdrawn: 0,
            errors: counts?.errors ?? 0,
          },
        });
    });
    events.notify();
  }

  /** Runs one claimable run, if any; false when there was none. */
  async function runOnce(): Promise<boolean> {
    await schedule();
    for (const id of await store.claimable(db, now(), 5)) {
      const at = clock.now();
      if (!(await store.claim(db, id, at.toISOString(), new Date(at.getTime() + leaseMs).toISOString()))) continue;
      const run = (await store.run(db, id))!;
      const source = await store.source(db, run.sourceId);
      if (!source) {
        await fail(run, undefined, 'The source was removed');
        return true;
      }
      try {
        const result = await crawl(source.kind, source.url, deps.fetchPublic, limits);
        const unreadable = result.skipped.find((s) => s.startsWith('Page '));
        if (unreadable) {
          // A page that could not be read: what it held is unknown, so nothing changes (the previous state stays).
          await fail(run, source, `The run stopped: ${unreadable}. Nothing was changed.`, {
            pages: result.pages,
            records: result.records.length,
            skipped: result.skipped,
          });
        } else await apply(source, run, result);
      } catch (error) {
        deps.logger?.warn({ err: String(error), runId: run.id }, 'harvest run failed');
        await fail(
          run,
          source,
          `The run failed and changed nothing: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return true;
    }
    return false;
  }

  /** Gives every due scheduled source a pending run and moves its next time forward. */
  async function schedule() {
    const at = clock.now();
    for (const s of await store.dueSources(db, at.toISOString())) {
      const next = s.intervalMinutes ? new Date(at.getTime() + Number(s.intervalMinutes) * 60_000).toISOString() : null;
      await store.updateSource(db, s.id, { nextRunAt: next });
      if (readBool(s.enabled)) await enqueue(s, 'schedule');
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = current
      .then(async () => {
        while (await runOnce());
      })
      .catch((e: unknown) => deps.logger?.warn({ err: String(e) }, 'harvest worker failed'));
  };

  return {
    async addSource(actor: UserActor, organizationSlug: string, input: AddSourceInput): Promise<SourceView> {
      const org = await organization(organizationSlug);
      await assertManager(actor, org.id);
      if (!sourceKinds.includes(input.kind)) throw invalid('kind', `Unknown source kind ${input.kind}`);
      const name = input.name.trim();
      if (!name) throw invalid('name', 'Give the source a name');
      await deps.assertPublicUrl(input.url);
      if (input.webhookSecret && input.kind !== 'multitude')
        throw invalid('webhookSecret', 'Only a Multitude source sends webhooks');
      if (input.webhookSecret && !WEBHOOK_SECRET.test(input.webhookSecret))
        throw invalid('webhookSecret', 'A Standard Webhooks secret starts with whsec_');
      const at = now();
      const row: SourceRow = {
        id: newId('hvs'),
        organizationId: org.id,
        name,
        kind: input.kind,
        url: input.url,
        intervalMinutes: input.intervalMinutes ?? null,
        nextRunAt: input.intervalMinutes ? at : null,
        enabled: 1,
        webhookSecret: input.webhookSecret ? deps.secrets.seal(input.webhookSecret) : null,
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      };
      await db.transaction().execute(async (trx) => {
        await store.insertSource(trx, { ...row, enabled: 1 });
        await events.record(trx, {
          type: 'harvest.source_added',
          visibility: 'organization',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: org.id,
          payload: { sourceId: row.id, name, kind: row.kind, url: row.url },
        });
      });
      events.notify();
      return sourceView(row, org.slug);
    },

    async listSources(actor: Actor, organizationSlug: string): Promise<SourceView[]> {
      const org = await organization(organizationSlug);
      await assertMember(actor, org.id);
      return Promise.all((await store.sourcesOf(db, org.id)).map((s) => sourceView(s, org.slug)));
    },

    async getSource(actor: Actor, id: string): Promise<SourceView> {
      const s = await loadSource(id);
      await assertMember(actor, s.organizationId);
      return sourceView(s, await slugOf(s.organizationId));
    },

    /** Renames, reschedules, pauses or resumes a source, or sets the secret of the webhooks that trigger it. */
    async updateSource(actor: UserActor, id: string, patch: UpdateSourceInput): Promise<SourceView> {
      const s = await loadSource(id);
      await assertManager(actor, s.organizationId);
      const changes: Partial<SourceRow> = { updatedAt: now() };
      if (patch.name !== undefined) {
        if (!patch.name.trim()) throw invalid('name', 'Give the source a name');
        changes.name = patch.name.trim();
      }
      if (patch.intervalMinutes !== undefined) {
        changes.intervalMinutes = patch.intervalMinutes;
        changes.nextRunAt = patch.intervalMinutes ? now() : null;
      }
      if (patch.enabled !== undefined) changes.enabled = patch.enabled ? 1 : 0;
      if (patch.webhookSecret !== undefined) {
        if (patch.webhookSecret && s.kind !== 'multitude')
          throw invalid('webhookSecret', 'Only a Multitude source sends webhooks');
        if (patch.webhookSecret && !WEBHOOK_SECRET.test(patch.webhookSecret))
          throw invalid('webhookSecret', 'A Standard Webhooks secret starts with whsec_');
        changes.webhookSecret = patch.webhookSecret ? deps.secrets.seal(patch.webhookSecret) : null;
      }
      const { enabled, ...rest } = changes;
      await store.updateSource(db, s.id, { ...rest, ...(enabled === undefined ? {} : { enabled: enabled ? 1 : 0 }) });
      return sourceView((await store.source(db, s.id))!, await slugOf(s.organizationId));
    },

    /** Stops harvesting a source; its datasets stay as they are (no longer updated). */
    async removeSource(actor: UserActor, id: string): Promise<void> {
      const s = await loadSource(id);
      await assertManager(actor, s.organizationId);
      await db.transaction().execute(async (trx) => {
        await store.deleteSource(trx, s.id);
        await events.record(trx, {
          type: 'harvest.source_removed',
          visibility: 'organization',
          actorId: actor.userId,
          subjectId: s.id,
          organizationId: s.organizationId,
          payload: { sourceId: s.id, name: s.name },
        });
      });
      events.notify();
    },

    /** Asks for a run now (or returns the one already waiting or running). */
    async requestRun(actor: UserActor, id: string): Promise<RunView> {
      const s = await loadSource(id);
      await assertManager(actor, s.organizationId);
      return runView(await enqueue(s, 'manual'));
    },

    async listRuns(actor: Actor, id: string, limit = 20): Promise<RunView[]> {
      const s = await loadSource(id);
      await assertMember(actor, s.organizationId);
      return (await store.runsOf(db, s.id, limit)).map(runView);
    },

    /** The datasets a source filled (its records, latest changed first), for its members. */
    async listRecords(actor: Actor, id: string, limit = 100): Promise<{ items: RecordView[]; total: number }> {
      const s = await loadSource(id);
      await assertMember(actor, s.organizationId);
      const page = await store.recordsPage(db, s.id, limit);
      const datasets = new Map(
        (await deps.datasets.byIds([...new Set(page.items.map((r) => r.datasetId))])).map((d) => [d.id, d]),
      );
      return {
        total: page.total,
        items: page.items.map((r) => {
          const d = datasets.get(r.datasetId);
          return {
            sourceRecordId: r.sourceRecordId,
            sourceUrl: r.sourceUrl,
            state: r.state,
            updatedAt: r.updatedAt,
            dataset: d ? { slug: d.slug, title: d.title, status: d.status } : null,
          };
        }),
      };
    },

    async getRun(actor: Actor, runId: string): Promise<RunView> {
      const r = await store.run(db, runId);
      if (!r) throw notFound('Harvest run');
      await assertMember(actor, r.organizationId);
      return runView(r);
    },

    /**
     * "Withdraw anyway": applies the withdrawals the mass-withdrawal guard held back in a run. Only for the source's
     * latest run, with no run open: the datasets withdrawn are those still active that this run did not see.
     */
    async confirmWithdrawals(actor: UserActor, runId: string): Promise<RunView> {
      const run = await store.run(db, runId);
      if (!run) throw notFound('Harvest run');
      await assertManager(actor, run.organizationId);
      const source = await loadSource(run.sourceId);
      const report = runView(run).report;
      if (run.status !== 'succeeded' || report.heldWithdrawals === 0)
        throw conflict('This run holds no withdrawal to confirm');
      const [latest] = await store.runsOf(db, source.id, 1);
      if (latest?.id !== run.id || (await store.openRun(db, source.id)))
        throw conflict('A later run exists: confirm the withdrawals from the latest run');
      const gone = (await store.recordsOf(db, source.id)).filter((r) => r.state === 'active' && r.lastRunId !== run.id);
      const counts: Counts = {
        created: Number(run.created),
        updated: Number(run.updated),
        unchanged: Number(run.unchanged),
        withdrawn: Number(run.withdrawn),
      };
      await withdrawAll(source, run.id, gone, counts);
      const at = now();
      await store.updateRun(db, run.id, {
        report: JSON.stringify({
          ...report,
          heldWithdrawals: 0,
          skipped: [
            ...report.skipped,
            `${gone.length} datasets withdrawn anyway at the organization’s request (${at})`,
          ],
        }),
      });
      events.notify();
      return runView((await store.run(db, run.id))!);
    },

    /**
     * A webhook from the followed Multitude instance (a dataset changed there): verified with the source's
     * Standard Webhooks secret, then a run is queued (or joins the open one) instead of waiting for the schedule.
     */
    async receiveWebhook(id: string, headers: Record<string, string>, body: string): Promise<RunView> {
      const s = await store.source(db, id);
      if (!s || !s.webhookSecret) throw notFound('Harvest source');
      try {
        new Webhook(deps.secrets.open(s.webhookSecret)).verify(body, headers);
      } catch {
        throw new AppError('unauthenticated', 'The webhook signature does not verify');
      }
      if (!readBool(s.enabled)) throw conflict('This source is disabled');
      return runView(await enqueue(s, 'webhook'));
    },

    runOnce,
    /** Runs every due run now (tests). */
    async drain(): Promise<void> {
      await current;
      while (await runOnce());
    },
    start() {
      if (timer) return;
      timer = setInterval(tick, deps.pollMs ?? 5000);
      timer.unref();
      tick();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await current;
    },
    /** Federation's read model: which source filled a dataset. */
    recordOfDataset: (datasetId: string) => store.recordOfDataset(db, datasetId),
  };
}
export type HarvestService = ReturnType<typeof createHarvestService>;
