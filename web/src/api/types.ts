/** Shapes of the Multitude API resources used by the web front-end. */

export type Role = 'owner' | 'admin' | 'editor' | 'reviewer' | 'member';
export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'reviewer', 'member'];
/** Roles that can be granted directly (ownership moves via transfer). */
export const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'editor', 'reviewer', 'member'];

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface User {
  id: string;
  email: string;
  handle: string;
  name: string;
  emailVerified: boolean;
  isAdmin: boolean;
  createdAt: string;
}

export interface AuthProvider {
  id: string;
  name: string;
}

export interface TokenScope {
  id: string;
  description: string;
}

export interface AccessToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface CreatedAccessToken extends AccessToken {
  /** The secret; returned only once, at creation. */
  token: string;
}

export interface OrganizationSummary {
  slug: string;
  name: string;
  description?: string | null;
  membersCount?: number;
}

export interface MyOrganization {
  slug: string;
  name: string;
  role: Role;
}

export interface Organization {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  url: string | null;
  createdAt: string;
  membersCount: number;
  viewerRole: Role | null;
}

export interface Member {
  handle: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

/** Public activity entry (GET /api/v1/activity). */
export interface ActivityItem {
  id: string;
  type: string;
  occurredAt: string;
  actor: { handle: string; name: string } | null;
  organization: { slug: string; name: string } | null;
  payload: Record<string, unknown>;
}

/** Accepts `{items: [...]}` or a bare array. */
export function itemsOf<T>(data: Page<T> | T[] | null | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : (data.items ?? []);
}

export function isManager(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/* ===== Datasets, resources, rows (web/src/data) — begin ===== */

export type DatasetStatus = 'draft' | 'published' | 'archived';

export interface OrgRef {
  slug: string;
  name: string;
}

export interface DatasetMetrics {
  views: number;
  downloads: number;
}

export interface DatasetSummary {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  organization: OrgRef | null;
  keywords: string[];
  themes: string[];
  license: string;
  formats: string[];
  status: DatasetStatus | string;
  metrics: DatasetMetrics;
  updatedAt: string;
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export type CatalogFacet = 'organization' | 'theme' | 'keyword' | 'license' | 'format';

export interface DatasetSearchResult {
  items: DatasetSummary[];
  total: number;
  facets: Partial<Record<CatalogFacet, FacetValue[]>>;
  next: string | null;
}

export interface ImportReport {
  rowsImported: number;
  rowsRejected: number;
  rejectedSample: Rejection[];
  warnings: string[];
  durationMs: number;
  error?: string;
}

export interface Rejection {
  line: number;
  reason: string;
}

export interface VersionDiff {
  rowsBefore: number;
  rowsAfter: number;
  fieldsAdded: string[];
  fieldsRemoved: string[];
  rowsAdded?: number;
  rowsRemoved?: number;
  /** Null when rows were matched on their content (no primary key). */
  rowsChanged?: number | null;
  matchedOn?: 'primaryKey' | 'content';
}

export type VersionStatus = 'importing' | 'live' | 'failed' | 'superseded' | 'stored';

export interface VersionView {
  id: string;
  number: number;
  status: VersionStatus | string;
  sha256: string | null;
  byteSize: number | null;
  fileName: string | null;
  format: string | null;
  rowCount: number | null;
  rejectedCount: number | null;
  report: ImportReport | null;
  diff: VersionDiff | null;
  createdAt: string;
  completedAt: string | null;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  resourceId: string | null;
  versionId: string | null;
  progress: {
    rowsRead: number;
    rowsRejected: number;
    bytesRead: number;
    totalBytes: number | null;
    percent: number | null;
    etaSeconds: number | null;
  };
  error: string | null;
  report: ImportReport | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ResourceView {
  id: string;
  title: string;
  description: string;
  kind: 'file' | 'url';
  url: string | null;
  format: string | null;
  mediaType: string | null;
  tabular: boolean;
  currentVersion: VersionView | null;
  latestJob: JobView | null;
  metrics: DatasetMetrics;
  createdAt: string;
  updatedAt: string;
}

export interface DatasetView {
  id: string;
  slug: string;
  title: string;
  description: string;
  descriptionHtml: string;
  organization: OrgRef | null;
  owner: { handle: string; name: string } | null;
  keywords: string[];
  themes: string[];
  license: { id: string; title: string; url: string };
  contactPoint: { name?: string; email?: string };
  temporal: { start?: string; end?: string };
  spatial: string | null;
  frequency: string | null;
  status: DatasetStatus;
  resources: ResourceView[];
  metrics: DatasetMetrics;
  viewerCanEdit: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

/** Body of POST /datasets (PATCH takes the same fields, all optional, without slug/organization). */
export interface DatasetInput {
  title: string;
  slug?: string;
  organization?: string;
  description?: string;
  keywords?: string[];
  themes?: string[];
  license: string;
  contactPoint?: { name?: string; email?: string };
  temporal?: { start?: string; end?: string };
  spatial?: string | null;
  frequency?: string;
  status?: DatasetStatus;
}

export interface ResourceCreated {
  resource: ResourceView;
  job: JobView | null;
}

export type FieldType = 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'string';
export const FIELD_TYPES: readonly FieldType[] = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'];

export interface TableField {
  name: string;
  type: FieldType | string;
  format?: string;
  [extra: string]: unknown;
}

export interface TableSchema {
  fields: TableField[];
  primaryKey?: string[];
  missingValues: string[];
}

export type Cell = string | number | boolean | null;
export type DataRow = { _id: number | string } & Record<string, Cell>;

export interface RowsPage {
  rows: DataRow[];
  next: string | null;
  facets?: Record<string, { value: Cell; count: number }[]>;
}

export interface ColumnStats {
  min: Cell;
  max: Cell;
  nulls: number;
  distinct: number;
  top: { value: Cell; count: number }[];
}

export interface StatsResult {
  columns: Record<string, ColumnStats>;
}

export interface AggregateResult {
  rows: Record<string, Cell>[];
}

/* ===== Datasets, resources, rows — end ===== */
