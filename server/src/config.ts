import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';

export interface OidcProviderConfig {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes?: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL streaming replicas for read-only queries (DATABASE_READ_URLS); empty: the primary reads all. */
  databaseReadUrls: string[];
  /** Beyond this replay lag (ms), a replica is not read (MULTITUDE_REPLICA_MAX_LAG_MS). */
  replicaMaxLagMs: number;
  /** After a caller writes, their reads stay on the primary this long (ms) (MULTITUDE_READ_YOUR_WRITES_MS). */
  readYourWritesMs: number;
  redisUrl: string | undefined;
  baseUrl: string;
  demo: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Serve the mail outbox at /dev/mail (MULTITUDE_DEV_MAIL=1), to loopback clients and administrators only. */
  devMail: boolean;
  /** Which proxies' X-Forwarded-* headers to believe (MULTITUDE_TRUST_PROXY): none, a hop count, or addresses/CIDRs. */
  trustProxy: false | number | string[];
  logLevel: string;
  oidcProviders: OidcProviderConfig[];
  /** Allow http issuers for OIDC (tests, local identity providers). */
  oidcAllowInsecure: boolean;
  webDist: string | undefined;
  /** The platform's name, shown as the catalog's publisher. */
  name: string;
  /** Largest accepted upload, in bytes. */
  maxUploadBytes: number;
  /** Largest attachment of a service request (web or Open311 `media`), in bytes. */
  serviceMaxMediaBytes: number;
  /** Let outbound requests (URL resources, webhooks) reach private and loopback addresses — development and tests only. */
  allowPrivateUrls: boolean;
  /** JSON of rate-limit plan overrides (apps/limits); built-in plans otherwise. */
  rateLimits: string | undefined;
  /** Prefix of the rate-limit keys in Redis (tests give each run its own). */
  rateLimitPrefix: string;
  /** MULTITUDE_INSTANCES: instances assumed by the rate limits' fallback until Redis has counted them. */
  instancesHint: number;
  /** Prefix of the sign-in throttle's keys in Redis (tests give each run its own). */
  loginThrottlePrefix: string;
  /** Origin line of the transparency log's checkpoints; the base URL's host + "/log" when unset. */
  logOrigin?: string;
  /** Witnesses whose cosignatures the log accepts and publishes: C2SP cosignature verifier keys (type 0x04). */
  logWitnesses: string[];
  /** Time limit of every data query (rows, facets, aggregates, stats, each batch of a download), in ms. */
  queryTimeoutMs: number;
  /** Query worker threads (SQLite) or read-only sessions (PostgreSQL); the number of cores by default. */
  queryWorkers: number;
  /**
   * Threads of the columnar engine (DuckDB). One core fewer than the machine by default (at least 1, at most 4):
   * heavy analytics then leave a core to the event loop, so /healthz and cheap routes stay fast meanwhile.
   */
  columnarThreads: number;
  /** `auto`: the DuckDB copy when it is ready, the row store meanwhile; `columnar` waits for it; `rows` never uses it. */
  queryPath: 'auto' | 'columnar' | 'rows';
  /** Days raw captured events are kept (rollups stay). */
  captureRetentionDays: number;
  /** The app whose production flags the platform's own web reads (MULTITUDE_WEB_FLAGS_APP); none when unset. */
  webFlagsApp?: string;
  /** S3-compatible object storage for uploaded files (MULTITUDE_S3_*); the local disk when unset. */
  /** Lease of a claimed background job in ms (MULTITUDE_JOB_LEASE_MS): how soon another instance resumes it. */
  jobLeaseMs?: number;
  /** Key prefix inside the S3 bucket (MULTITUDE_S3_PREFIX; tests give each run its own). */
  s3Prefix?: string;
  s3?: { url: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string };
}

