import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ReplicaReads } from '../../db/replicas.js';
import { readJson } from '../../db/database.js';
import type { Actor } from '../../kernel/actor.js';
import type { OrganizationAccess } from '../../platform/index.js';
import type { Directory } from '../../events/service.js';
import type { DataStore, DatasetRow } from '../store.js';
import type { DatasetService } from '../datasets/service.js';
import {
  buildCatalogGraph,
  datasetJsonLd,
  serializeCatalog,
  sitemapXml,
  type CatalogDataset,
  type CatalogFormat,
  type CatalogInfo,
} from './index.js';
import { DEFAULT_PAGE_SIZE, hydraQuads } from './paged.js';
import { catalogIri } from './dcat.js';

const MAX_CATALOG_DATASETS = 10_000;

/** The harvestable catalog (DCAT-AP 3), schema.org JSON-LD of dataset pages, and the sitemap. */
export function createCatalogService(deps: {
  /** Where the catalog reads: a read replica when there are some (see db/replicas.ts), else the main database. */
  reads: ReplicaReads;
  store: DataStore;
  datasets: DatasetService;
  access: OrganizationAccess;
  directory: Directory;
  baseUrl: string;
  name: string;
}) {
  const { reads, store, baseUrl } = deps;

  function info(modified: string): CatalogInfo {
    return {
      baseUrl,
      title: `${deps.name} — open data catalog`,
      description: `Datasets published on ${deps.name}, an open platform built with Multitude.`,
      publisherName: deps.name,
      publisherUrl: baseUrl,
      language: 'fr',
      homepage: baseUrl,
      modified,
    };
  }

  async function toCatalogDatasets(db: Kysely<Database>, rows: DatasetRow[]): Promise<CatalogDataset[]> {
    const orgs = new Map(
      (await deps.access.byIds([...new Set(rows.flatMap((r) => (r.organizationId ? [r.organizationId] : [])))])).map(
        (o) => [o.id, o],
      ),
    );
    const owners = new Map(
      (await deps.directory.usersByIds([...new Set(rows.flatMap((r) => (r.ownerId ? [r.ownerId] : [])))])).map((u) => [
        u.id,
        u,
      ]),
    );
    const resources = await store.resourcesOf(
      db,
      rows.map((r) => r.id),
    );
    const versions = new Map(
      (
        await store.versionsByIds(
          db,
          resources.flatMap((r) => (r.currentVersionId ? [r.currentVersionId] : [])),
        )
      ).map((v) => [v.id, v]),
    );
    return rows.map((r) => {
      const org = r.organizationId ? orgs.get(r.organizationId) : undefined;
      const owner = r.ownerId ? owners.get(r.ownerId) : undefined;
      const landingPage = `${baseUrl}/datasets/${r.slug}`;
      return {
        slug: r.slug,
        title: r.title,
        description: r.description || r.title,
        keywords: readJson<string[]>(r.keywords),
        themes: readJson<string[]>(r.themes),
        license: r.license,
        publisher: org
          ? { name: org.name, url: `${baseUrl}/organizations/${org.slug}` }
          : { name: owner?.name ?? deps.name, url: owner ? `${baseUrl}/users/${owner.handle}` : baseUrl },
        ...(r.contactName || r.contactEmail
          ? {
              contactPoint: {
                ...(r.contactName ? { name: r.contactName } : {}),
                ...(r.contactEmail ? { email: r.contactEmail } : {}),
              },
            }
          : {}),
        ...(r.temporalStart || r.temporalEnd
          ? {
              temporal: {
                ...(r.temporalStart ? { start: r.temporalStart } : {}),
                ...(r.temporalEnd ? { end: r.temporalEnd } : {}),
              },
            }
          : {}),
        ...(r.spatial ? { spatial: r.spatial } : {}),
        ...(r.frequency ? { frequency: r.frequency } : {}),
        created: r.createdAt,
        modified: r.updatedAt,
        landingPage,
        distributions: resources
          .filter((res) => res.datasetId === r.id)
          .flatMap((res) => {
            const v = res.currentVersionId ? versions.get(res.currentVersionId) : undefined;
            const resourceBase = `${baseUrl}/api/v1/datasets/${r.slug}/resources/${res.id}`;
            // A tabular resource is also served as Parquet, typed from its Table Schema (…/rows.parquet).
            const parquet =
              v?.status === 'live' && v.tableName
                ? [
                    {
                      id: `${res.id}-parquet`,
                      title: `${res.title} (Parquet)`,
                      format: 'PARQUET',
                      mediaType: 'application/vnd.apache.parquet',
                      accessUrl: `${landingPage}#resource-${res.id}`,
                      downloadUrl: `${resourceBase}/rows.parquet`,
                      modified: res.updatedAt,
                    },
                  ]
                : [];
            const original = {
              id: res.id,
              title: res.title,
              ...(res.description ? { description: res.description } : {}),
              format: res.format ?? 'UNKNOWN',
              ...(res.mediaType ? { mediaType: res.mediaType } : {}),
              accessUrl: `${landingPage}#resource-${res.id}`,
              ...(v?.sha256
                ? {
                    downloadUrl: `${resourceBase}/download`,
                    byteSize: Number(v.byteSize ?? 0),
                    checksumSha256: v.sha256,
                  }
                : res.url
                  ? { downloadUrl: res.url }
                  : {}),
              modified: res.updatedAt,
            };
            return [original, ...parquet];
          }),
      };
    });
  }

  return {
    async catalog(format: CatalogFormat): Promise<string> {
      const { rows, datasets } = await reads(async (db) => {
        const rows = await store.publishedDatasets(db, MAX_CATALOG_DATASETS);
        return { rows, datasets: await toCatalogDatasets(db, rows) };
      });
      return serializeCatalog(
        buildCatalogGraph(info(rows[0]?.updatedAt ?? new Date(0).toISOString()), datasets),
        format,
      );
    },

    /** Page `page` (from 1) of the catalog with Hydra paging links; undefined past the last page. */
    async catalogPage(format: CatalogFormat, page: number, pageSize = DEFAULT_PAGE_SIZE): Promise<string | undefined> {
      const { rows, total, datasets } = await reads(async (db) => {
        const { rows, total } = await store.publishedPage(db, (page - 1) * pageSize, pageSize);
        // Past the last page: nothing more to read.
        if ((page - 1) * pageSize >= Math.max(total, 1)) return { rows, total, datasets: [] };
        return { rows, total, datasets: await toCatalogDatasets(db, rows) };
      });
      const lastPage = Math.max(1, Math.ceil(total / pageSize));
      if (page > lastPage) return undefined;
      const modified = rows.reduce((m, r) => (r.updatedAt > m ? r.updatedAt : m), new Date(0).toISOString());
      const base = baseUrl.replace(/\/+$/, '');
      const pageUrl = (n: number) =>
        `${base}/catalog/pages/${n}${pageSize !== DEFAULT_PAGE_SIZE ? `?pageSize=${pageSize}` : ''}`;
      return serializeCatalog(
        [
          ...buildCatalogGraph(info(modified), datasets),
          ...hydraQuads({ catalogIri: catalogIri(baseUrl), pageUrl, page, lastPage, total }),
        ],
        format,
      );
    },

    /** schema.org/Dataset for a published dataset page, or undefined (drafts and unknown slugs). */
    async datasetJsonLd(actor: Actor, slug: string): Promise<Record<string, unknown> | undefined> {
      return reads(async (db) => {
        const row = await store.findDatasetBySlug(db, slug);
        if (!row || row.status === 'draft') return undefined;
        const [dataset] = await toCatalogDatasets(db, [row]);
        return datasetJsonLd(dataset!, info(row.updatedAt));
      });
    },

    async sitemap(): Promise<string> {
      const rows = await reads((db) => store.publishedDatasets(db, 50_000 - 2));
      return sitemapXml([
        { loc: `${baseUrl}/` },
        { loc: `${baseUrl}/datasets` },
        ...rows.map((r) => ({ loc: `${baseUrl}/datasets/${r.slug}`, lastmod: r.updatedAt })),
      ]);
    },
  };
}
export type CatalogService = ReturnType<typeof createCatalogService>;
