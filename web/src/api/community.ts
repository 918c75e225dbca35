/** Contributions (proposals, reviews, revisions), discussions and moderation: generated types, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery } from './query';
import type { QueryOf, RequestBody, ResponseData } from './schema';

const ResourcePathValue = '/api/v1/datasets/{slug}/resources/{id}';
type ResourcePath = typeof ResourcePathValue;

export type ContributionPage = ResponseData<'/api/v1/contributions', 'get'>;
export type ContributionSummary = ContributionPage['items'][number];
export type ContributionStatus = ContributionSummary['status'];
export type PersonRef = ContributionSummary['author'];
export type ChangePreview = ContributionSummary['preview'][number];
export type ChangeOp = ChangePreview['op'];
export type ContributionView = ResponseData<'/api/v1/contributions/{id}', 'get'>;
export type DiffEntry = ContributionView['diff'][number];
export type RowValues = NonNullable<DiffEntry['before']>;
export type ProposalInput = RequestBody<`${ResourcePath}/contributions`, 'post'>;
export type ChangeInput = ProposalInput['changes'][number];
export type ContributionRules = ResponseData<'/api/v1/datasets/{slug}/contribution-rules', 'get'>;
export type ReviewRules = ResponseData<'/api/v1/organizations/{slug}/review-rules', 'get'>;
export type ReasonTemplate = ResponseData<'/api/v1/organizations/{slug}/reason-templates', 'get'>['items'][number];
export type RowRevision = ResponseData<`${ResourcePath}/rows/{rowId}/revisions`, 'get'>['items'][number];

export type ThreadPage = ResponseData<'/api/v1/discussions', 'get'>;
export type ThreadSummary = ThreadPage['items'][number];
export type DiscussionSubjectKind = ThreadSummary['subject']['kind'];
export type ThreadView = ResponseData<'/api/v1/discussions/{id}', 'get'>;
export type DiscussionMessage = ThreadView['messages'][number];

export type FlagPage = ResponseData<'/api/v1/moderation/flags', 'get'>;
export type Flag = FlagPage['items'][number];
export type FlagReason = Flag['reason'];
export type FlagKind = Flag['target']['kind'];
export type FlagStatus = Flag['status'];
export type SuspensionView = ResponseData<'/api/v1/moderation/users/{handle}/suspend', 'post'>;

export const CONTRIBUTION_STATUSES = [
  'pending',
  'accepted',
  'partially_accepted',
  'rejected',
  'changes_requested',
  'withdrawn',
] as const satisfies readonly ContributionStatus[];
export const FLAG_REASONS = ['spam', 'abuse', 'personal_data', 'wrong_data'] as const satisfies readonly FlagReason[];

const CONTRIBUTION = '/api/v1/contributions/{id}';
const THREAD = '/api/v1/discussions/{id}';
type ContributionsQuery = QueryOf<'/api/v1/contributions'>;

export const useContribution = (id: string) => useApiQuery(CONTRIBUTION, { params: { path: { id } } });
export const useContributions = (query: ContributionsQuery) =>
  useApiQuery('/api/v1/contributions', { params: { query } });
export const fetchContributions = (query: ContributionsQuery, signal?: AbortSignal) =>
  api.GET('/api/v1/contributions', { params: { query }, signal });
export const fetchContribution = (id: string, signal?: AbortSignal) =>
  api.GET(CONTRIBUTION, { params: { path: { id } }, signal });
export const useContributionRules = (slug: string | null) =>
  useApiQuery('/api/v1/datasets/{slug}/contribution-rules', slug === null ? null : { params: { path: { slug } } });
export const useReviewRules = (slug: string) =>
  useApiQuery('/api/v1/organizations/{slug}/review-rules', { params: { path: { slug } } });
export const useReasonTemplates = (slug: string | null) =>
  useApiQuery('/api/v1/organizations/{slug}/reason-templates', slug === null ? null : { params: { path: { slug } } });
export const useRowRevisions = (slug: string, id: string, rowId: number) =>
  useApiQuery(`${ResourcePathValue}/rows/{rowId}/revisions`, {
    params: { path: { slug, id, rowId }, query: { _limit: 50 } },
  });

/** Proposals and their review; each refreshes the contribution, the lists and the dataset's rows and history. */
export function useContributionActions() {
  const client = useQueryClient();
  const done = <T>(value: T) =>
    invalidate(client, ['/api/v1/contributions', '/api/v1/datasets/{slug}']).then(() => value);
  return {
    propose: (slug: string, id: string, body: ProposalInput) =>
      api.POST(`${ResourcePathValue}/contributions`, { params: { path: { slug, id } }, body }).then(done),
    withdraw: (id: string) => api.POST(`${CONTRIBUTION}/withdraw`, { params: { path: { id } } }).then(done),
    accept: (id: string, body: RequestBody<`${typeof CONTRIBUTION}/accept`, 'post'>) =>
      api.POST(`${CONTRIBUTION}/accept`, { params: { path: { id } }, body }).then(done),
    reject: (id: string, body: RequestBody<`${typeof CONTRIBUTION}/reject`, 'post'>) =>
      api.POST(`${CONTRIBUTION}/reject`, { params: { path: { id } }, body }).then(done),
    requestChanges: (id: string, body: RequestBody<`${typeof CONTRIBUTION}/request-changes`, 'post'>) =>
      api.POST(`${CONTRIBUTION}/request-changes`, { params: { path: { id } }, body }).then(done),
    setReviewTarget: (slug: string, targetDays: number | null) =>
      api
        .PUT('/api/v1/organizations/{slug}/review-rules', { params: { path: { slug } }, body: { targetDays } })
        .then((v) => invalidate(client, ['/api/v1/organizations/{slug}/review-rules']).then(() => v)),
  };
}

