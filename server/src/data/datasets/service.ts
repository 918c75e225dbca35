import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { slugify } from '../../kernel/slug.js';
import { renderMarkdown, markdownToText } from '../../kernel/markdown.js';
import { decodeCursor, encodeCursor } from '../../kernel/pagination.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import { can, type OrganizationAccess } from '../../platform/index.js';
import { licenses, type LicenseId } from './licenses.js';
import { searchDocument, queryTerms } from './search-text.js';
import type { DataStore, DatasetRow, DatasetSearch } from '../store.js';
import type { ReplicaReads } from '../../db/replicas.js';
import type {
  CreateDatasetBody,
  DatasetSearchQuery,
  DatasetSummary,
  DatasetView,
  UpdateDatasetBody,
} from './schema.js';
import { resourceView } from '../resources/views.js';

export interface DatasetServiceDeps {
  db: Kysely<Database>;
  /** Where the dataset list reads (a read replica when there are some); the main database by default. */
  reads?: ReplicaReads;
  store: DataStore;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
}

const isOffsetCursor = (v: unknown): v is { o: number } =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as { o: unknown }).o) && (v as { o: number }).o >= 0;

/** Allowed status changes: draft → published → archived, and back from archived to published. */
const transitions: Record<string, string[]> = {
  draft: ['published'],
  published: ['archived'],
  archived: ['published'],
};

