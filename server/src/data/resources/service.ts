import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import type { BlobStore } from './blobs.js';
import type { DataStore, DatasetRow, JobRow, ResourceRow, VersionRow } from '../store.js';
import type { DatasetService } from '../datasets/service.js';
import type { ImportInput, ImportRunner } from './import-runner.js';
import type { CreateUrlResourceBody, JobView, ResourceView, VersionView } from './schema.js';
import type { TableSchema } from '../table-schema.js';
import { fieldTypes } from '../table-schema.js';
import { detectFormat, mediaTypes, TABULAR } from './formats.js';
import { jobView, resourceView, versionView } from './views.js';

export interface UploadedFile {
  stream: Readable;
  fileName: string;
  mediaType?: string;
}

export interface ResourceServiceDeps {
  db: Kysely<Database>;
  store: DataStore;
  datasets: DatasetService;
  blobs: BlobStore;
  events: EventRecorder;
  clock: Clock;
  runner: ImportRunner;
  maxUploadBytes: number;
  assertPublicUrl: (url: string) => Promise<unknown>;
  directory: Pick<Directory, 'usersByIds'>;
}

/** Who a new resource is for: the publisher's own, or a community resource shared by its owner. */
type Origin = { community: false } | { community: true; ownerId: string };

/** What the rows API needs to query a resource's live table. */
export interface LiveTable {
  datasetId: string;
  organizationId: string | null;
  resourceId: string;
  versionId: string;
  table: string;
  schema: TableSchema;
  /** The column the publisher chose as a row's title (null: the automatic choice; see community rowLabel). */
  titleColumn: string | null;
  /** The table's write generation (data/tables/generations.ts): 0 until a row write after the import. */
  generation: number;
}

export type OriginalFile = { dataset: DatasetRow; resource: ResourceRow } & (
  | { kind: 'redirect'; url: string }
  | { kind: 'file'; stream: Readable; size: number; fileName: string; mediaType: string; sha256: string }
);