/** Each setting, its environment variable and its CLI flag — the README's table is made from the same facts. */
export const settings = [
  { key: 'port', env: 'PORT', flag: 'port', help: 'TCP port to listen on', default: '3000' },
  { key: 'host', env: 'HOST', flag: 'host', help: 'Interface to bind', default: '0.0.0.0' },
  {
    key: 'dataDir',
    env: 'MULTITUDE_DATA_DIR',
    flag: 'data-dir',
    help: 'Data directory (SQLite file, secret key, uploads)',
    default: './.multitude',
  },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    flag: 'database-url',
    help: 'postgres://… to use PostgreSQL instead of the embedded SQLite',
    default: '',
  },
  {
    key: 'databaseReadUrls',
    env: 'DATABASE_READ_URLS',
    flag: 'database-read-urls',
    help: 'Comma-separated postgres://… of streaming replicas for read-only queries (PostgreSQL only)',
    default: '',
  },
  {
    key: 'replicaMaxLagMs',
    env: 'MULTITUDE_REPLICA_MAX_LAG_MS',
    flag: 'replica-max-lag-ms',
    help: 'Replay lag beyond which a read replica is not used (reads go to the primary)',
    default: '2000',
  },
  {
    key: 'readYourWritesMs',
    env: 'MULTITUDE_READ_YOUR_WRITES_MS',
    flag: 'read-your-writes-ms',
    help: 'How long reads stay on the primary after a write (must exceed the lag bound)',
    default: '5000',
  },
  {
    key: 'redisUrl',
    env: 'REDIS_URL',
    flag: 'redis-url',
    help: 'redis://… for multi-instance rate limits, sign-in counters and pub/sub',
    default: '',
  },
  {
    key: 'baseUrl',
    env: 'MULTITUDE_BASE_URL',
    flag: 'base-url',
    help: 'Public URL of this instance (links in mails, OIDC callbacks)',
    default: 'http://localhost:PORT',
  },
  {
    key: 'demo',
    env: 'MULTITUDE_DEMO',
    flag: 'demo',
    help: 'Seed demo content into an empty database (0 to disable)',
    default: '1',
  },
  {
    key: 'smtpUrl',
    env: 'MULTITUDE_SMTP_URL',
    flag: 'smtp-url',
    help: 'smtp://… to send mail; otherwise mail stays in the outbox, readable at /dev/mail',
    default: '',
  },
  {
    key: 'mailFrom',
    env: 'MULTITUDE_MAIL_FROM',
    flag: 'mail-from',
    help: 'Sender address of outgoing mail',
    default: 'Multitude <no-reply@localhost>',
  },
  {
    key: 'devMail',
    env: 'MULTITUDE_DEV_MAIL',
    flag: 'dev-mail',
    help: 'Serve the mail outbox at /dev/mail (1), to this machine (loopback, no proxy) and platform administrators only',
    default: '0',
  },
  {
    key: 'trustProxy',
    env: 'MULTITUDE_TRUST_PROXY',
    flag: 'trust-proxy',
    help: 'Trust X-Forwarded-For/-Proto from: a hop count (1) or proxy addresses/CIDRs (127.0.0.1,10.0.0.0/8); off by default',
    default: '',
  },
  { key: 'logLevel', env: 'LOG_LEVEL', flag: 'log-level', help: 'pino log level', default: 'info' },
  {
    key: 'name',
    env: 'MULTITUDE_NAME',
    flag: 'name',
    help: "The platform's name (publisher of the catalog)",
    default: 'Multitude',
  },
  {
    key: 'maxUploadBytes',
    env: 'MULTITUDE_MAX_UPLOAD_BYTES',
    flag: 'max-upload-bytes',
    help: 'Largest accepted upload in bytes',
    default: '4294967296',
  },
  {
    key: 'serviceMaxMediaBytes',
    env: 'MULTITUDE_SERVICE_MAX_MEDIA_BYTES',
    flag: 'service-max-media-bytes',
    help: 'Largest attachment of a service request (web or Open311 media) in bytes',
    default: '10485760',
  },
  {
    key: 'rateLimits',
    env: 'MULTITUDE_RATE_LIMITS',
    flag: 'rate-limits',
    help: 'JSON of rate-limit plan overrides, e.g. {"anonymous":{"burst":{"limit":60,"windowSeconds":60},"daily":10000}} (see docs/developer-platform/limits-and-usage.md)',
    default: '',
  },
  {
    key: 'instancesHint',
    env: 'MULTITUDE_INSTANCES',
    flag: 'instances',
    help: 'Instances behind the load balancer, assumed by the rate limits while Redis has not answered yet: each then allows limit / instances (a heartbeat in Redis counts them otherwise)',
    default: '1',
  },
  {
    key: 'logOrigin',
    env: 'MULTITUDE_LOG_ORIGIN',
    flag: 'log-origin',
    help: "Origin (first line) of the transparency log's checkpoints and name of its key",
    default: 'base URL host + /log',
  },
  {
    key: 'logWitnesses',
    env: 'MULTITUDE_LOG_WITNESSES',
    flag: 'log-witnesses',
    help: 'Witness keys (name+hash+base64, comma-separated) whose cosignatures of the log are accepted and published',
    default: 'none',
  },
  {
    key: 'queryTimeoutMs',
    env: 'MULTITUDE_QUERY_TIMEOUT_MS',
    flag: 'query-timeout-ms',
    help: 'Time limit of every data query in milliseconds (503 with Retry-After beyond)',
    default: '5000',
  },
  {
    key: 'queryWorkers',
    env: 'MULTITUDE_QUERY_WORKERS',
    flag: 'query-workers',
    help: 'Query worker threads (SQLite) or read-only sessions (PostgreSQL); the number of cores by default',
    default: '',
  },
  {
    key: 'columnarThreads',
    env: 'MULTITUDE_COLUMNAR_THREADS',
    flag: 'columnar-threads',
    help: 'Threads of the columnar engine (DuckDB); one fewer than the cores by default (1 to 4), to leave a core to the event loop',
    default: '',
  },
  {
    key: 'queryPath',
    env: 'MULTITUDE_QUERY_PATH',
    flag: 'query-path',
    help: 'What answers facets, aggregates, statistics and counts: auto (the columnar copy when ready, else the rows), columnar (wait for the copy) or rows',
    default: 'auto',
  },
  {
    key: 'webFlagsApp',
    env: 'MULTITUDE_WEB_FLAGS_APP',
    flag: 'web-flags-app',
    help: 'Id of the app whose production feature flags the platform’s own web reads (GET /api/v1/web-flags)',
    default: '',
  },
  {
    key: 'captureRetentionDays',
    env: 'MULTITUDE_CAPTURE_RETENTION_DAYS',
    flag: 'capture-retention-days',
    help: 'Days raw captured events are kept; per-day rollups stay for dashboards',
    default: '90',
  },
  {
    key: 's3Url',
    env: 'MULTITUDE_S3_URL',
    flag: 's3-url',
    help: 'Endpoint of an S3-compatible object store for uploaded files (http://127.0.0.1:9000); the local disk when unset',
    default: '',
  },
  { key: 's3Bucket', env: 'MULTITUDE_S3_BUCKET', flag: 's3-bucket', help: 'Bucket of the object store', default: '' },
  {
    key: 's3AccessKeyId',
    env: 'MULTITUDE_S3_ACCESS_KEY_ID',
    flag: 's3-access-key-id',
    help: 'Access key id for the object store',
    default: '',
  },
  {
    key: 's3SecretAccessKey',
    env: 'MULTITUDE_S3_SECRET_ACCESS_KEY',
    flag: 's3-secret-access-key',
    help: 'Secret access key for the object store',
    default: '',
  },
  {
    key: 's3Region',
    env: 'MULTITUDE_S3_REGION',
    flag: 's3-region',
    help: 'Region of the object store (signatures name it)',
    default: 'us-east-1',
  },
  {
    key: 'oidcProviders',
    env: 'MULTITUDE_OIDC_PROVIDERS',
    flag: 'oidc-providers',
    help: 'JSON array of OpenID Connect providers [{id,name,issuer,clientId,clientSecret}]',
    default: '[]',
  },
] as const;

