import type { ColumnType, Generated, SqlBool } from 'kysely';

// Row shapes as Kysely sees them (camelCase through CamelCasePlugin). A store reads rows as `Selectable<XTable>`
// and writes `Insertable<XTable>` / `Updateable<XTable>`: the column types below say what each may omit or send.
// Timestamps are ISO-8601 strings on both dialects.

/**
 * A boolean column: 0/1 on SQLite, `boolean` on PostgreSQL when read (`readBool` folds both); written 0/1, which
 * better-sqlite3 can bind (it refuses `true`) and PostgreSQL parses as a boolean.
 */
export type Bool = ColumnType<SqlBool, 0 | 1, 0 | 1>;
/** A boolean column with a default (false): optional on insert. */
export type BoolDefault = ColumnType<SqlBool, 0 | 1 | undefined, 0 | 1>;
/**
 * A JSON column holding a `T`: TEXT on SQLite (read as the string), `jsonb` on PostgreSQL (read as the value), so
 * reads go through `readJson`; written as `JSON.stringify(value)`. Kysely's `JSONColumnType<T>` would claim the
 * parsed value on both dialects, which SQLite does not give.
 */
export type Json<T> = ColumnType<T | string, string, string>;

export interface UsersTable {
  id: string;
  email: string;
  handle: string;
  name: string;
  passwordHash: string | null;
  emailVerifiedAt: string | null;
  isAdmin: BoolDefault;
  locale: string | null;
  createdAt: string;
  updatedAt: string;
  /** When the account was erased (027): the row stays as a pseudonymous tombstone. */
  erasedAt?: string | null;
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
  scopes: Json<string[]>;
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
  /** While an instance sends it (036_mail_claims); null when free. */
  claimedUntil: string | null;
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
  payload: Json<Record<string, unknown>>;
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

export interface Database
  extends DataTables, CommunityTables, RecognitionTables, DiscussionTables, AppsTables, LedgerTables {
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
  notifications: NotificationsTable;
  notificationPreferences: NotificationPreferencesTable;
  notificationDigests: NotificationDigestsTable;
  captureKeys: CaptureKeysTable;
  captureSalts: CaptureSaltsTable;
  captureBatches: CaptureBatchesTable;
  captureEvents: CaptureEventsTable;
  captureRollups: CaptureRollupsTable;
  captureDimRollups: CaptureDimRollupsTable;
  captureDimVisitors: CaptureDimVisitorsTable;
  captureDimHours: CaptureDimHoursTable;
  captureVisitorWeeks: CaptureVisitorWeeksTable;
  experiments: ExperimentsTable;
  experimentExposures: ExperimentExposuresTable;
  // feature flags (028_flags)
  flags: FlagsTable;
  flagSegments: FlagSegmentsTable;
  flagSchedules: FlagSchedulesTable;
  flagReleasePlans: FlagReleasePlansTable;
  flagRulesets: FlagRulesetsTable;
  // delegated services (030_services)
  services: ServicesTable;
  serviceOperators: ServiceOperatorsTable;
  serviceCases: ServiceCasesTable;
  serviceCaseNotes: ServiceCaseNotesTable;
  serviceAlerts: { serviceId: string; operatorId: string; month: string; createdAt: string };
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
  /** When a platform administrator featured it on the home page; null when not featured. */
  featuredAt: string | null;
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
  /** Community resources (007): shared by `ownerId`, who alone may change them; 0/1 on SQLite. */
  community: BoolDefault;
  ownerId: string | null;
  /** Soft deletion of community resources: versions, blobs and events stay. */
  deletedAt: string | null;
  /** Rejected share above which a new version does not go live (013); NULL: the default, 0.1. */
  maxRejectedShare: number | null;
  /** The column shown as a row's title (021); NULL: the automatic choice. */
  titleColumn: string | null;
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
  /** Times a process claimed it (019): a job that keeps killing its process ends failed. */
  attempts: number;
  /** The holder's lease (032): a running job whose lease ended is claimed by any instance. */
  leaseUntil: string | null;
  /** Which instance holds the lease (for operators). */
  leaseOwner: string | null;
  /** Fencing token, raised at every claim: the holder's writes check it. */
  fence: number;
}

export interface ImportRejectionsTable {
  versionId: string;
  line: number;
  /** English text of the reason. */
  reason: string;
  /** The reason as a code and JSON parameters (data/import/messages.ts); null for rows rejected before 015. */
  code: string | null;
  params: string | null;
}

/** Write generation of a resource-version table (017): see data/tables/generations.ts. */
export interface TableGenerationsTable {
  tableName: string;
  generation: number;
}

export interface DataTables {
  datasets: DatasetsTable;
  resources: ResourcesTable;
  resourceVersions: ResourceVersionsTable;
  jobs: JobsTable;
  importRejections: ImportRejectionsTable;
  tableGenerations: TableGenerationsTable;
}

export interface NotificationsTable {
  id: string;
  userId: string;
  type: string;
  eventId: string;
  /** JSON: the parameters the text is rendered from, in the reader's language. */
  params: Json<Record<string, unknown>>;
  link: string;
  inApp: Bool;
  email: 'immediate' | 'daily' | 'off';
  emailedAt: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationPreferencesTable {
  userId: string;
  type: string;
  inApp: Bool;
  email: 'immediate' | 'daily' | 'off';
}

export interface NotificationDigestsTable {
  userId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  sentAt: string;
  count: number;
}

// community (contributions, row revisions, changelog, reason templates)

export interface ContributionsTable {
  id: string;
  datasetId: string;
  datasetSlug: string;
  resourceId: string;
  /** The resource version the proposal was made against (row ids belong to its table). */
  versionId: string;
  organizationId: string | null;
  authorId: string;
  status: 'pending' | 'accepted' | 'partially_accepted' | 'rejected' | 'changes_requested' | 'withdrawn';
  comment: string;
  source: string | null;
  /** JSON: [{op, rowId, values, snapshot}] — snapshot is the row as it was when proposed (update/delete). */
  changes: Json<object[]>;
  changeCount: number;
  /** JSON: indexes of the changes applied (accepted / partially accepted). */
  acceptedIndexes: Json<number[]> | null;
  /** JSON: per change index, the row id it applied to (inserts get theirs on acceptance). */
  appliedRowIds: Json<Record<string, number>> | null;
  reviewerId: string | null;
  /** Rejection reason or requested changes, visible to the author and reviewers. */
  reviewNote: string | null;
  spam: BoolDefault;
  suspicious: BoolDefault;
  createdAt: string;
  updatedAt: string;
  reviewedAt: string | null;
}

export interface RowRevisionsTable {
  id: string;
  datasetId: string;
  resourceId: string;
  versionId: string;
  rowId: number;
  revision: number;
  op: 'insert' | 'update' | 'delete' | 'revert';
  before: Json<Record<string, unknown>> | null;
  after: Json<Record<string, unknown>> | null;
  actorId: string | null;
  contributionId: string | null;
  revertsRevisionId: string | null;
  createdAt: string;
}

export interface DatasetChangelogTable {
  id: string;
  datasetId: string;
  resourceId: string;
  kind: 'contribution' | 'revert';
  contributionId: string | null;
  revisionId: string | null;
  rowIds: Json<number[]>;
  actorId: string | null;
  authorId: string | null;
  createdAt: string;
}

export interface ReasonTemplatesTable {
  id: string;
  organizationId: string;
  title: string;
  body: string;
  createdBy: string | null;
  createdAt: string;
}

export interface CommunityTables {
  contributions: ContributionsTable;
  rowRevisions: RowRevisionsTable;
  datasetChangelog: DatasetChangelogTable;
  reasonTemplates: ReasonTemplatesTable;
}
// end community

// recognition (server/src/recognition, migration 004_recognition)

export interface ReputationEntriesTable {
  id: string;
  userId: string;
  points: number;
  reason: string;
  eventId: string;
  datasetId: string | null;
  organizationId: string | null;
  createdAt: string;
}

export interface UserBadgesTable {
  userId: string;
  badge: string;
  occurrence: Generated<number>;
  awardedAt: string;
  eventId: string;
}

export interface TrustLevelsTable {
  userId: string;
  level: number;
  updatedAt: string;
  reason: string;
  signedUpAt: string | null;
  acceptedCount: number;
  /** Accepted contributions at the last demotion or manual change; promotion counts from there. */
  acceptedBase: number;
  spamCount: number;
}

export interface ReputationTotalsTable {
  userId: string;
  points: number;
}

export interface UserStatsTable {
  userId: string;
  acceptedContributions: Generated<number>;
  rowsChanged: Generated<number>;
  reviews: Generated<number>;
  datasetsImproved: Generated<number>;
}

export interface ContributionDaysTable {
  userId: string;
  datasetId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  accepted: number;
}

export interface DatasetContributorsTable {
  datasetId: string;
  userId: string;
  accepted: number;
  rowsChanged: number;
  firstAt: string;
  lastAt: string;
}

export interface ReviewDurationsTable {
  eventId: string;
  contributionId: string;
  organizationId: string | null;
  datasetId: string | null;
  reviewerId: string | null;
  outcome: 'accepted' | 'rejected' | 'spam';
  submittedAt: string;
  reviewedAt: string;
  seconds: number;
}

export interface RecognitionProcessedTable {
  consumer: string;
  eventId: string;
}

export interface RecognitionTables {
  reputationEntries: ReputationEntriesTable;
  userBadges: UserBadgesTable;
  trustLevels: TrustLevelsTable;
  userStats: UserStatsTable;
  reputationTotals: ReputationTotalsTable;
  contributionDays: ContributionDaysTable;
  datasetContributors: DatasetContributorsTable;
  reviewDurations: ReviewDurationsTable;
  recognitionProcessed: RecognitionProcessedTable;
}
// end recognition

// discussions and moderation (server/src/community/discussions, moderation; migration 006)

export interface DiscussionThreadsTable {
  id: string;
  subjectKind: 'dataset' | 'resource' | 'contribution' | 'reuse';
  subjectId: string;
  datasetId: string;
  organizationId: string | null;
  authorId: string;
  title: string;
  status: 'open' | 'closed';
  resolution: string | null;
  closedBy: string | null;
  closedAt: string | null;
  messageCount: number;
  lastMessageAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface DiscussionMessagesTable {
  id: string;
  threadId: string;
  authorId: string;
  body: string;
  helpfulBy: string | null;
  helpfulAt: string | null;
  createdAt: string;
}

export interface DiscussionSubscriptionsTable {
  threadId: string;
  userId: string;
  createdAt: string;
}

export interface ModerationFlagsTable {
  id: string;
  targetKind: 'discussion' | 'message' | 'contribution' | 'user';
  targetId: string;
  targetAuthorId: string | null;
  reporterId: string;
  reason: 'spam' | 'abuse' | 'personal_data' | 'wrong_data';
  note: string | null;
  status: 'open' | 'resolved' | 'dismissed';
  openKey: string | null;
  handledBy: string | null;
  handledAt: string | null;
  createdAt: string;
}

export interface ModerationHiddenTable {
  targetKind: 'discussion' | 'message' | 'contribution';
  targetId: string;
  authorId: string | null;
  reason: string;
  hiddenBy: string;
  hiddenAt: string;
}

export interface UserSuspensionsTable {
  userId: string;
  reason: string;
  until: string | null;
  suspendedBy: string;
  createdAt: string;
}

/** 014: the review target an organization publishes. */
export interface OrganizationReviewRulesTable {
  organizationId: string;
  targetDays: number | null;
  updatedBy: string | null;
  updatedAt: string;
}

export interface DatasetCommunitySettingsTable {
  datasetId: string;
  allowDirectEdits: Bool;
  reviewersOptIn: Bool;
  updatedBy: string | null;
  updatedAt: string;
}

export interface DiscussionTables {
  discussionThreads: DiscussionThreadsTable;
  discussionMessages: DiscussionMessagesTable;
  discussionSubscriptions: DiscussionSubscriptionsTable;
  moderationFlags: ModerationFlagsTable;
  moderationHidden: ModerationHiddenTable;
  userSuspensions: UserSuspensionsTable;
  datasetCommunitySettings: DatasetCommunitySettingsTable;
  organizationReviewRules: OrganizationReviewRulesTable;
}
// end discussions and moderation

// developer platform (server/src/apps; migration 008_apps and later)
export interface AppsTable {
  id: string;
  clientId: string;
  clientSecretHash: string;
  name: string;
  description: string;
  homepage: string | null;
  redirectUris: Json<string[]>;
  ownerId: string;
  organizationId: string | null;
  plan: Generated<string>;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface AppKeysTable {
  id: string;
  appId: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: Json<string[]>;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
}

export interface AccreditationsTable {
  id: string;
  appId: string;
  organizationId: string;
  scopes: Json<string[]>;
  purpose: string;
  legalBasis: string;
  retention: string;
  dpoName: string;
  dpoEmail: string;
  status: 'submitted' | 'changes_requested' | 'approved' | 'refused' | 'revoked';
  reviewComment: string | null;
  requestedBy: string;
  reviewedBy: string | null;
  createdAt: string;
  updatedAt: string;
  reviewedAt: string | null;
}

export interface SensitiveCallsTable {
  id: string;
  appId: string;
  keyId: string | null;
  grantId: string | null;
  userId: string;
  accreditationId: string;
  scope: string;
  purpose: string;
  method: string;
  path: string;
  requestId: string;
  at: string;
}

export interface ReusesTable {
  id: string;
  slug: string;
  title: string;
  description: string;
  url: string;
  imageUrl: string | null;
  type: string;
  ownerId: string;
  organizationId: string | null;
  appId: string | null;
  searchText: string;
  views: Generated<number>;
  featuredCount: Generated<number>;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}
export interface ReuseDatasetsTable {
  reuseId: string;
  datasetId: string;
  position: number;
}
export interface ReuseTopicsTable {
  reuseId: string;
  topic: string;
}
export interface FeaturedReusesTable {
  organizationId: string;
  reuseId: string;
  featuredBy: string;
  featuredAt: string;
}
// end reuse row types

// webhook row types (helper: webhooks)
export interface WebhookSubscriptionsTable {
  id: string;
  ownerId: string;
  appId: string | null;
  url: string;
  description: string;
  events: Json<string[]>;
  filters: Json<Record<string, unknown>>;
  filterOrganizationId: string | null;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousExpiresAt: string | null;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  disabledAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookMessagesTable {
  id: string;
  subscriptionId: string;
  eventId: string | null;
  eventType: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  tries: number;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  messageId: string;
  subscriptionId: string;
  number: number;
  url: string;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
  nextAttemptAt: string | null;
}
// end webhook row types

export interface AppUsageDailyTable {
  appId: string;
  day: string;
  endpoint: string;
  calls: number;
  clientErrors: number;
  serverErrors: number;
  latencyTotalMs: number;
}

export interface AppUsageLatencyTable {
  appId: string;
  day: string;
  endpoint: string;
  bucket: number;
  count: number;
}

export interface AppUsageDatasetsTable {
  appId: string;
  day: string;
  datasetSlug: string;
  calls: number;
}
// end usage row types

export interface AppsTables {
  apps: AppsTable;
  appKeys: AppKeysTable;
  accreditations: AccreditationsTable;
  sensitiveCalls: SensitiveCallsTable;
  oauthRecords: OAuthRecordsTable;
  oauthSigningKeys: OAuthSigningKeysTable;
  // end oauth tables
  appUsageDaily: AppUsageDailyTable;
  appUsageLatency: AppUsageLatencyTable;
  appUsageDatasets: AppUsageDatasetsTable;
  // end rate limits and usage tables
  webhookSubscriptions: WebhookSubscriptionsTable;
  webhookMessages: WebhookMessagesTable;
  webhookAttempts: WebhookAttemptsTable;
  // end webhook tables
  reuses: ReusesTable;
  reuseDatasets: ReuseDatasetsTable;
  reuseTopics: ReuseTopicsTable;
  featuredReuses: FeaturedReusesTable;
  // end reuse tables
}
/** oidc-provider's artifacts (009_oauth): one row per model instance. */
export interface OAuthRecordsTable {
  kind: string;
  id: string;
  payload: string;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  accountId: string | null;
  clientId: string | null;
  expiresAt: string | null;
  consumedAt: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface OAuthSigningKeysTable {
  id: string;
  alg: string;
  sealedJwk: string;
  createdAt: string;
}
// end oauth row types
// end developer platform

/** The transparency log (018_ledger). */
export interface LedgerTables {
  logEntries: { idx: number | string; eventId: string; entry: string; subject: string | null; createdAt: string };
  logNodes: { level: number; idx: number | string; hash: Uint8Array };
  /** Full entry bundles as served (034_log_bundles). */
  logBundles: { idx: number | string; bundle: Uint8Array };
  logCheckpoints: { size: number | string; rootHash: Uint8Array; note: string; createdAt: string };
  dataAccessRecords: DataAccessRecordsTable;
  dataExports: DataExportsTable;
  harvestSources: HarvestSourcesTable;
  harvestRuns: HarvestRunsTable;
  harvestRecords: HarvestRecordsTable;
  logCosignatures: {
    size: number | string;
    keyId: string;
    witness: string;
    signedAt: number | string;
    line: string;
    createdAt: string;
  };
}

/** The personal-data access log (024_data_access). */
export interface DataAccessRecordsTable {
  id: string;
  subjectUserId: string;
  actorUserId: string;
  actorHandle: string;
  organizationId: string | null;
  appId: string | null;
  accreditationId: string | null;
  purpose: string;
  legalBasis: string;
  queryId: string;
  /** JSON array of strings. */
  fields: string;
  occurredAt: string;
  record: string;
  recordHash: string;
  eventId: string;
  hiddenUntil: string | null;
  hiddenReason: string | null;
}

/** Exports of a person's own data (027_my_data). */
export interface DataExportsTable {
  id: string;
  userId: string;
  status: 'pending' | 'running' | 'ready' | 'failed';
  progress: number;
  filePath: string | null;
  bytes: number | string | null;
  error: string | null;
  attempts: number;
  leaseUntil: string | null;
  createdAt: string;
  updatedAt: string;
  readyAt: string | null;
  expiresAt: string | null;
}

/** Capture and experiments (029_capture). Event times are epoch milliseconds. */
export interface CaptureKeysTable {
  id: string;
  appId: string;
  key: string;
  name: string;
  origins: Json<string[]>;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}
export interface CaptureSaltsTable {
  day: string;
  salt: string;
}
export interface CaptureBatchesTable {
  source: string;
  batchId: string;
  receivedAt: number;
  result: Json<unknown>;
}
export interface CaptureEventsTable {
  source: string;
  /** The sender's own id of the event (unique per source), or null: see 033_capture_dimensions. */
  uuid: string | null;
  appId: string | null;
  organizationId: string | null;
  datasetId: string | null;
  name: string;
  ts: number;
  receivedAt: number;
  visitor: string;
  identified: number;
  path: string | null;
  referrer: string | null;
  country: string | null;
  flags: string | null;
  properties: Json<Record<string, unknown>> | null;
}
export interface CaptureRollupsTable {
  scope: string;
  grain: 'minute' | 'hour' | 'day';
  bucket: number;
  name: string;
  count: number;
}
/** Per-dimension daily rollups of captured events (033_capture_dimensions). `dim` `*` counts every event. */
export interface CaptureDimRollupsTable {
  scope: string;
  dim: '*' | 'name' | 'path' | 'referrer' | 'country' | 'dataset';
  day: number;
  value: string;
  events: number;
  visitors: number;
}
/** Per-dimension hourly rollups (035_capture_hours): as `CaptureDimRollupsTable`, per UTC hour. */
export interface CaptureDimHoursTable {
  scope: string;
  dim: '*' | 'name' | 'path' | 'referrer' | 'country' | 'dataset';
  hour: number;
  value: string;
  events: number;
  visitors: number;
}
/** Weekly activity of identified visitors (037_capture_visitor_weeks); `name` `*` for any event. */
export interface CaptureVisitorWeeksTable {
  scope: string;
  name: string;
  week: number;
  visitor: string;
  firstTs: number;
  lastTs: number;
}
export interface CaptureDimVisitorsTable {
  day: number;
  scope: string;
  dim: string;
  value: string;
  visitor: string;
}
export interface ExperimentsTable {
  id: string;
  appId: string;
  key: string;
  flagKey: string;
  definition: Json<unknown>;
  createdBy: string;
  createdAt: string;
  startedAt: number;
  stoppedAt: number | null;
}
export interface ExperimentExposuresTable {
  experimentId: string;
  unit: string;
  variant: string;
  ts: number;
}

/** Delegated services (030_services). */
export interface ServicesTable {
  id: string;
  organizationId: string;
  code: string;
  title: string;
  description: string;
  eligibility: string;
  audience: 'public' | 'members';
  formSchema: Json<Record<string, unknown>>;
  location: 'none' | 'optional' | 'required';
  attachments: number;
  steps: Json<Array<{ code: string; title: string; objectiveHours: number | null }>>;
  acknowledgeHours: number;
  resolveHours: number;
  routing: 'territory' | 'share' | 'round_robin' | 'least_loaded' | 'manual';
  retentionDays: number;
  alertBelow: number | null;
  keywords: Json<string[]>;
  roundRobin: number;
  createdAt: string;
  updatedAt: string;
}

/** Harvest sources of an organization (031_harvest). */
export interface HarvestSourcesTable {
  id: string;
  organizationId: string;
  name: string;
  kind: 'dcat' | 'ckan' | 'udata' | 'multitude';
  url: string;
  intervalMinutes: number | null;
  nextRunAt: string | null;
  enabled: BoolDefault;
  webhookSecret: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ServiceOperatorsTable {
  id: string;
  serviceId: string;
  organizationId: string;
  territory: Json<{ codes: string[]; bbox: [number, number, number, number] | null }>;
  share: number | null;
  startsOn: string;
  endsOn: string | null;
  conditions: string;
  status: 'active' | 'revoked';
  revokedAt: string | null;
  revokedReason: string | null;
  createdBy: string;
  createdAt: string;
}

export interface ServiceCasesTable {
  id: string;
  serviceId: string;
  organizationId: string;
  operatorId: string | null;
  operatorOrganizationId: string | null;
  requesterId: string | null;
  channel: 'web' | 'api' | 'open311';
  status: 'submitted' | 'acknowledged' | 'info_requested' | 'in_progress' | 'resolved';
  step: string | null;
  territory: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  description: string | null;
  answers: Json<Record<string, unknown>> | null;
  contact: Json<Record<string, string>> | null;
  media: Json<
    Array<{ sha256?: string; url?: string; name: string; size: number | null; mediaType: string | null }>
  > | null;
  rating: number | null;
  submittedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  updatedAt: string;
  purgedAt: string | null;
}

export interface ServiceCaseNotesTable {
  id: string;
  caseId: string;
  kind: string;
  authorId: string | null;
  side: 'requester' | 'operator' | 'organization' | 'system';
  /** public: everyone who sees the case; private: the organization and the current operator; organization: it only. */
  visibility: 'public' | 'private' | 'organization';
  status: string;
  step: string | null;
  note: string | null;
  operatorId: string | null;
  createdAt: string;
}

/** Feature flags (028_flags): one row per app, environment and key. */
export interface FlagsTable {
  id: string;
  appId: string;
  environment: string;
  key: string;
  description: string;
  definition: Json<unknown>;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  lastEvaluatedAt: string | null;
}

export interface FlagSegmentsTable {
  id: string;
  appId: string;
  key: string;
  description: string;
  conditions: Json<unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface FlagSchedulesTable {
  id: string;
  appId: string;
  environment: string;
  flagKey: string;
  runAt: string;
  changes: Json<unknown>;
  reason: string;
  createdBy: string;
  createdAt: string;
  status: 'pending' | 'applied' | 'cancelled' | 'failed';
  appliedAt: string | null;
  error: string | null;
}

export interface FlagReleasePlansTable {
  id: string;
  appId: string;
  environment: string;
  flagKey: string;
  variant: string;
  baselineVariant: string;
  stages: Json<unknown>;
  guardrails: Json<unknown>;
  currentStage: number;
  status: 'running' | 'paused' | 'completed' | 'cancelled';
  stageStartedAt: string;
  pausedReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface FlagRulesetsTable {
  appId: string;
  environment: string;
  version: number;
}

/** Harvest runs and their reports (031_harvest). */
export interface HarvestRunsTable {
  id: string;
  sourceId: string;
  organizationId: string;
  trigger: 'manual' | 'schedule' | 'webhook';
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  attempts: number;
  leaseUntil: string | null;
  created: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  errors: number;
  /** JSON: HarvestReport. */
  report: string;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Which dataset a source's record fills (031_harvest). */
export interface HarvestRecordsTable {
  sourceId: string;
  sourceRecordId: string;
  datasetId: string;
  sourceUrl: string | null;
  fingerprint: string;
  state: 'active' | 'withdrawn';
  lastRunId: string;
  updatedAt: string;
}
