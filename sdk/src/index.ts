export { createClient, VERSION } from './client.js';
export type {
  CallOptions,
  ClientOptions,
  Dataset,
  DatasetSummary,
  ItemOf,
  ListPath,
  Me,
  MultitudeClient,
  PageOf,
  PathsWith,
  RequestOptions,
  ResponseData,
  Row,
  RowQuery,
} from './client.js';
export { MultitudeError, parseRetryAfter } from './errors.js';
export type { FieldError, Problem } from './errors.js';
export { DEFAULT_RETRY, RETRYABLE_STATUSES, defaultSleep, retryingFetch } from './retry.js';
export type { RetryInfo, RetryOptions } from './retry.js';
export { verifyWebhook, WebhookVerificationError } from './webhooks.js';
export type { WebhookEvent, WebhookFailure, WebhookHeaders } from './webhooks.js';
export type { components, paths } from './schema.js';