export type SettingKey = (typeof settings)[number]['key'];

function parseBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function parsePositive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** MULTITUDE_TRUST_PROXY: off, a hop count, or a list of proxy addresses/CIDRs — never "trust everyone". */
export function parseTrustProxy(raw: string | undefined): false | number | string[] {
  const value = (raw ?? '').trim();
  if (value === '' || ['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new Error('MULTITUDE_TRUST_PROXY: a hop count is at most 10');
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!(PROXY_KEYWORDS.has(entry) || (family !== 0 && prefixOk && extra === undefined)))
      throw new Error(
        `MULTITUDE_TRUST_PROXY: "${entry}" is not an IP address, a CIDR or one of loopback, linklocal, uniquelocal (or give a hop count)`,
      );
  }
  return entries;
}

function parseProviders(raw: string | undefined): OidcProviderConfig[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('MULTITUDE_OIDC_PROVIDERS must be a JSON array');
  }
  if (!Array.isArray(parsed)) throw new Error('MULTITUDE_OIDC_PROVIDERS must be a JSON array');
  return parsed.map((p: Partial<OidcProviderConfig>, i) => {
    if (!p.id || !p.issuer || !p.clientId) throw new Error(`OIDC provider #${i} needs id, issuer and clientId`);
    if (!/^[a-z0-9-]{1,40}$/.test(p.id)) throw new Error(`OIDC provider id "${p.id}" must match [a-z0-9-]{1,40}`);
    return {
      id: p.id,
      name: p.name ?? p.id,
      issuer: p.issuer,
      clientId: p.clientId,
      clientSecret: p.clientSecret,
      scopes: p.scopes,
    };
  });
}