export function createResourceService(deps: ResourceServiceDeps) {
  const { db, store, clock, events } = deps;
  const now = () => clock.now().toISOString();
  // A live version's schema never changes: parse it once.
  const schemas = new Map<string, TableSchema>();

  async function loadResource(actor: Actor, slug: string, id: string) {
    const { row: dataset, editable } = await deps.datasets.load(actor, slug);
    const resource = await store.findResource(db, dataset.id, id);
    if (!resource) throw notFound('Resource');
    return { dataset, resource, editable };
  }

  async function view(resource: ResourceRow): Promise<ResourceView> {
    const version = resource.currentVersionId ? await store.findVersion(db, resource.currentVersionId) : undefined;
    const job = resource.latestJobId ? await store.findJob(db, resource.latestJobId) : undefined;
    const [owner] = resource.community && resource.ownerId ? await deps.directory.usersByIds([resource.ownerId]) : [];
    return resourceView(resource, version, job, clock.now(), owner ? { handle: owner.handle, name: owner.name } : null);
  }

  /** A community resource is changed by its owner only; any other resource by the dataset's editors only. */
  async function assertMayChange(actor: UserActor, slug: string, resource: ResourceRow) {
    if (resource.community) {
      if (resource.ownerId !== actor.userId)
        throw forbidden('Only the member who shared this community resource may change it');
      return;
    }
    await deps.datasets.loadEditable(actor, slug);
  }

  /** A dataset open to community resources: published, and not edited by the actor (editors add resources). */
  async function loadForCommunity(actor: UserActor, slug: string): Promise<DatasetRow> {
    const { row, editable } = await deps.datasets.load(actor, slug);
    if (editable) throw forbidden('You edit this dataset: add your file or link as one of its resources instead');
    if (row.status !== 'published') throw conflict('Only published datasets accept community resources');
    return row;
  }

  function newResource(
    dataset: DatasetRow,
    actor: UserActor,
    origin: Origin,
    fields: Pick<ResourceRow, 'title' | 'description' | 'kind' | 'url' | 'format' | 'mediaType'>,
  ): ResourceRow {
    const at = now();
    return {
      id: newId('res'),
      datasetId: dataset.id,
      ...fields,
      currentVersionId: null,
      latestJobId: null,
      views: 0,
      downloads: 0,
      createdBy: actor.userId,
      createdAt: at,
      updatedAt: at,
      community: origin.community ? 1 : 0,
      ownerId: origin.community ? origin.ownerId : null,
      deletedAt: null,
      maxRejectedShare: null,
      titleColumn: null,
    };
  }

  /** resource.created for the publisher's resources; community_resource.created (always public) for the community's. */
  function createdEvent(
    actor: UserActor,
    dataset: DatasetRow,
    resource: ResourceRow,
    payload: { title: string; format: string | null; url?: string },
  ) {
    return resource.community
      ? {
          type: 'community_resource.created' as const,
          actorId: actor.userId,
          subjectId: resource.id,
          organizationId: dataset.organizationId,
          visibility: 'public' as const,
          payload: { dataset: dataset.slug, resource: resource.id, ...payload },
        }
      : {
          type: 'resource.created' as const,
          actorId: actor.userId,
          subjectId: resource.id,
          organizationId: dataset.organizationId,
          visibility: dataset.status === 'draft' ? ('organization' as const) : ('public' as const),
          payload: { dataset: dataset.slug, ...payload },
        };
  }

  async function createFile(
    actor: UserActor,
    dataset: DatasetRow,
    origin: Origin,
    file: UploadedFile,
    meta: { title?: string; description?: string; force?: boolean },
  ) {
    const blob = await storeUpload(file);
    const format = detectFormat(file.fileName, file.mediaType);
    const resource = newResource(dataset, actor, origin, {
      title: meta.title?.trim() || file.fileName,
      description: meta.description ?? '',
      kind: 'file',
      url: null,
      format,
      mediaType:
        file.mediaType && file.mediaType !== 'application/octet-stream'
          ? file.mediaType
          : format
            ? (mediaTypes[format] ?? null)
            : null,
    });
    const { job } = await db.transaction().execute(async (trx) => {
      await store.insertResource(trx, resource);
      const added = await addVersion(trx, actor, resource, {
        sha256: blob.sha256,
        size: blob.size,
        fileName: file.fileName,
        mediaType: resource.mediaType ?? undefined,
        format,
        force: meta.force,
      });
      await events.record(trx, createdEvent(actor, dataset, resource, { title: resource.title, format }));
      return added;
    });
    return finish(resource, job);
  }

  async function createUrl(actor: UserActor, dataset: DatasetRow, origin: Origin, body: CreateUrlResourceBody) {
    await deps.assertPublicUrl(body.url);
    const format = body.format?.toUpperCase() ?? detectFormat(new URL(body.url).pathname);
    const resource = newResource(dataset, actor, origin, {
      title: body.title.trim(),
      description: body.description ?? '',
      kind: 'url',
      url: body.url,
      format,
      mediaType: format ? (mediaTypes[format] ?? null) : null,
    });
    const { job } = await db.transaction().execute(async (trx) => {
      await store.insertResource(trx, resource);
      // A remote table is fetched and imported; any other link is published as a link.
      const added =
        format && TABULAR.has(format)
          ? await addVersion(trx, actor, resource, {
              url: body.url,
              format,
              fileName: new URL(body.url).pathname.split('/').pop() || undefined,
            })
          : {};
      await events.record(
        trx,
        createdEvent(actor, dataset, resource, { title: resource.title, format, url: body.url }),
      );
      return added as { job?: JobRow };
    });
    return finish(resource, job);
  }

  /** A new version of a resource from a stored file; tabular formats get an import job. */
  async function addVersion(
    trx: Kysely<Database>,
    actor: UserActor,
    resource: ResourceRow,
    file: {
      sha256?: string;
      size?: number;
      fileName?: string;
      mediaType?: string;
      url?: string;
      format: string | null;
      /** Publish even with no row or more rejections than the resource's threshold. */
      force?: boolean;
    },
    schema?: TableSchema,
  ): Promise<{ version: VersionRow; job?: JobRow }> {
    const at = now();
    const tabular = file.format !== null && TABULAR.has(file.format);
    const version: VersionRow = {
      id: newId('ver'),
      resourceId: resource.id,
      number: await store.nextVersionNumber(trx, resource.id),
      status: tabular ? 'importing' : 'stored',
      sha256: file.sha256 ?? null,
      byteSize: file.size ?? null,
      fileName: file.fileName ?? null,
      mediaType: file.mediaType ?? null,
      format: file.format,
      dialect: null,
      tableSchema: schema ? JSON.stringify(schema) : null,
      tableName: null,
      rowCount: null,
      rejectedCount: null,
      report: null,
      diff: null,
      createdBy: actor.userId,
      createdAt: at,
      completedAt: tabular ? null : at,
    };
    await store.insertVersion(trx, version);
    if (!tabular) {
      // Not tabular: the file itself is the version, live at once.
      if (file.sha256) await store.updateResource(trx, resource.id, { currentVersionId: version.id, updatedAt: at });
      return { version };
    }
    const input: ImportInput = {
      versionId: version.id,
      sha256: file.sha256,
      url: file.sha256 ? undefined : file.url,
      fileName: file.fileName,
      mediaType: file.mediaType,
      schema,
      ...(file.force ? { force: true } : {}),
    };
    const job: JobRow = {
      id: newId('job'),
      kind: 'import',
      status: 'queued',
      resourceId: resource.id,
      versionId: version.id,
      input: JSON.stringify(input),
      rowsRead: 0,
      rowsRejected: 0,
      bytesRead: 0,
      totalBytes: file.size ?? null,
      error: null,
      report: null,
      createdBy: actor.userId,
      createdAt: at,
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      leaseUntil: null,
      leaseOwner: null,
      fence: 0,
    };
    await store.insertJob(trx, job);
    await store.updateResource(trx, resource.id, { latestJobId: job.id, updatedAt: at });
    return { version, job };
  }

  async function storeUpload(file: UploadedFile) {
    const blob = await deps.blobs.put(file.stream, { maxBytes: deps.maxUploadBytes });
    if (blob.size === 0) throw invalid('file', 'The file is empty');
    return blob;
  }

  async function finish(resource: ResourceRow, job?: JobRow): Promise<{ resource: ResourceView; job: JobView | null }> {
    events.notify();
    if (job) void deps.runner.kick();
    const fresh = (await store.findResourceById(db, resource.id))!;
    return { resource: await view(fresh), job: job ? jobView(job, clock.now()) : null };
  }

  return {
    async addFile(
      actor: UserActor,
      slug: string,
      file: UploadedFile,
      meta: { title?: string; description?: string; force?: boolean },
    ) {
      return createFile(actor, await deps.datasets.loadEditable(actor, slug), { community: false }, file, meta);
    },

    async addUrl(actor: UserActor, slug: string, body: CreateUrlResourceBody) {
      return createUrl(actor, await deps.datasets.loadEditable(actor, slug), { community: false }, body);
    },

    /** A file shared by a member of the community on a published dataset they do not edit. */
    async addCommunityFile(
      actor: UserActor,
      slug: string,
      file: UploadedFile,
      meta: { title?: string; description?: string },
    ) {
      return createFile(
        actor,
        await loadForCommunity(actor, slug),
        { community: true, ownerId: actor.userId },
        file,
        meta,
      );
    },

    /** A link shared by a member of the community (same SSRF guard and remote import as the publisher's). */
    async addCommunityUrl(actor: UserActor, slug: string, body: CreateUrlResourceBody) {
      return createUrl(actor, await loadForCommunity(actor, slug), { community: true, ownerId: actor.userId }, body);
    },

    /** Removes a community resource from the dataset (its owner, or the dataset's editors as moderation). Versions and blobs stay. */
    async deleteCommunity(actor: UserActor, slug: string, id: string) {
      const { dataset, resource, editable } = await loadResource(actor, slug, id);
      if (!resource.community) throw notFound('Community resource');
      const byOwner = resource.ownerId === actor.userId;
      if (!byOwner && !editable)
        throw forbidden('Only the member who shared this resource and the editors of the dataset may remove it');
      await db.transaction().execute(async (trx) => {
        const at = now();
        await store.updateResource(trx, resource.id, { deletedAt: at, updatedAt: at });
        await events.record(trx, {
          type: 'community_resource.deleted',
          actorId: actor.userId,
          subjectId: resource.id,
          organizationId: dataset.organizationId,
          // Withdrawn by its owner: public, like its creation. Removed by an editor: a moderation act, kept internal.
          visibility: byOwner ? 'public' : dataset.organizationId ? 'organization' : 'private',
          payload: { dataset: slug, resource: resource.id, title: resource.title, moderated: !byOwner },
        });
      });
      events.notify();
    },

    /** Whether a resource of the dataset is a community one (404 otherwise), for the community routes. */
    async assertCommunity(actor: Actor, slug: string, id: string) {
      const { resource } = await loadResource(actor, slug, id);
      if (!resource.community) throw notFound('Community resource');
    },

    /** Uploads a new version of a resource; the current one stays live until the new one imports. */
    async uploadVersion(actor: UserActor, slug: string, id: string, file: UploadedFile, force = false) {
      const { resource } = await loadResource(actor, slug, id);
      await assertMayChange(actor, slug, resource);
      const blob = await storeUpload(file);
      const format = detectFormat(file.fileName, file.mediaType) ?? resource.format;
      const { job } = await db.transaction().execute((trx) =>
        addVersion(trx, actor, resource, {
          sha256: blob.sha256,
          size: blob.size,
          fileName: file.fileName,
          mediaType: file.mediaType,
          format,
          force,
        }),
      );
      if (format !== resource.format) await store.updateResource(db, resource.id, { format });
      return finish(resource, job);
    },

    /** Re-types a tabular resource: the publisher's edited Table Schema, applied by re-importing the current file. */
    async retype(actor: UserActor, slug: string, id: string, schema: TableSchema, force = false) {
      const { resource } = await loadResource(actor, slug, id);
      await assertMayChange(actor, slug, resource);
      const current = resource.currentVersionId ? await store.findVersion(db, resource.currentVersionId) : undefined;
      if (!current?.tableSchema || !current.sha256)
        throw new AppError('conflict', 'Only a tabular resource that has been imported can be re-typed');
      const before = readJson<TableSchema>(current.tableSchema);
      if (schema.fields.length !== before.fields.length)
        throw invalid('fields', `The schema must keep the ${before.fields.length} columns of the file, in order`);
      schema.fields.forEach((f, i) => {
        if (!fieldTypes.includes(f.type)) throw invalid(`fields.${i}.type`, `Unknown type "${f.type}"`);
      });
      const names = new Set(schema.fields.map((f) => f.name));
      if (names.size !== schema.fields.length) throw invalid('fields', 'Column names must be unique');
      const unknownKey = schema.primaryKey?.find((k) => !names.has(k));
      if (unknownKey) throw invalid('primaryKey', `The primary key names "${unknownKey}", which is not a column`);
      const { job } = await db.transaction().execute((trx) =>
        addVersion(
          trx,
          actor,
          resource,
          {
            sha256: current.sha256!,
            size: current.byteSize ?? undefined,
            fileName: current.fileName ?? undefined,
            mediaType: current.mediaType ?? undefined,
            format: current.format,
            force,
          },
          { ...schema, missingValues: schema.missingValues ?? before.missingValues },
        ),
      );
      return finish(resource, job);
    },

    /**
     * The publisher's settings of a resource: the rejected share above which a new version does not go live,
     * and the column people recognise rows by (a column of the live table; null: the automatic choice).
     */
    async updateSettings(
      actor: UserActor,
      slug: string,
      id: string,
      patch: { maxRejectedShare?: number | null; titleColumn?: string | null },
    ) {
      const { dataset, resource } = await loadResource(actor, slug, id);
      await assertMayChange(actor, slug, resource);
      if (patch.titleColumn) {
        const target = await store.findLiveTarget(db, slug, resource.id);
        const fields = target?.tableSchema ? readJson<TableSchema>(target.tableSchema).fields : [];
        if (!fields.some((f) => f.name === patch.titleColumn))
          throw invalid('titleColumn', `The live table has no column named ${JSON.stringify(patch.titleColumn)}`);
      }
      const next = {
        maxRejectedShare: patch.maxRejectedShare === undefined ? resource.maxRejectedShare : patch.maxRejectedShare,
        titleColumn: patch.titleColumn === undefined ? resource.titleColumn : patch.titleColumn,
      };
      await db.transaction().execute(async (trx) => {
        await store.updateResource(trx, resource.id, { ...next, updatedAt: now() });
        await events.record(trx, {
          type: 'resource.updated',
          actorId: actor.userId,
          subjectId: resource.id,
          organizationId: dataset.organizationId,
          visibility: dataset.status === 'draft' ? 'organization' : 'public',
          payload: { dataset: dataset.slug, resource: resource.id, ...next },
        });
      });
      events.notify();
      return view((await store.findResourceById(db, resource.id))!);
    },

    async get(actor: Actor, slug: string, id: string): Promise<ResourceView> {
      const { resource } = await loadResource(actor, slug, id);
      return view(resource);
    },

    async versions(actor: Actor, slug: string, id: string): Promise<VersionView[]> {
      const { resource } = await loadResource(actor, slug, id);
      return (await store.versionsOf(db, resource.id)).map(versionView);
    },

    async job(actor: Actor, id: string): Promise<JobView> {
      const job = await store.findJob(db, id);
      const resource = job?.resourceId ? await store.findResourceById(db, job.resourceId) : undefined;
      const dataset = resource ? await store.findDatasetById(db, resource.datasetId) : undefined;
      if (!job || !dataset) throw notFound('Job');
      await deps.datasets.load(actor, dataset.slug);
      return jobView(job, clock.now());
    },

    async rejections(actor: Actor, jobId: string, afterLine: number, limit: number) {
      const job = await this.job(actor, jobId);
      if (!job.versionId) return [];
      return store.rejections(db, job.versionId, afterLine, limit);
    },

    /** The original file of the current (or a given) version, to stream to the client. */
    async original(actor: Actor, slug: string, id: string, number?: number): Promise<OriginalFile> {
      const { dataset, resource } = await loadResource(actor, slug, id);
      const version =
        number !== undefined
          ? await store.findVersionByNumber(db, resource.id, number)
          : resource.currentVersionId
            ? await store.findVersion(db, resource.currentVersionId)
            : undefined;
      if (!version?.sha256 || !(await deps.blobs.exists(version.sha256))) {
        if (resource.kind === 'url' && resource.url && number === undefined)
          return { kind: 'redirect', url: resource.url, dataset, resource };
        throw notFound('File');
      }
      return {
        kind: 'file',
        stream: await deps.blobs.open(version.sha256),
        size: Number(version.byteSize ?? 0),
        fileName: version.fileName ?? `${resource.id}`,
        mediaType: version.mediaType ?? 'application/octet-stream',
        sha256: version.sha256,
        dataset,
        resource,
      };
    },

    /** The live table of a tabular resource, for the query API (one query; schemas parsed once per version). */
    async liveTable(actor: Actor, slug: string, id: string): Promise<LiveTable> {
      const target = await store.findLiveTarget(db, slug, id);
      if (!target) {
        await deps.datasets.load(actor, slug); // 404 for the dataset when that is what is missing
        throw notFound('Resource');
      }
      // Drafts are visible to their editors only; the check costs a query, so only drafts pay it.
      if (target.datasetStatus === 'draft') await deps.datasets.load(actor, slug);
      if (!target.versionId || target.versionStatus !== 'live' || !target.tableName || !target.tableSchema) {
        throw new AppError(
          'not_found',
          target.latestJobId
            ? 'This resource has no queryable rows yet (its import is in progress or failed; see its job)'
            : 'This resource is not tabular',
        );
      }
      let schema = schemas.get(target.versionId);
      if (!schema) {
        schema = readJson<TableSchema>(target.tableSchema);
        if (schemas.size >= 1000) schemas.delete(schemas.keys().next().value!);
        schemas.set(target.versionId, schema);
      }
      return {
        datasetId: target.datasetId,
        organizationId: target.organizationId,
        resourceId: target.resourceId,
        versionId: target.versionId,
        table: target.tableName,
        schema,
        titleColumn: target.titleColumn ?? null,
        generation: Number(target.generation ?? 0),
      };
    },

    /** The footprint: a download is an event; the footprint consumer counts it. */
    async recordDownload(
      actor: Actor,
      datasetId: string,
      organizationId: string | null,
      resourceId: string,
      format: string,
    ) {
      await db.transaction().execute((trx) =>
        events.record(trx, {
          type: 'resource.downloaded',
          actorId: actor.kind === 'user' ? actor.userId : null,
          subjectId: resourceId,
          organizationId,
          visibility: 'private',
          payload: { dataset: datasetId, format },
        }),
      );
      events.notify();
    },
  };
}
export type ResourceService = ReturnType<typeof createResourceService>;