export function createDatasetService(deps: DatasetServiceDeps) {
  const { db, store, events, clock, access } = deps;
  const reads: ReplicaReads = deps.reads ?? ((work) => work(db));
  const now = () => clock.now().toISOString();

  /** Whether the actor may edit this dataset: its organization's editors, or its owner. */
  async function canEdit(actor: Actor, row: DatasetRow): Promise<boolean> {
    if (actor.kind !== 'user') return false;
    if (row.organizationId)
      return can(actor, 'dataset.update', {
        kind: 'organization',
        id: row.organizationId,
        viewerRole: await access.roleOf(actor, row.organizationId),
      });
    return actor.isAdmin || row.ownerId === actor.userId;
  }

  /** Loads a dataset the actor may see: drafts exist only for those who may edit them. */
  async function load(actor: Actor, slug: string): Promise<{ row: DatasetRow; editable: boolean }> {
    const row = await store.findDatasetBySlug(db, slug);
    if (!row) throw notFound('Dataset');
    const editable = await canEdit(actor, row);
    if (row.status === 'draft' && !editable) throw notFound('Dataset');
    return { row, editable };
  }

  async function loadEditable(actor: Actor, slug: string): Promise<DatasetRow> {
    const { row, editable } = await load(actor, slug);
    if (!editable) throw forbidden('Only the editors of this dataset may change it');
    return row;
  }

  function searchTextOf(
    row: Pick<DatasetRow, 'title' | 'description' | 'keywords' | 'spatial'>,
    organizationName?: string,
  ) {
    return searchDocument([
      row.title,
      markdownToText(row.description),
      readJson<string[]>(row.keywords).join(' '),
      row.spatial ?? '',
      organizationName ?? '',
    ]);
  }

  async function view(actor: Actor, row: DatasetRow, editable: boolean): Promise<DatasetView> {
    const [org] = row.organizationId ? await access.byIds([row.organizationId]) : [];
    const [owner] = row.ownerId ? await deps.directory.usersByIds([row.ownerId]) : [];
    const resources = await store.resourcesOf(db, [row.id], 'all');
    const owners = new Map(
      (
        await deps.directory.usersByIds([
          ...new Set(resources.flatMap((r) => (r.community && r.ownerId ? [r.ownerId] : []))),
        ])
      ).map((u) => [u.id, { handle: u.handle, name: u.name }]),
    );
    const versions = new Map(
      (
        await store.versionsByIds(
          db,
          resources.flatMap((r) => (r.currentVersionId ? [r.currentVersionId] : [])),
        )
      ).map((v) => [v.id, v]),
    );
    const jobs = new Map(
      (
        await store.jobsByIds(
          db,
          resources.flatMap((r) => (r.latestJobId ? [r.latestJobId] : [])),
        )
      ).map((j) => [j.id, j]),
    );
    const license = licenses[row.license as LicenseId] ?? { title: row.license, url: '' };
    const resourceOf = (r: (typeof resources)[number]) =>
      resourceView(
        r,
        r.currentVersionId ? versions.get(r.currentVersionId) : undefined,
        r.latestJobId ? jobs.get(r.latestJobId) : undefined,
        clock.now(),
        r.ownerId ? (owners.get(r.ownerId) ?? null) : null,
      );
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      descriptionHtml: renderMarkdown(row.description),
      organization: org ? { slug: org.slug, name: org.name } : null,
      owner: owner ? { handle: owner.handle, name: owner.name } : null,
      keywords: readJson(row.keywords),
      themes: readJson(row.themes),
      license: { id: row.license, title: license.title, url: license.url },
      contactPoint: {
        ...(row.contactName ? { name: row.contactName } : {}),
        ...(row.contactEmail ? { email: row.contactEmail } : {}),
      },
      temporal: {
        ...(row.temporalStart ? { start: row.temporalStart } : {}),
        ...(row.temporalEnd ? { end: row.temporalEnd } : {}),
      },
      spatial: row.spatial,
      frequency: row.frequency,
      status: row.status,
      resources: resources.filter((r) => !r.community).map(resourceOf),
      communityResources: resources.filter((r) => !!r.community).map(resourceOf),
      metrics: { views: Number(row.views), downloads: Number(row.downloads) },
      featured: row.featuredAt !== null,
      viewerCanEdit: editable && actor.kind === 'user',
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      publishedAt: row.publishedAt,
    };
  }

  async function commit<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    events.notify();
    return result;
  }

  return {
    canEdit,
    load,
    loadEditable,

    async create(actor: UserActor, input: CreateDatasetBody): Promise<DatasetView> {
      let organizationId: string | null = null;
      let organizationName: string | undefined;
      if (input.organization) {
        const org = await access.bySlug(input.organization);
        if (!org) throw invalid('organization', `No organization "${input.organization}"`);
        if (
          !can(actor, 'dataset.create', {
            kind: 'organization',
            id: org.id,
            viewerRole: await access.roleOf(actor, org.id),
          })
        ) {
          throw forbidden('Only owners, admins and editors of the organization may publish datasets in its name');
        }
        organizationId = org.id;
        organizationName = org.name;
      }
      const slug = input.slug ?? slugify(input.title, 100);
      if (!slug) throw invalid('slug', 'Choose a slug made of letters or digits');
      if (input.temporal?.start && input.temporal.end && input.temporal.start > input.temporal.end)
        throw invalid('temporal.end', 'The end of the period is before its start');
      const at = now();
      const status = input.status ?? 'draft';
      const row: DatasetRow = {
        id: newId('ds'),
        slug,
        organizationId,
        ownerId: organizationId ? null : actor.userId,
        title: input.title.trim(),
        description: input.description ?? '',
        keywords: JSON.stringify(input.keywords ?? []),
        themes: JSON.stringify(input.themes ?? []),
        license: input.license,
        contactName: input.contactPoint?.name ?? null,
        contactEmail: input.contactPoint?.email ?? null,
        temporalStart: input.temporal?.start ?? null,
        temporalEnd: input.temporal?.end ?? null,
        spatial: input.spatial ?? null,
        frequency: input.frequency ?? null,
        status,
        searchText: '',
        views: 0,
        downloads: 0,
        createdAt: at,
        updatedAt: at,
        publishedAt: status === 'published' ? at : null,
        featuredAt: null,
      };
      row.searchText = searchTextOf(row, organizationName);
      try {
        await commit(async (trx) => {
          if (await store.slugTaken(trx, slug)) throw conflict(`The slug "${slug}" is taken`, 'slug');
          await store.insertDataset(trx, row);
          await events.record(trx, {
            ...(status === 'published'
              ? ({ type: 'dataset.published', visibility: 'public' } as const)
              : ({ type: 'dataset.created', visibility: 'organization' } as const)),
            actorId: actor.userId,
            subjectId: row.id,
            organizationId,
            payload: { slug, title: row.title },
          });
        });
      } catch (error) {
        if (!(error instanceof AppError) && /unique|duplicate key/i.test(String(error)))
          throw conflict(`The slug "${slug}" is taken`, 'slug');
        throw error;
      }
      return view(actor, row, true);
    },

    async get(actor: Actor, slug: string): Promise<DatasetView> {
      const { row, editable } = await load(actor, slug);
      // The footprint: a view is an event; the footprint consumer turns it into counters.
      if (row.status !== 'draft') {
        await commit((trx) =>
          events.record(trx, {
            type: 'dataset.viewed',
            actorId: actor.kind === 'user' ? actor.userId : null,
            subjectId: row.id,
            organizationId: row.organizationId,
            visibility: 'private',
          }),
        );
      }
      return view(actor, row, editable);
    },

    /** The dataset as `get` shows it, without counting a view (machine reads: catalog APIs, harvesters). */
    async peek(actor: Actor, slug: string): Promise<DatasetView> {
      const { row, editable } = await load(actor, slug);
      return view(actor, row, editable);
    },

    async update(actor: UserActor, slug: string, patch: UpdateDatasetBody): Promise<DatasetView> {
      const row = await loadEditable(actor, slug);
      if (patch.status && patch.status !== row.status && !transitions[row.status]?.includes(patch.status)) {
        throw invalid('status', `A ${row.status} dataset cannot become ${patch.status}`);
      }
      const start = patch.temporal ? patch.temporal.start : row.temporalStart;
      const end = patch.temporal ? patch.temporal.end : row.temporalEnd;
      if (start && end && start > end) throw invalid('temporal.end', 'The end of the period is before its start');
      const at = now();
      const changes: Partial<DatasetRow> = { updatedAt: at };
      if (patch.title !== undefined) changes.title = patch.title.trim();
      if (patch.description !== undefined) changes.description = patch.description;
      if (patch.keywords) changes.keywords = JSON.stringify(patch.keywords);
      if (patch.themes) changes.themes = JSON.stringify(patch.themes);
      if (patch.license) changes.license = patch.license;
      if (patch.contactPoint)
        Object.assign(changes, {
          contactName: patch.contactPoint.name ?? null,
          contactEmail: patch.contactPoint.email ?? null,
        });
      if (patch.temporal)
        Object.assign(changes, {
          temporalStart: patch.temporal.start ?? null,
          temporalEnd: patch.temporal.end ?? null,
        });
      if (patch.spatial !== undefined) changes.spatial = patch.spatial;
      if (patch.frequency) changes.frequency = patch.frequency;
      if (patch.status && patch.status !== row.status) {
        changes.status = patch.status;
        if (patch.status === 'published' && !row.publishedAt) changes.publishedAt = at;
      }
      const next = { ...row, ...changes };
      const [org] = row.organizationId ? await access.byIds([row.organizationId]) : [];
      changes.searchText = searchTextOf(next, org?.name);
      const type =
        changes.status === 'published'
          ? 'dataset.published'
          : changes.status === 'archived'
            ? 'dataset.archived'
            : 'dataset.updated';
      await commit(async (trx) => {
        await store.updateDataset(trx, row.id, changes);
        await events.record(trx, {
          // Only an edit of a draft stays within the organization.
          ...(type === 'dataset.updated'
            ? { type, visibility: next.status === 'draft' ? ('organization' as const) : ('public' as const) }
            : { type, visibility: 'public' as const }),
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: row.organizationId,
          payload: { slug, title: next.title, fields: Object.keys(patch) },
        });
      });
      return view(actor, { ...next, searchText: changes.searchText }, true);
    },

    /** Features a published dataset on the home page, or stops featuring it (platform administrators). */
    async setFeatured(actor: UserActor, slug: string, featured: boolean): Promise<DatasetView> {
      if (!can(actor, 'dataset.feature', { kind: 'platform' }))
        throw forbidden('Only platform administrators feature datasets on the home page');
      const { row, editable } = await load(actor, slug);
      if (featured && row.status !== 'published') throw conflict('Only a published dataset can be featured');
      if ((row.featuredAt !== null) === featured) return view(actor, row, editable);
      const featuredAt = featured ? now() : null;
      await commit(async (trx) => {
        await store.updateDataset(trx, row.id, { featuredAt });
        await events.record(trx, {
          type: featured ? 'dataset.featured' : 'dataset.unfeatured',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: row.organizationId,
          visibility: 'public',
          payload: { slug: row.slug, title: row.title },
        });
      });
      return view(actor, { ...row, featuredAt }, editable);
    },

    async search(actor: Actor, query: DatasetSearchQuery) {
      const limit = query._limit ?? 20;
      const offset = query._cursor ? decodeCursor(query._cursor, isOffsetCursor).o : 0;
      let organizationId: string | undefined;
      if (query.organization) {
        organizationId = (await access.bySlug(query.organization))?.id;
        if (!organizationId) return { items: [], total: 0, facets: {}, nextCursor: null };
      }
      const editorOf =
        actor.kind === 'user' ? await access.organizationIdsOf(actor.userId, ['owner', 'admin', 'editor']) : [];
      const search: DatasetSearch = {
        terms: query._q ? queryTerms(query._q) : [],
        organizationId,
        theme: query.theme,
        keyword: query.keyword,
        license: query.license,
        format: query.format,
        featured: query.featured,
        statuses: query.status ? [query.status] : ['published'],
        visibleDraftOrganizations: actor.kind === 'user' && actor.isAdmin ? [] : editorOf,
        visibleDraftOwner: actor.kind === 'user' ? actor.userId : undefined,
        sort: query._sort ?? (query._q ? 'relevance' : '-updated'),
        offset,
        limit,
      };
      const facetNames = ['organization', 'theme', 'keyword', 'license', 'format'] as const;
      // Memberships above come from the primary; the list itself may come from a read replica.
      const [{ rows, total }, facetEntries] = await reads((rdb) =>
        Promise.all([
          store.searchDatasets(rdb, search),
          Promise.all(facetNames.map(async (f) => [f, await store.facetCounts(rdb, search, f)] as const)),
        ]),
      );
      const orgIds = [
        ...new Set([
          ...rows.flatMap((r) => (r.organizationId ? [r.organizationId] : [])),
          ...(facetEntries.find(([f]) => f === 'organization')?.[1].map((x) => x.value) ?? []),
        ]),
      ];
      const orgs = new Map((await access.byIds(orgIds)).map((o) => [o.id, o]));
      const formats = new Map<string, Set<string>>();
      for (const r of await reads((rdb) =>
        store.resourcesOf(
          rdb,
          rows.map((x) => x.id),
        ),
      ))
        if (r.format) (formats.get(r.datasetId) ?? formats.set(r.datasetId, new Set()).get(r.datasetId)!).add(r.format);
      const items: DatasetSummary[] = rows.map((r) => {
        const org = r.organizationId ? orgs.get(r.organizationId) : undefined;
        const text = markdownToText(r.description);
        return {
          id: r.id,
          slug: r.slug,
          title: r.title,
          excerpt: text.length > 240 ? `${text.slice(0, 237)}…` : text,
          organization: org ? { slug: org.slug, name: org.name } : null,
          keywords: readJson(r.keywords),
          themes: readJson(r.themes),
          license: r.license,
          formats: [...(formats.get(r.id) ?? [])],
          status: r.status,
          metrics: { views: Number(r.views), downloads: Number(r.downloads) },
          featured: r.featuredAt !== null,
          updatedAt: r.updatedAt,
        };
      });
      const facets = Object.fromEntries(
        facetEntries.map(([name, values]) => [
          name,
          values.map((v) => ({
            value: name === 'organization' ? (orgs.get(v.value)?.slug ?? v.value) : v.value,
            label:
              name === 'organization'
                ? (orgs.get(v.value)?.name ?? v.value)
                : name === 'license'
                  ? (licenses[v.value as LicenseId]?.title ?? v.value)
                  : v.value,
            count: v.count,
          })),
        ]),
      );
      return { items, total, facets, nextCursor: offset + limit < total ? encodeCursor({ o: offset + limit }) : null };
    },
  };
}
export type DatasetService = ReturnType<typeof createDatasetService>;
