import type { Generated } from 'kysely';

// Row shapes as Kysely sees them (camelCase through CamelCasePlugin).
// Timestamps are ISO-8601 strings; JSON columns are read with readJson().

export interface UsersTable {
  id: string;
  email: string;
  handle: string;
  name: string;
  passwordHash: string | null;
  emailVerifiedAt: string | null;
  isAdmin: number | boolean;
  locale: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SessionsTable {
  idHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export interface PersonalTokensTable {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  tokenHash: string;
  scopes: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface EmailTokensTable {
  tokenHash: string;
  userId: string;
  purpose: 'verify' | 'reset';
  email: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface IdentitiesTable {
  id: string;
  provider: string;
  subject: string;
  userId: string;
  email: string | null;
  createdAt: string;
}

export interface OrganizationsTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  url: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MembershipsTable {
  organizationId: string;
  userId: string;
  role: string;
  createdAt: string;
}

export interface InvitationsTable {
  id: string;
  organizationId: string;
  email: string;
  role: string;
  tokenHash: string;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface MailOutboxTable {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface EventsTable {
  position: Generated<number>;
  /** Writing transaction (PostgreSQL xid); 0 on SQLite where writes are serialized. */
  txId: Generated<number>;
  id: string;
  type: string;
  actorId: string | null;
  subjectId: string | null;
  organizationId: string | null;
  visibility: 'public' | 'organization' | 'private';
  payload: string;
  occurredAt: string;
}

export interface EventCursorsTable {
  consumer: string;
  txId: number;
  position: number;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  updatedAt: string;
}

export interface Database extends DataTables {
  users: UsersTable;
  sessions: SessionsTable;
  personalTokens: PersonalTokensTable;
  emailTokens: EmailTokensTable;
  identities: IdentitiesTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  mailOutbox: MailOutboxTable;
  events: EventsTable;
  eventCursors: EventCursorsTable;
}

export interface DatasetsTable {
  id: string;
  slug: string;
  organizationId: string | null;
  ownerId: string | null;
  title: string;
  description: string;
  keywords: string;
  themes: string;
  license: string;
  contactName: string | null;
  contactEmail: string | null;
  temporalStart: string | null;
  temporalEnd: string | null;
  spatial: string | null;
  frequency: string | null;
  status: 'draft' | 'published' | 'archived';
  searchText: string;
  views: number;
  downloads: number;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface ResourcesTable {
  id: string;
  datasetId: string;
  title: string;
  description: string;
  kind: 'file' | 'url';
  url: string | null;
  format: string | null;
  mediaType: string | null;
  currentVersionId: string | null;
  latestJobId: string | null;
  views: number;
  downloads: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ResourceVersionsTable {
  id: string;
  resourceId: string;
  number: number;
  status: 'importing' | 'live' | 'failed' | 'superseded' | 'stored';
  sha256: string | null;
  byteSize: number | null;
  fileName: string | null;
  mediaType: string | null;
  format: string | null;
  dialect: string | null;
  tableSchema: string | null;
  tableName: string | null;
  rowCount: number | null;
  rejectedCount: number | null;
  report: string | null;
  diff: string | null;
  createdBy: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface JobsTable {
  id: string;
  kind: 'import';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  resourceId: string | null;
  versionId: string | null;
  input: string;
  rowsRead: number;
  rowsRejected: number;
  bytesRead: number;
  totalBytes: number | null;
  error: string | null;
  report: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ImportRejectionsTable {
  versionId: string;
  line: number;
  reason: string;
}

export interface DataTables {
  datasets: DatasetsTable;
  resources: ResourcesTable;
  resourceVersions: ResourceVersionsTable;
  jobs: JobsTable;
  importRejections: ImportRejectionsTable;
}