export const useThread = (id: string) => useApiQuery(THREAD, { params: { path: { id } } });
export const useThreads = (kind: DiscussionSubjectKind, id: string) =>
  useApiQuery('/api/v1/discussions', { params: { query: { subject: `${kind}:${id}` } } });
export const fetchThreads = (kind: DiscussionSubjectKind, id: string, cursor: string) =>
  api.GET('/api/v1/discussions', { params: { query: { subject: `${kind}:${id}`, _cursor: cursor } } });

/** Discussion actions; each answers the updated thread and refreshes the cached ones. */
export function useDiscussionActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/discussions']).then(() => value);
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    open: (body: RequestBody<'/api/v1/discussions', 'post'>) => api.POST('/api/v1/discussions', { body }).then(done),
    reply: (id: string, body: string) => api.POST(`${THREAD}/messages`, { ...path(id), body: { body } }).then(done),
    subscribe: (id: string) => api.POST(`${THREAD}/subscription`, path(id)).then(done),
    unsubscribe: (id: string) => api.DELETE(`${THREAD}/subscription`, path(id)).then(done),
    close: (id: string, body: RequestBody<`${typeof THREAD}/close`, 'post'>) =>
      api.POST(`${THREAD}/close`, { ...path(id), body }).then(done),
    reopen: (id: string) => api.POST(`${THREAD}/reopen`, path(id)).then(done),
    markHelpful: (id: string, messageId: string) =>
      api.POST(`${THREAD}/messages/{messageId}/helpful`, { params: { path: { id, messageId } } }).then(done),
  };
}

export const useFlags = (status: FlagStatus) =>
  useApiQuery('/api/v1/moderation/flags', { params: { query: { status } } });
export const fetchFlags = (status: FlagStatus, cursor: string) =>
  api.GET('/api/v1/moderation/flags', { params: { query: { status, _cursor: cursor } } });

/** Reports and moderation; each refreshes the moderation queue and the discussions it may hide. */
export function useModerationActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/moderation', '/api/v1/discussions']).then(() => value);
  const user = '/api/v1/moderation/users/{handle}';
  return {
    report: (body: RequestBody<'/api/v1/flags', 'post'>) => api.POST('/api/v1/flags', { body }).then(done),
    hide: (body: RequestBody<'/api/v1/moderation/hide', 'post'>) =>
      api.POST('/api/v1/moderation/hide', { body }).then(done),
    dismiss: (id: string) => api.POST('/api/v1/moderation/flags/{id}/dismiss', { params: { path: { id } } }).then(done),
    suspend: (handle: string, body: RequestBody<`${typeof user}/suspend`, 'post'>) =>
      api.POST(`${user}/suspend`, { params: { path: { handle } }, body }).then(done),
    unsuspend: (handle: string) => api.POST(`${user}/unsuspend`, { params: { path: { handle } } }).then(done),
  };
}
