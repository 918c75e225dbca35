import { PROBLEM_BASE } from './http.js';
import { errorCodes, type ErrorCode } from './errors.js';

type Json = Record<string, unknown>;

/** What a problem answer looks like for each documented status: its code, and an example detail. */
const PROBLEM_RESPONSES: Record<string, { name: string; code: ErrorCode; description: string; detail: string }> = {
  '400': {
    name: 'BadRequest',
    code: 'validation_failed',
    description: 'The request is malformed: a parameter or a field is invalid (see `errors`)',
    detail: 'Unknown column "populaton" in "populaton__gte"',
  },
  '401': {
    name: 'Unauthorized',
    code: 'unauthenticated',
    description: 'Authentication is required, or the token is unknown, expired or revoked',
    detail: 'A valid session or bearer token is required',
  },
  '403': {
    name: 'Forbidden',
    code: 'forbidden',
    description: 'Authenticated, but not allowed: a missing scope or role (`insufficient_scope`, `forbidden`)',
    detail: 'This token lacks the scope data:write',
  },
  '404': {
    name: 'NotFound',
    code: 'not_found',
    description: 'No such thing, or you may not know it exists',
    detail: 'Dataset not found',
  },
  '409': {
    name: 'Conflict',
    code: 'conflict',
    description: 'The request conflicts with the current state (a duplicate, a stale version)',
    detail: 'A dataset with this slug already exists',
  },
  '429': {
    name: 'TooManyRequests',
    code: 'rate_limited',
    description:
      'The caller’s plan is spent for now: wait `Retry-After` seconds. `RateLimit` and `RateLimit-Policy` say where you stand on every answer',
    detail: 'Too many requests at once for the free plan (60 per 60 s); retry in 12 s',
  },
  '503': {
    name: 'Unavailable',
    code: 'query_timeout',
    description: 'Temporarily unable to answer (a query ran past its time limit): retry after `Retry-After` seconds',
    detail: 'The query ran past its time limit of 5000 ms',
  },
};

const RATE_HEADERS: Json = {
  RateLimit: {
    description:
      'What is left of each policy of the caller’s plan: `r` requests, whole again in `t` seconds (draft-ietf-httpapi-ratelimit-headers). Sent on every limited answer.',
    schema: { type: 'string' },
    example: '"burst";r=59;t=60, "daily";r=9998;t=43200',
  },
  'RateLimit-Policy': {
    description: 'The caller’s plan as named policies: `q` requests per `w` seconds.',
    schema: { type: 'string' },
    example: '"burst";q=60;w=60, "daily";q=10000;w=86400',
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 0 },
    example: 12,
  },
};

const SUCCESS: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'No content' };

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const isProblemRef = (response: unknown) =>
  JSON.stringify((response as Json | undefined)?.content ?? {}).includes('"#/components/schemas/Problem"');

function problemResponse(status: string): Json {
  const p = PROBLEM_RESPONSES[status]!;
  const headers: Json =
    status === '429'
      ? { RateLimit: ref('headers', 'RateLimit'), 'RateLimit-Policy': ref('headers', 'RateLimit-Policy') }
      : {};
  if (status === '429' || status === '503') headers['Retry-After'] = ref('headers', 'Retry-After');
  return {
    description: p.description,
    ...(Object.keys(headers).length ? { headers } : {}),
    content: {
      'application/problem+json': {
        schema: ref('schemas', 'Problem'),
        example: {
          type: PROBLEM_BASE + p.code,
          title: errorCodes[p.code].title,
          status: Number(status),
          detail: p.detail,
          instance: '/api/v1/datasets/communes',
          code: p.code,
        },
      },
    },
  };
}

/**
 * Finishes the generated OpenAPI document, in one place rather than in every route: problem answers are
 * `application/problem+json` shared responses with examples; every `/api/v1` operation documents the 429 of
 * the rate limits and the `RateLimit` headers of its successful answers (the limits hook adds them to all).
 */
export function finishDocument(document: Json): Json {
  const components = (document.components ??= {}) as Json;
  components.headers = { ...((components.headers as Json | undefined) ?? {}), ...RATE_HEADERS };
  const responses = ((components.responses as Json | undefined) ?? {}) as Json;
  for (const status of Object.keys(PROBLEM_RESPONSES)) {
    responses[PROBLEM_RESPONSES[status]!.name] = problemResponse(status);
  }
  components.responses = responses;

  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    for (const operation of Object.values(item) as Json[]) {
      const answers = operation.responses as Json | undefined;
      if (!answers) continue;
      for (const [status, response] of Object.entries(answers)) {
        if (PROBLEM_RESPONSES[status] && isProblemRef(response)) {
          answers[status] = ref('responses', PROBLEM_RESPONSES[status].name);
        } else if (path.startsWith('/api/v1/') && /^2/.test(status)) {
          const r = response as Json;
          if (r.description === 'Default Response') r.description = SUCCESS[status] ?? 'Success';
          r.headers = {
            RateLimit: ref('headers', 'RateLimit'),
            'RateLimit-Policy': ref('headers', 'RateLimit-Policy'),
            ...((r.headers as Json | undefined) ?? {}),
          };
        }
      }
      if (path.startsWith('/api/v1/') && !answers['429']) answers['429'] = ref('responses', 'TooManyRequests');
    }
  }
  return document;
}
