import { Webhook, WebhookVerificationError as StandardVerificationError } from 'standardwebhooks';

/** A Multitude webhook message, `{type, timestamp, data}` as Standard Webhooks suggests. */
export interface WebhookEvent<D = Record<string, unknown>> {
  /** The event type, e.g. `dataset.updated`, `rows.changed`, `webhook.test` (see GET /api/v1/webhooks/event-types). */
  type: string;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  /** What it is about: the dataset, resource, contribution… */
  data: D;
}

/** Header shapes accepted: fetch's Headers, Node's IncomingHttpHeaders, or a plain object. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export type WebhookFailure =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'bad_signature'
  | 'invalid_payload';

/** Thrown when a delivery does not verify: answer it with 400 (or 401) and do not act on it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    /** Why, as a stable code. */
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}

const REQUIRED = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function normalizeHeaders(headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : value;
  }
  return out;
}

function toBody(payload: unknown): string | Buffer {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload instanceof ArrayBuffer) return Buffer.from(payload);
  throw new WebhookVerificationError(
    'invalid_payload',
    'verifyWebhook needs the raw request body exactly as received (a string or a Buffer), not a parsed object: ' +
      "the signature covers the bytes. With Express use express.raw({ type: 'application/json' }); with Fastify a raw-body content-type parser.",
  );
}

const failureOf = (message: string): WebhookFailure =>
  message.includes('too old')
    ? 'timestamp_too_old'
    : message.includes('too new')
      ? 'timestamp_too_new'
      : message.includes('Missing')
        ? 'missing_headers'
        : message.includes('Headers')
          ? 'invalid_timestamp'
          : 'bad_signature';

const explanations: Record<WebhookFailure, string> = {
  missing_headers: 'The webhook-id, webhook-timestamp and webhook-signature headers are required',
  invalid_timestamp: 'The webhook-timestamp header is not a Unix time in seconds',
  timestamp_too_old: 'The message is older than 5 minutes (a replay, or a clock out of sync)',
  timestamp_too_new: 'The message is dated more than 5 minutes in the future (a clock out of sync)',
  bad_signature: 'No signature matches: the body was changed, or the secret is not this subscription’s',
  invalid_payload: 'The body is not JSON',
};

/**
 * Verifies a Standard Webhooks delivery (`webhook-id`, `webhook-timestamp`, `webhook-signature`
 * `v1,<base64 HMAC-SHA256>`) with the subscription's `whsec_…` secret, and returns the parsed JSON body.
 * Pass several secrets while rotating: the delivery verifies when one of them matches.
 * Throws WebhookVerificationError (with a `reason`) when it does not verify.
 */
export function verifyWebhook<T = WebhookEvent>(
  payload: string | Buffer | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string | string[],
): T {
  const body = toBody(payload);
  const normalized = normalizeHeaders(headers);
  const missing = REQUIRED.filter((h) => !normalized[h]);
  if (missing.length)
    throw new WebhookVerificationError(
      'missing_headers',
      `${explanations.missing_headers}; missing: ${missing.join(', ')}`,
    );
  const secrets = (Array.isArray(secret) ? secret : [secret]).filter((s) => typeof s === 'string' && s.length > 0);
  if (secrets.length === 0) throw new TypeError('verifyWebhook needs the subscription’s secret (whsec_…)');
  let failure: WebhookFailure = 'bad_signature';
  for (const s of secrets) {
    let verifier: Webhook;
    try {
      verifier = new Webhook(s);
    } catch (error) {
      throw new TypeError(`Not a webhook secret (expected whsec_ followed by base64): ${(error as Error).message}`);
    }
    try {
      verifier.verify(body, normalized, { jsonParse: false });
    } catch (error) {
      if (!(error instanceof StandardVerificationError)) throw error;
      failure = failureOf(error.message);
      // A timestamp problem does not depend on the secret.
      if (failure !== 'bad_signature') break;
      continue;
    }
    try {
      return JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as T;
    } catch {
      throw new WebhookVerificationError('invalid_payload', explanations.invalid_payload);
    }
  }
  throw new WebhookVerificationError(failure, explanations[failure]);
}
