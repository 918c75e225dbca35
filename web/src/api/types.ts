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
  /** The event told as a sentence, in the requested language. */
  text: string;
}

/** Accepts `{items: [...]}` or a bare array. */
export function itemsOf<T>(data: Page<T> | T[] | null | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : (data.items ?? []);
}

export function isManager(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

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
  featured?: boolean;
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

/** A message of the import engine: a stable code with parameters, and the English text. */
export interface ImportMessage {
  code: string;
  params: Record<string, string | number>;
  message: string;
}

export interface ImportReport {
  rowsImported: number;
  rowsRejected: number;
  rejectedSample: Rejection[];
  /** Plain strings in reports written before messages had codes. */
  warnings: Array<ImportMessage | string>;
  durationMs: number;
  error?: string;
  /** Why the file was refused as a whole (`no_rows`, `too_many_rejected`, …). */
  errorCode?: string;
}

export interface Rejection {
  line: number;
  reason: string;
  code?: string | null;
  params?: Record<string, string | number>;
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
  /** Community resources: shared by `owner`, not by the publisher. */
  community: boolean;
  owner: { handle: string; name: string } | null;
  /** Rejected share (0‥1) above which a new version does not go live unless forced. */
  maxRejectedShare?: number;
  /** The column the publisher chose as each row's title (null: the automatic choice). */
  titleColumn: string | null;
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
  /** Resources shared by the community (listed apart from the publisher's). */
  communityResources: ResourceView[];
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
  /** Rows matching the filters and search: exact when `totalExact`, else a lower bound; null when unknown. */
  total?: number | null;
  totalExact?: boolean;
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

export interface Localized {
  en: string;
  fr: string;
}

export interface UserProfile {
  /** When the account was erased: the handle is then a pseudonym and the profile a tombstone. */
  erasedAt?: string | null;
  handle: string;
  name: string;
  createdAt: string;
  reputation: number;
  trustLevel: number;
  badges: Array<{ code: string; name: Localized; awardedAt: string }>;
  stats: { acceptedContributions: number; rowsChanged: number; reviews: number; datasetsImproved: number };
  /** Accepted contributions per UTC day, last 365 days; days without any are left out. */
  calendar: Array<{ date: string; count: number }>;
}

export interface ReputationEntry {
  id: string;
  eventId: string;
  reason: string;
  points: number;
  dataset: string | null;
  createdAt: string;
}

export interface ReputationPage {
  total: number;
  items: ReputationEntry[];
  /** Absolute URL of the next page (carries `_cursor`), or null. */
  next: string | null;
}

export interface BadgeDefinition {
  code: string;
  name: Localized;
  criterion: Localized;
  repeatable: boolean;
  holders: number;
}

export interface TrustLevelRule {
  level: number;
  code: string;
  name: Localized;
  requirements: { acceptedContributions: number; daysSinceSignUp: number; maxSpamRejections: number | null } | null;
  requirementText: Localized;
  proposalsPerDay: number | null;
  privileges: Localized[];
}

export interface TrustLevelRules {
  levels: TrustLevelRule[];
  demotion: Localized;
  reputation: Record<string, number>;
}

export type LeaderboardPeriod = 'week' | 'month' | 'all';

export interface Leaderboard {
  period: string;
  items: Array<{ rank: number; handle: string; name: string; points: number }>;
}

export interface Contributor {
  handle: string;
  name: string;
  acceptedContributions: number;
  rowsChanged: number;
  firstContributionAt: string;
  lastContributionAt: string;
}

export interface ReviewStats {
  organization: string;
  windowDays: number;
  reviewed: number;
  accepted: number;
  rejected: number;
  rejectedAsSpam: number;
  medianSecondsToReview: number | null;
}

export interface AppNotification {
  id: string;
  type: string;
  text: string;
  link: string;
  read: boolean;
  createdAt: string;
}

export interface NotificationPage {
  items: AppNotification[];
  unreadCount: number;
  next: string | null;
}

export type EmailMode = 'immediate' | 'daily' | 'off';

export interface NotificationPreference {
  type: string;
  inApp: boolean;
  email: EmailMode;
}

/** The `_cursor` carried by a `next` link; null when there is none. */
export function cursorOf(next: string | null | undefined): string | null {
  if (!next) return null;
  try {
    return new URL(next, window.location.origin).searchParams.get('_cursor');
  } catch {
    return null;
  }
}

export const CONTRIBUTION_STATUSES = [
  'pending',
  'accepted',
  'partially_accepted',
  'rejected',
  'changes_requested',
  'withdrawn',
] as const;
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number];
export type ChangeOp = 'insert' | 'update' | 'delete';
export type PersonRef = { handle: string; name: string } | null;
export type RowValues = Record<string, unknown>;

/** One change of POST /datasets/{slug}/resources/{id}/contributions. */
export interface ChangeInput {
  op: ChangeOp;
  rowId?: number;
  values?: Record<string, Cell>;
}

export interface ProposalInput {
  changes: ChangeInput[];
  comment: string;
  source?: string;
}

export interface ContributionSummary {
  id: string;
  status: ContributionStatus;
  /** Dataset slug. */
  dataset: string;
  resourceId: string;
  author: PersonRef;
  reviewer: PersonRef;
  comment: string;
  commentHtml: string;
  source: string | null;
  changeCount: number;
  suspicious: boolean;
  spam: boolean;
  createdAt: string;
  updatedAt: string;
  reviewedAt: string | null;
  /** When a pending proposal is due under its organization's review target (null: no target). */
  reviewDueAt: string | null;
  overdue: boolean;
  /** The first changes as people read them: the row's label and values before → after. */
  preview: ChangePreview[];
}

export interface ChangePreview {
  op: ChangeOp;
  label: string | null;
  rowId: number | null;
  values: Array<{ column: string; before: unknown; after: unknown }>;
  moreValues: number;
}

/** GET /datasets/{slug}/contribution-rules: what a proposal by the viewer would meet. */
export interface ContributionRules {
  canPropose: boolean;
  canApply: boolean;
  otherReviewers: number;
  noOtherReviewer: boolean;
  reviewTargetDays: number | null;
}

/** GET /organizations/{slug}/review-rules. */
export interface ReviewRules {
  organization: string;
  targetDays: number | null;
}

export interface DiffEntry {
  index: number;
  op: ChangeOp;
  rowId: number | null;
  /** How people recognise the row, e.g. "Besançon (25056)". */
  label: string | null;
  before: RowValues | null;
  after: RowValues | null;
  changedColumns: string[];
  conflict: boolean;
  current: RowValues | null;
  accepted: boolean | null;
}

export interface ContributionView extends ContributionSummary {
  reviewNote: string | null;
  viewerCanReview: boolean;
  conflicts: number[];
  diff: DiffEntry[];
}

export interface ContributionPage {
  items: ContributionSummary[];
  next: string | null;
}

export interface ReasonTemplate {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}

export interface RowRevision {
  id: string;
  rowId: number;
  revision: number;
  op: ChangeOp | 'revert';
  before: RowValues | null;
  after: RowValues | null;
  /** Who applied the change (the reviewer, or the author of a direct edit). */
  actor: PersonRef;
  /** Who proposed it (null for reverts). */
  author: PersonRef;
  contributionId: string | null;
  revertsRevisionId: string | null;
  createdAt: string;
}

export type DiscussionSubjectKind = 'dataset' | 'resource' | 'contribution' | 'reuse';

export interface ThreadSummary {
  id: string;
  subject: { kind: DiscussionSubjectKind; id: string };
  /** Slug of the dataset the subject belongs to. */
  dataset: string;
  /** Replaced by "hidden by moderation: {reason}" when hidden. */
  title: string;
  author: PersonRef;
  status: 'open' | 'closed';
  resolution: string | null;
  resolutionHtml: string | null;
  closedBy: PersonRef;
  closedAt: string | null;
  /** The public moderation reason when hidden. */
  hidden: string | null;
  messageCount: number;
  lastMessageAt: string;
  createdAt: string;
}

export interface DiscussionMessage {
  id: string;
  author: PersonRef;
  body: string;
  /** Rendered and sanitized by the server. */
  bodyHtml: string;
  hidden: string | null;
  helpful: boolean;
  markedHelpfulBy: PersonRef;
  createdAt: string;
}

export interface ThreadView extends ThreadSummary {
  messages: DiscussionMessage[];
  viewerSubscribed: boolean;
  viewerCanClose: boolean;
  viewerCanMarkHelpful: boolean;
}

export interface ThreadPage {
  items: ThreadSummary[];
  next: string | null;
}

export const FLAG_REASONS = ['spam', 'abuse', 'personal_data', 'wrong_data'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export type FlagKind = 'discussion' | 'message' | 'contribution' | 'user';
export type FlagStatus = 'open' | 'resolved' | 'dismissed';

export interface Flag {
  id: string;
  target: { kind: FlagKind; id: string };
  targetAuthor: PersonRef;
  reporter: PersonRef;
  reason: FlagReason;
  note: string | null;
  status: FlagStatus;
  createdAt: string;
  handledAt: string | null;
}

export interface FlagPage {
  items: Flag[];
  next: string | null;
}

export interface SuspensionView {
  handle: string;
  suspended: boolean;
  reason: string | null;
  until: string | null;
}

export interface DevApp {
  id: string;
  clientId: string;
  name: string;
  description: string;
  homepage: string | null;
  redirectUris: string[];
  owner: { id: string; handle: string };
  organization: { id: string; slug: string; name: string } | null;
  plan: string;
  createdAt: string;
  updatedAt: string;
}
export interface CreatedDevApp extends DevApp {
  /** Returned only once, at registration. */
  clientSecret: string;
}
export type ApiKeyStatus = 'active' | 'rotating' | 'expired' | 'revoked';
export interface ApiKey {
  id: string;
  appId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: { id: string; handle: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
  status: ApiKeyStatus;
}
export interface CreatedApiKey extends ApiKey {
  /** Returned only once. */
  key: string;
}
export type AccreditationStatus = 'submitted' | 'changes_requested' | 'approved' | 'refused' | 'revoked';
export const ACCREDITATION_STATUSES: readonly AccreditationStatus[] = [
  'submitted',
  'changes_requested',
  'approved',
  'refused',
  'revoked',
];
/** Scopes that need an approved accreditation for an app (server: kernel/scopes.ts sensitiveScopes). */
export const SENSITIVE_SCOPES: readonly string[] = ['personal-data:read', 'data:write', 'organizations:write'];
export interface Accreditation {
  id: string;
  app: { id: string; name: string; homepage: string | null };
  organization: { id: string; slug: string; name: string };
  scopes: string[];
  purpose: string;
  legalBasis: string;
  retention: string;
  dpo: { name: string; email: string };
  status: AccreditationStatus;
  reviewComment: string | null;
  requestedBy: { id: string; handle: string };
  reviewedBy: { id: string; handle: string } | null;
  createdAt: string;
  updatedAt: string;
  reviewedAt: string | null;
}
export interface PublicAccreditation {
  id: string;
  app: { id: string; name: string; homepage: string | null };
  organization: { id: string; slug: string; name: string };
  scopes: string[];
  purpose: string;
  legalBasis: string;
  retention: string;
  dpo: { name: string; email: string };
  approvedAt: string;
}
export interface ListPage<T> {
  items: T[];
  next: string | null;
}
/** An app as the consent screen and the authorized-apps list show it. */
export interface OAuthAppSummary {
  id: string;
  name: string;
  description: string;
  homepage: string | null;
  owner: { handle: string; name: string };
  organization: { slug: string; name: string } | null;
}
export interface OAuthScopeView {
  id: string;
  description: string;
  sensitive: boolean;
}
export interface OAuthInteraction {
  uid: string;
  app: OAuthAppSummary;
  scopes: Array<OAuthScopeView & { alreadyGranted: boolean }>;
  consentRequired: boolean;
}
export interface AuthorizedApp {
  app: OAuthAppSummary;
  scopes: OAuthScopeView[];
  firstAuthorizedAt: string;
  lastAuthorizedAt: string;
}
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}
export interface AppUsage {
  app: { id: string; name: string; plan: string };
  from: string;
  to: string;
  totals: {
    calls: number;
    clientErrors: number;
    serverErrors: number;
    errorRate: number;
    latencyMs: LatencyPercentiles;
  };
  days: Array<{ day: string; calls: number; clientErrors: number; serverErrors: number }>;
  endpoints: Array<{
    endpoint: string;
    method: string;
    route: string;
    calls: number;
    clientErrors: number;
    serverErrors: number;
    errorRate: number;
    latencyMs: LatencyPercentiles & { mean: number | null };
  }>;
  datasets: Array<{ slug: string; calls: number }>;
}
export interface WebhookFilters {
  datasets?: string[];
  organization?: string;
}
export interface WebhookSubscription {
  id: string;
  url: string;
  description: string;
  events: string[];
  filters: WebhookFilters;
  app: string | null;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  disabledAt: string | null;
  previousSecretExpiresAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}
export interface WebhookWithSecret extends WebhookSubscription {
  secret: string;
}
export interface WebhookEventType {
  type: string;
  description: string;
}
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';
export interface WebhookDelivery {
  id: string;
  eventType: string;
  eventId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
export interface WebhookAttempt {
  id: string;
  number: number;
  url: string;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
  nextAttemptAt: string | null;
}
export interface WebhookDeliveryDetail extends WebhookDelivery {
  payload: unknown;
  attemptLog: WebhookAttempt[];
}
export const REUSE_TYPES = ['application', 'visualization', 'article', 'api', 'other'] as const;
export type ReuseType = (typeof REUSE_TYPES)[number];

export interface ReuseSummary {
  id: string;
  slug: string;
  title: string;
  type: ReuseType;
  url: string;
  image: string | null;
  topics: string[];
  datasets: Array<{ slug: string; title: string; organization: string | null }>;
  owner: { handle: string; name: string } | null;
  organization: { slug: string; name: string } | null;
  featuredBy: Array<{ slug: string; name: string }>;
  views: number;
  createdAt: string;
  updatedAt: string;
}

export interface ReuseView extends ReuseSummary {
  description: string;
  descriptionHtml: string;
  app: string | null;
  viewerCanEdit: boolean;
  viewerCanFeature: Array<{ slug: string; name: string; featured: boolean }>;
}

export interface ReuseFacet {
  value: string;
  count: number;
}

export interface ReuseGallery {
  items: ReuseSummary[];
  facets: { types: ReuseFacet[]; topics: ReuseFacet[] };
  next: string | null;
}

export interface ReuseUsedByPage {
  items: Array<ReuseSummary & { featured: boolean }>;
  next: string | null;
}

export interface ReuseInput {
  title: string;
  description: string;
  url: string;
  image: string | null;
  type: ReuseType;
  topics: string[];
  datasets: string[];
  organization: string | null;
}
/** GET /stats/reuses: the most used reuses (views plus the API calls of their app). */
export interface ReuseStats {
  items: Array<{ reuse: ReuseSummary; views: number; apiCalls: number; score: number }>;
  days: number;
  apiCallsCounted: boolean;
}

/** GET /home */
export interface HomeView {
  figures: {
    datasets: number;
    rows: number;
    contributors: number;
    acceptedThisMonth: number;
    medianReviewSeconds: number | null;
    reviewWindowDays: number;
  };
  featuredDatasets: DatasetSummary[];
  popularDatasets: DatasetSummary[];
  featuredReuses: ReuseSummary[];
  popularReuses: ReuseSummary[];
  latestContributions: Array<{
    id: string;
    dataset: { slug: string; title: string };
    author: { handle: string; name: string };
    changes: number;
    partial: boolean;
    acceptedAt: string;
  }>;
}