/** Configuration from environment variables, overridden by CLI flags (same names, kebab-case). */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  flags: Partial<Record<SettingKey, string>> = {},
): Config {
  const get = (key: SettingKey) => {
    const setting = settings.find((s) => s.key === key)!;
    return flags[key] ?? env[setting.env];
  };
  const port = Number(get('port') ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${get('port')}`);
  const databaseUrl = get('databaseUrl') || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// (leave it empty for the embedded SQLite)');
  }
  const databaseReadUrls = (get('databaseReadUrls') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (databaseReadUrls.length && !databaseUrl)
    throw new Error(
      'DATABASE_READ_URLS needs DATABASE_URL: read replicas are PostgreSQL streaming replicas (SQLite has none)',
    );
  for (const url of databaseReadUrls)
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('Each DATABASE_READ_URLS entry must start with postgres://');
  const replicaMaxLagMs = parsePositive(get('replicaMaxLagMs'), 2000, 'MULTITUDE_REPLICA_MAX_LAG_MS');
  const readYourWritesMs = parsePositive(get('readYourWritesMs'), 5000, 'MULTITUDE_READ_YOUR_WRITES_MS');
  if (readYourWritesMs <= replicaMaxLagMs)
    throw new Error(
      'MULTITUDE_READ_YOUR_WRITES_MS must exceed MULTITUDE_REPLICA_MAX_LAG_MS (else a write may be missed)',
    );
  return {
    port,
    host: get('host') || '0.0.0.0',
    dataDir: resolve(get('dataDir') || './.multitude'),
    databaseUrl,
    databaseReadUrls,
    replicaMaxLagMs,
    readYourWritesMs,
    redisUrl: get('redisUrl') || undefined,
    baseUrl: (get('baseUrl') || `http://localhost:${port}`).replace(/\/$/, ''),
    demo: parseBool(get('demo'), true),
    smtpUrl: get('smtpUrl') || undefined,
    mailFrom: get('mailFrom') || 'Multitude <no-reply@localhost>',
    devMail: parseBool(get('devMail'), false),
    trustProxy: parseTrustProxy(get('trustProxy')),
    logLevel: get('logLevel') || 'info',
    oidcProviders: parseProviders(get('oidcProviders')),
    oidcAllowInsecure: parseBool(env.MULTITUDE_OIDC_ALLOW_INSECURE, false),
    webDist: env.MULTITUDE_WEB_DIST,
    name: get('name') || 'Multitude',
    maxUploadBytes: parsePositive(get('maxUploadBytes'), 4 * 1024 ** 3, 'MULTITUDE_MAX_UPLOAD_BYTES'),
    serviceMaxMediaBytes: parsePositive(
      get('serviceMaxMediaBytes'),
      10 * 1024 ** 2,
      'MULTITUDE_SERVICE_MAX_MEDIA_BYTES',
    ),
    allowPrivateUrls: parseBool(env.MULTITUDE_OUTBOUND_ALLOW_PRIVATE ?? env.MULTITUDE_WEBHOOKS_ALLOW_PRIVATE, false),
    rateLimits: get('rateLimits') || undefined,
    rateLimitPrefix: env.MULTITUDE_RATE_LIMIT_PREFIX || 'mt:rl:',
    instancesHint: parsePositive(get('instancesHint'), 1, 'MULTITUDE_INSTANCES'),
    loginThrottlePrefix: env.MULTITUDE_LOGIN_THROTTLE_PREFIX || 'mt:login:',
    logOrigin: get('logOrigin') || undefined,
    logWitnesses: (get('logWitnesses') ?? '')
      .split(/[,\s]+/)
      .map((k) => k.trim())
      .filter(Boolean),
    queryTimeoutMs: parsePositive(get('queryTimeoutMs'), 5000, 'MULTITUDE_QUERY_TIMEOUT_MS'),
    queryWorkers: parsePositive(get('queryWorkers'), Math.max(2, availableParallelism()), 'MULTITUDE_QUERY_WORKERS'),
    columnarThreads: parsePositive(
      get('columnarThreads'),
      Math.max(1, Math.min(4, availableParallelism() - 1)),
      'MULTITUDE_COLUMNAR_THREADS',
    ),
    queryPath: parseQueryPath(get('queryPath') ?? ''),
    captureRetentionDays: parsePositive(get('captureRetentionDays'), 90, 'MULTITUDE_CAPTURE_RETENTION_DAYS'),
    webFlagsApp: get('webFlagsApp') || undefined,
    s3Prefix: env.MULTITUDE_S3_PREFIX || undefined,
    jobLeaseMs: env.MULTITUDE_JOB_LEASE_MS
      ? parsePositive(env.MULTITUDE_JOB_LEASE_MS, 15_000, 'MULTITUDE_JOB_LEASE_MS')
      : undefined,
    s3: parseS3({
      url: get('s3Url'),
      bucket: get('s3Bucket'),
      accessKeyId: get('s3AccessKeyId'),
      secretAccessKey: get('s3SecretAccessKey'),
      region: get('s3Region'),
    }),
  };
}

