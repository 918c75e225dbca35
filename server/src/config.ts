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
  /** Let outbound requests (URL resources, webhooks) reach private and loopback addresses — development and tests only. */
  allowPrivateUrls: boolean;
  /** JSON of rate-limit plan overrides (apps/limits); built-in plans otherwise. */
  rateLimits: string | undefined;
  /** Prefix of the rate-limit keys in Redis (tests give each run its own). */
  rateLimitPrefix: string;
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
  /** `auto`: the DuckDB copy when it is ready, the row store meanwhile; `columnar` waits for it; `rows` never uses it. */
  queryPath: 'auto' | 'columnar' | 'rows';
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
    key: 'rateLimits',
    env: 'MULTITUDE_RATE_LIMITS',
    flag: 'rate-limits',
    help: 'JSON of rate-limit plan overrides, e.g. {"anonymous":{"burst":{"limit":60,"windowSeconds":60},"daily":10000}} (see docs/developer-platform/limits-and-usage.md)',
    default: '',
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
    key: 'queryPath',
    env: 'MULTITUDE_QUERY_PATH',
    flag: 'query-path',
    help: 'What answers facets, aggregates, statistics and counts: auto (the columnar copy when ready, else the rows), columnar (wait for the copy) or rows',
    default: 'auto',
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
  return {
    port,
    host: get('host') || '0.0.0.0',
    dataDir: resolve(get('dataDir') || './.multitude'),
    databaseUrl,
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
    allowPrivateUrls: parseBool(env.MULTITUDE_OUTBOUND_ALLOW_PRIVATE ?? env.MULTITUDE_WEBHOOKS_ALLOW_PRIVATE, false),
    rateLimits: get('rateLimits') || undefined,
    rateLimitPrefix: env.MULTITUDE_RATE_LIMIT_PREFIX || 'mt:rl:',
    loginThrottlePrefix: env.MULTITUDE_LOGIN_THROTTLE_PREFIX || 'mt:login:',
    logOrigin: get('logOrigin') || undefined,
    logWitnesses: (get('logWitnesses') ?? '')
      .split(/[,\s]+/)
      .map((k) => k.trim())
      .filter(Boolean),
    queryTimeoutMs: parsePositive(get('queryTimeoutMs'), 5000, 'MULTITUDE_QUERY_TIMEOUT_MS'),
    queryWorkers: parsePositive(get('queryWorkers'), Math.max(2, availableParallelism()), 'MULTITUDE_QUERY_WORKERS'),
    queryPath: parseQueryPath(get('queryPath') ?? ''),
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