function parseS3(raw: Record<'url' | 'bucket' | 'accessKeyId' | 'secretAccessKey' | 'region', string | undefined>) {
  if (!raw.url) return undefined;
  if (!/^https?:\/\/[^/]+/.test(raw.url)) throw new Error('MULTITUDE_S3_URL must be an http(s):// endpoint');
  if (!raw.bucket) throw new Error('MULTITUDE_S3_BUCKET is needed with MULTITUDE_S3_URL');
  if (!raw.accessKeyId || !raw.secretAccessKey)
    throw new Error('MULTITUDE_S3_ACCESS_KEY_ID and MULTITUDE_S3_SECRET_ACCESS_KEY are needed with MULTITUDE_S3_URL');
  return {
    url: raw.url.replace(/\/$/, ''),
    bucket: raw.bucket,
    accessKeyId: raw.accessKeyId,
    secretAccessKey: raw.secretAccessKey,
    region: raw.region || 'us-east-1',
  };
}

function parseQueryPath(value: string): Config['queryPath'] {
  if (value === '' || value === 'auto') return 'auto';
  if (value === 'columnar' || value === 'rows') return value;
  throw new Error(`MULTITUDE_QUERY_PATH must be auto, columnar or rows (got ${JSON.stringify(value)})`);
}

/** The instance's secret key: generated on first start, then read from the data directory. */
export function loadSecretKey(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/** The transparency log's origin: configured, or the base URL's host followed by /log. */
export function logOriginOf(config: Pick<Config, 'baseUrl' | 'logOrigin'>): string {
  if (config.logOrigin) {
    if (/[\s+]/u.test(config.logOrigin)) throw new Error('MULTITUDE_LOG_ORIGIN must have no spaces and no plus sign');
    return config.logOrigin;
  }
  const url = new URL(config.baseUrl);
  return `${url.host}${url.pathname.replace(/\/$/, '')}/log`;
}
