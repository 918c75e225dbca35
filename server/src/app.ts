import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import { availableParallelism } from 'node:os';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { apiDocsOptions } from './kernel/api-docs.js';
import { finishDocument } from './kernel/openapi.js';
import fastifyStatic from '@fastify/static';
import type { Config } from './config.js';
import { loadSecretKey, logOriginOf } from './config.js';
import { openDatabase, readBool, type Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { withReadScope } from './db/replicas.js';
import { systemClock, type Clock } from './kernel/clock.js';
import type { Redis } from 'ioredis';
import { closeRedis, openRedis } from './kernel/redis.js';
import { clientErrorHandler, Problem, problemPlugin, sendProblem } from './kernel/http.js';
import { loggerOptions, logMode } from './kernel/logging.js';
import { assertCleanText, assertFiniteNumbers } from './kernel/input.js';
import {
  activityRoutes,
  createActivityService,
  createDispatcher,
  createEventRecorder,
  createEventStore,
  type Consumer,
  type Dispatcher,
} from './events/index.js';
import {
  authPlugin,
  createOidcService,
  createPlatform,
  devMailRoutes,
  oidcRoutes,
  SESSION_COOKIE,
  type Platform,
} from './platform/index.js';
import multipart from '@fastify/multipart';
import { createData, MULTIPART_FIELD_BYTES, MULTIPART_FIELDS_LIMIT, QueryCache, type Data } from './data/index.js';
import { createCommunity, type Community } from './community/index.js';
import { badgeDefinitions, createRecognition, type Recognition } from './recognition/index.js';
import { createNotifications, type Notifications } from './notifications/index.js';
import { createApps, type Apps } from './apps/index.js';
import {
  createLedger,
  createLedgerStore,
  ledgerRootRoutes,
  ledgerRoutes,
  createDataAccessLog,
  createDataAccessRecorder,
  parseWitnessVerifierKey,
  createDataAccessStore,
  dataAccessRoutes,
  type DataAccessLog,
  createExportStore,
  createMyDataService,
  myDataRoutes,
  type ExportSection,
  type MyDataService,
  loadNextLogSigner,
  loadOrCreateLogSigner,
  type Ledger,
} from './ledger/index.js';
import { anonymous, type UserActor } from './kernel/actor.js';
import { createHomeService, homeRoutes } from './home/index.js';
import { commitmentsRoutes, createCommitmentsService } from './accountability/index.js';
import {
  apiErrorRateGuardrail,
  createCapture,
  createExperiments,
  createFlags,
  eventRateGuardrail,
  flagAssigner,
} from './iteration/index.js';
import type { Capture, Experiments, Flags } from './iteration/index.js';
import { createServicesCapability, type ServicesCapability } from './services/index.js';
import { createFederation, type CrawlLimits, type Federation } from './federation/index.js';
import { createClusterBus, linkCaches, type ClusterBus } from './kernel/cluster/index.js';

export const API_PREFIX = '/api/v1';

export interface BuildOptions {
  config: Config;
  /** An open database (tests pass an isolated one); otherwise opened from the config. */
  db?: Db;
  clock?: Clock;
  /** Where logs go (tests capture them); stdout otherwise. */
  logStream?: Writable;
  /** Extra event consumers (later capabilities, tests). */
  consumers?: Consumer[];
  /** Sign-in throttle limits: tests lower them to reach them in a few attempts. */
  loginLimits?: { perAccount?: number; perAddress?: number };
  /**
   * Exact `address:port` pairs the SSRF guard lets through although local: tests' stand-ins for public servers.
   * A build option only — no setting reaches it.
   */
  outboundExempt?: string[];
  /** Start the event dispatcher loop (off in most tests, which call `drain()`). */
  startDispatcher?: boolean;
  /** Check every recorded event against the catalog (tests: a wrong payload fails the test that records it). */
  validateEvents?: boolean;
  /** Harvest bounds (tests lower them to reach them). */
  harvestLimits?: Partial<CrawlLimits>;
}

export interface Multitude {
  app: FastifyInstance;
  db: Db;
  platform: Platform;
  data: Data;
  community: Community;
  recognition: Recognition;
  notifications: Notifications;
  apps: Apps;
  /** The transparency log. */
  ledger: Ledger;
  /** The personal-data access log. */
  dataAccess: DataAccessLog;
  /** Feature flags (`flags.service.tick()` in tests). */
  flags: Flags;
  /** "My data" exports (their worker: `myData.drain()` in tests). */
  myData: MyDataService;
  /** Delegated services, their operators and cases (Open311). */
  services: ServicesCapability;
  dispatcher: Dispatcher;
  /** Captured events and dashboards (issue 14). */
  capture: Capture;
  experiments: Experiments;
  /** Harvesting other catalogs, being harvested (its worker: `federation.harvest.drain()` in tests). */
  federation: Federation;
  /** What several instances share: the bus, this instance's result cache and its Redis connection (when set). */
  cluster: { bus: ClusterBus; queryCache: QueryCache; redis: Redis | undefined };
  config: Config;
  /** Stops accepting requests, finishes those in flight, stops consumers, closes the database. */
  close(): Promise<void>;
  /**
   * Leaves a load balancer's pool gracefully (SIGTERM): `/readyz` answers 503 at once while requests are still
   * served for `delayMs` (long enough for the balancer's health checks to notice), then `close()`.
   */
  drain(delayMs: number): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

function findWebDist(config: Config): string | undefined {
  const candidates = [config.webDist, join(here, '../../web/dist')].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(join(p, 'index.html')));
}

/** The composition root: every capability is built and wired here, and only here. */
export async function buildApp(options: BuildOptions): Promise<Multitude> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const db =
    options.db ??
    openDatabase({
      databaseUrl: config.databaseUrl,
      sqliteFile: join(config.dataDir, 'multitude.db'),
      readUrls: config.databaseReadUrls,
      replicas: { maxLagMs: config.replicaMaxLagMs, readYourWritesMs: config.readYourWritesMs },
    });
  await migrateToLatest(db);
  const secretKey = loadSecretKey(config.dataDir);

  const mode = logMode({ level: config.logLevel, stream: options.logStream });
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream, mode.pretty),
    ...(mode.logRequests ? {} : { logController: new LogController({ disableRequestLogging: true }) }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For is believed only from the proxies named in MULTITUDE_TRUST_PROXY: otherwise any client
    // could pick its own address and walk past the per-address limits.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    clientErrorHandler,
    // Unknown fields are rejected (400), never silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // One Redis connection per server (rate limits and sign-in counters exact across instances); none without REDIS_URL.
  let lastRedisError = 0;
  const redis = config.redisUrl
    ? openRedis(config.redisUrl, (err) => {
        const at = Date.now();
        if (at - lastRedisError < 10_000) return;
        lastRedisError = at;
        app.log.warn({ err: String(err) }, 'Redis connection error');
      })
    : undefined;

  const outbound = { allowPrivate: config.allowPrivateUrls, exempt: options.outboundExempt };
  const eventStore = createEventStore(db.dialect);
  const recorder = createEventRecorder({ store: eventStore, clock, validate: options.validateEvents });
  // Built first: every capability that reads someone's personal data records it here.
  const dataAccessStore = createDataAccessStore();
  const dataAccessRecorder = createDataAccessRecorder({ store: dataAccessStore, events: recorder, clock });
  const platform = createPlatform({
    db: db.kysely,
    dialect: db.dialect,
    events: recorder,
    clock,
    dataAccess: dataAccessRecorder,
    secretKey,
    baseUrl: config.baseUrl,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    logger: app.log,
    redis,
    loginThrottlePrefix: config.loginThrottlePrefix,
    loginLimits: options.loginLimits,
  });
  // One results cache per app (not per process): what the query API caches, every table write invalidates.
  const queryCache = new QueryCache();
  const data = createData({
    db,
    events: recorder,
    clock,
    access: platform.access,
    directory: platform.directory,
    dataDir: config.dataDir,
    baseUrl: config.baseUrl,
    name: config.name,
    maxUploadBytes: config.maxUploadBytes,
    outbound,
    queryTimeoutMs: config.queryTimeoutMs,
    queryWorkers: config.queryWorkers,
    columnarThreads: config.columnarThreads,
    queryCache,
    queryPath: config.queryPath,
    logger: app.log,
    s3: config.s3 && { ...config.s3, prefix: config.s3Prefix },
    jobLeaseMs: config.jobLeaseMs,
  });
  const notifications = createNotifications({
    db: db.kysely,
    clock,
    mail: platform.mail,
    accounts: platform.accountStore,
    baseUrl: config.baseUrl,
    logger: app.log,
    names: { badge: (code, locale) => badgeDefinitions.find((b) => b.code === code)?.name[locale] },
  });
  const recognition = createRecognition({
    db,
    events: recorder,
    clock,
    directory: platform.directory,
    baseUrl: config.baseUrl,
    datasets: {
      idBySlug: async (slug) => {
        const row = await data.lookup.bySlug(slug);
        return row && row.status !== 'draft' ? row.id : undefined;
      },
      slugsByIds: async (ids) => {
        const rows = await data.lookup.byIds(ids);
        return new Map(rows.flatMap((r) => (r.status !== 'draft' ? [[r.id, r.slug] as [string, string]] : [])));
      },
    },
  });
  const community = createCommunity({
    db,
    queryCache,
    events: recorder,
    clock,
    access: platform.access,
    directory: platform.directory,
    datasets: data.datasets,
    resources: data.resources,
    baseUrl: config.baseUrl,
    // The account's age, for the new-account message limit (the Directory read model does not carry it).
    accountCreatedAt: async (userId) => (await platform.accountStore.findById(db.kysely, userId))?.createdAt,
    trustLevelOf: (userId) => recognition.trustLevelOf(userId),
    isAdmin: async (userId) => readBool((await platform.accountStore.findById(db.kysely, userId))?.isAdmin),
    adminIds: () => platform.accountStore.adminIds(db.kysely),
    datasetSlugById: async (id) => (await data.lookup.byId(id))?.slug ?? (await data.lookup.bySlug(id))?.slug,
    datasetSlugOfResource: async (resourceId) => (await data.lookup.ofResource(resourceId))?.slug,
  });
  const apps = await createApps({
    db,
    events: recorder,
    clock,
    platform,
    data,
    secretKey,
    baseUrl: config.baseUrl,
    redis,
    rateLimits: config.rateLimits,
    rateLimitPrefix: config.rateLimitPrefix,
    instancesHint: config.instancesHint,
    outbound,
    logger: app.log,
  }).catch(async (err: unknown) => {
    // A configuration the apps refuse (MULTITUDE_RATE_LIMITS) stops the start-up: leave no connection behind.
    if (redis) await closeRedis(redis);
    throw err;
  });
  // Feature flags belong to apps: their managers edit them, the app's server key evaluates them.
  const flags = createFlags({
    db: db.kysely,
    events: recorder,
    clock,
    manageableApp: (actor, appId) => apps.appsCore.apps.manageable(actor, appId),
    appById: (appId) => apps.appsCore.store.findApp(db.kysely, appId),
    guardrails: [
      apiErrorRateGuardrail(apps.usage),
      // Capture is built below; the guardrail only reads it when a release plan ticks, after start.
      eventRateGuardrail({ eventCounts: (appId, names, since) => capture.service.eventCounts(appId, names, since) }),
    ],
    usersByIds: (ids) => platform.directory.usersByIds(ids),
    webApp: () => config.webFlagsApp,
    logger: app.log,
  });
  // Several instances: cache invalidations travel on the cluster bus (Redis pub/sub, else PostgreSQL LISTEN/NOTIFY).
  const bus = createClusterBus({
    redis,
    redisPrefix: config.rateLimitPrefix,
    postgres: db.location.databaseUrl
      ? { databaseUrl: db.location.databaseUrl, pgSchema: db.location.pgSchema }
      : undefined,
    logger: app.log,
  });
  const logOrigin = logOriginOf(config);
  const ledger = createLedger({
    db: db.kysely,
    store: createLedgerStore(db.dialect),
    clock,
    directory: platform.directory,
    signer: loadOrCreateLogSigner(config.dataDir, logOrigin),
    nextSigner: loadNextLogSigner(config.dataDir),
    origin: logOrigin,
    witnesses: config.logWitnesses.map((key) => {
      try {
        return parseWitnessVerifierKey(key);
      } catch (error) {
        throw new Error(`MULTITUDE_LOG_WITNESSES: ${key} is not a witness key (${(error as Error).message})`);
      }
    }),
    logger: app.log,
    bus,
  });
  const dataAccess = createDataAccessLog({
    db: db.kysely,
    store: dataAccessStore,
    events: recorder,
    clock,
    directory: platform.directory,
  });
  // "My data": each section read through its own capability, as the person themself would (a session actor).
  const asOwner = (o: { userId: string; handle: string }): UserActor => ({
    kind: 'user',
    userId: o.userId,
    handle: o.handle,
    isAdmin: false,
    via: 'session',
    scopes: 'all',
  });
  const everything = async <T>(page: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>) => {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const p = await page(cursor);
      items.push(...p.items);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    return items;
  };
  const exportSections: ExportSection[] = [
    { name: 'account', read: (o) => platform.accounts.me(asOwner(o)) },
    {
      name: 'contributions',
      read: (o) =>
        everything((c) =>
          community.contributions.list(asOwner(o), { author: o.handle, _cursor: c, _limit: 100, _sort: 'created' }),
        ),
    },
    { name: 'discussions', read: (o) => community.discussions.messagesBy(o.userId) },
    { name: 'reputation', read: (o) => everything((c) => recognition.service.reputation(o.handle, c, 100)) },
    { name: 'badges', read: async (o) => (await recognition.service.profile(o.handle)).badges },
    {
      name: 'notifications',
      read: (o) => everything((c) => notifications.service.list(asOwner(o), { _cursor: c, _limit: 100 })),
    },
    { name: 'authorized-apps', read: (o) => apps.oauth.service.authorizedApps(asOwner(o)) },
    { name: 'api-tokens', read: (o) => platform.tokens.list(asOwner(o)) },
    { name: 'data-access', read: (o) => everything((c) => dataAccess.mine(asOwner(o), c, 100)) },
  ];
  const myData = createMyDataService({
    db: db.kysely,
    store: createExportStore(),
    clock,
    dataDir: config.dataDir,
    baseUrl: config.baseUrl,
    sections: exportSections,
    contactOf: async (userId) => {
      const user = await platform.accountStore.findById(db.kysely, userId);
      return user && !user.erasedAt ? { handle: user.handle, email: user.email, locale: user.locale } : undefined;
    },
    mail: platform.mail,
    logger: app.log,
  });
  // Delegated services: operators' reads of requesters' data go to the access log; Open311 keys are the apps' keys.
  const services = createServicesCapability({
    db: db.kysely,
    events: recorder,
    clock,
    access: platform.access,
    dataAccess: dataAccessRecorder,
    blobs: data.blobs,
    releaseBlob: data.releaseBlob,
    maxMediaBytes: config.serviceMaxMediaBytes,
    baseUrl: config.baseUrl,
    resolveApiKey: async (key) => apps.bearers.find((b) => b.matches(key))?.resolve(key),
    logger: app.log,
  });
  const federation = createFederation({
    db,
    events: recorder,
    clock,
    access: platform.access,
    organizations: platform.organizations,
    data,
    outbound,
    secretKey,
    baseUrl: config.baseUrl,
    name: config.name,
    limits: options.harvestLimits,
    logger: app.log,
  });
  // Erasure reaches beyond the platform's tables: each capability forgets the person in its own.
  platform.accounts.onErase((userId) => notifications.service.forgetUser(userId));
  platform.accounts.onErase((userId) => apps.oauth.service.forgetUser(userId));
  platform.accounts.onErase((userId) => myData.forgetUser(userId));
  // Capture (issue 14): events of apps and the platform's own footprint, dashboards.
  const capture = createCapture({
    db: db.kysely,
    dialect: db.dialect,
    clock,
    retentionDays: config.captureRetentionDays,
    logger: app.log,
    offload: (work) => data.offload(work),
    columnar:
      db.dialect === 'sqlite' && db.location.sqliteFile !== ':memory:' && config.queryPath !== 'rows'
        ? {
            sqliteFile: db.location.sqliteFile!,
            dir: join(config.dataDir, 'capture'),
            // Every core (up to 4), unlike the data copy's default: DuckDB's own threads run below the event loop's
            // priority there (columnar-worker.ts); a 30-day funnel over 10M events took 223 ms on one, 145 on two.
            threads: Math.min(4, availableParallelism()),
            waitForBuild: config.queryPath === 'columnar',
          }
        : undefined,
    queryTimeoutMs: config.queryTimeoutMs,
    apps: {
      manageable: (actor, appId) => apps.appsCore.apps.manageable(actor, appId),
      organizationOf: async (appId) => {
        const row = await apps.appsCore.store.findApp(db.kysely, appId);
        return row ? { organizationId: row.organizationId } : undefined;
      },
    },
    scope: {
      organizationBySlug: (slug) => platform.access.bySlug(slug),
      isMember: async (actor, organizationId) => (await platform.access.roleOf(actor, organizationId)) !== null,
      datasetBySlug: (slug) => data.lookup.bySlug(slug),
    },
  });
  // Deleting an app (or changing any app credential) drops the capture senders resolved from its keys too.
  apps.appsCore.keyCache.onClear(() => capture.service.senderCache.clear());
  linkCaches(bus, {
    credentials: {
      tokens: platform.tokens.credentialCache,
      keys: apps.appsCore.keyCache,
      captureSenders: capture.service.senderCache,
    },
    queryCache,
    reads: db.replicas,
    blobs: data.cachedBlobs,
  });
  const experiments = createExperiments({
    db: db.kysely,
    clock,
    captureStore: capture.store,
    // An experiment is a flag's variants: units are assigned by the flags' evaluator.
    assigner: flagAssigner(flags.service),
    manageable: (actor, appId) => apps.appsCore.apps.manageable(actor, appId),
    senderOf: capture.senderOf,
  });
  const dispatcher = createDispatcher({
    db: db.kysely,
    store: eventStore,
    clock,
    consumers: [
      ...data.consumers,
      ...recognition.consumers,
      ...notifications.consumers,
      ...apps.consumers,
      ledger.consumer,
      capture.consumer,
      ...(options.consumers ?? []),
    ],
    logger: app.log,
  });
  recorder.setListener(() => dispatcher.notify());

  // The home page composes each capability's own figures and lists.
  const home = createHomeService({
    clock,
    sources: {
      catalogFigures: () => data.figures(),
      contributionFigures: () => community.figures.counts(),
      reviewFigures: () => recognition.platformReviewStats(),
      latestAccepted: (limit) => community.figures.latestAccepted(limit),
      datasets: async (sort, limit) => (await data.datasets.search(anonymous, { _sort: sort, _limit: limit })).items,
      reuses: async (sort, limit) => (await apps.reuses.list({ sort, _limit: limit })).items,
    },
  });

  // The public commitments page composes each capability's measurements.
  const commitments = createCommitmentsService({
    clock,
    sources: {
      reviewDurations: (since) => recognition.service.reviewDurationsSince(since),
      reviewTargets: () => community.reviewRules.targets(),
      organizations: (ids) => platform.directory.organizationsByIds(ids),
      apiMonthly: (fromDay) => apps.usage.platformMonthly(fromDay),
      webhooksSettled: (since) => apps.webhooks.settledSince(since),
      dataAccessCounts: (since) => dataAccess.countsByOrganization(since),
      servicePerformance: (months) => services.services.commitments(months),
    },
  });

  const activity = createActivityService({
    db: db.kysely,
    store: eventStore,
    directory: platform.directory,
    reads: data.replicaReads,
  });
  const oidc = createOidcService({
    providers: config.oidcProviders,
    baseUrl: config.baseUrl,
    allowInsecure: config.oidcAllowInsecure,
    accounts: platform.accounts,
    accountStore: platform.accountStore,
    db: db.kysely,
    secretKey,
  });
  const secureCookies = config.baseUrl.startsWith('https://');

  await app.register(problemPlugin);
  app.addSchema(Problem);
  // One rule for text, at the edge: no NUL and no lone surrogate in any path parameter, query or JSON body
  // (multipart text fields are checked where they are read). See kernel/input.ts.
  app.addHook('preValidation', async (request) => {
    assertCleanText(request.params, 'params');
    assertCleanText(request.query, 'querystring');
    if (request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body))
      assertCleanText(request.body, 'body');
  });
  // After validation: a number that overflowed (1e309 in JSON, or coerced from a query string) is a 400, not a
  // value for the code behind the route.
  app.addHook('preHandler', async (request) => {
    assertFiniteNumbers(request.params, 'params');
    assertFiniteNumbers(request.query, 'querystring');
    if (request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body))
      assertFiniteNumbers(request.body, 'body');
  });
  await app.register(cookie, { secret: secretKey });
  // Read replicas (DATABASE_READ_URLS): every request reads in a scope naming its caller, whose own writes then
  // pin their reads to the primary for a while (db/replicas.ts); a request that writes reads the primary.
  if (db.replicas) {
    const replicas = db.replicas;
    const callerKey = (request: FastifyRequest) =>
      createHash('sha256')
        .update(request.headers.authorization ?? request.cookies[SESSION_COOKIE] ?? `ip:${request.ip}`)
        .digest('base64url')
        .slice(0, 22);
    const safe = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
    app.addHook('preHandler', (request, _reply, done) => {
      withReadScope({ key: callerKey(request), primary: !safe(request.method) }, done);
    });
    app.addHook('onResponse', async (request) => {
      if (!safe(request.method)) replicas.wrote(callerKey(request));
    });
  }
  // API answers are data, not documents: document headers (CSP, COOP, …) only weigh on every response
  // there (about 700 bytes). API routes get the headers that matter to them instead.
  // The transparency log's files (/log/…) are data too, fetched by verifiers in bulk, and so are OFREP's flag
  // evaluations (/ofrep/…), called by apps on every page or request.
  const isData = (url: string) =>
    url.startsWith(API_PREFIX) ||
    url.startsWith('/log/') ||
    url.startsWith('/ofrep/') ||
    url.startsWith('/healthz') ||
    url.startsWith('/readyz');
  app.addHook('onRoute', (route) => {
    if (isData(route.url)) (route as { helmet?: boolean }).helmet = false;
  });
  app.addHook('onSend', async (request, reply) => {
    if (isData(request.url)) {
      reply.header('x-content-type-options', 'nosniff').header('x-frame-options', 'DENY');
      if (secureCookies) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        formAction: ["'self'", ...config.oidcProviders.map((p) => new URL(p.issuer).origin)],
        upgradeInsecureRequests: secureCookies ? [] : null,
      },
    },
    hsts: secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
  // The public read API is for everyone's web apps and notebooks: GET (and HEAD) under /api/v1 and the catalog
  // answer `Access-Control-Allow-Origin: *`, never with credentials, so a cross-site page reads what an
  // anonymous visitor may read and nothing more; cookie-authenticated calls stay same-origin.
  const openCors = {
    origin: '*',
    credentials: false,
    methods: ['GET', 'HEAD'],
    allowedHeaders: ['accept', 'accept-language', 'if-none-match', 'x-request-id'],
    exposedHeaders: ['link', 'ratelimit', 'ratelimit-policy', 'retry-after', 'x-request-id', 'content-disposition'],
    maxAge: 86400,
  };
  const closedCors = { origin: false };
  const captureCors = {
    origin: true,
    credentials: false,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-capture-key'],
    maxAge: 86400,
  };
  // Flag evaluation is called from the browser apps built on the platform (the SDK's OpenFeature web provider, the
  // OFREP web provider), with the app's key in Authorization and never a cookie: any origin, no credentials.
  const flagsCors = {
    origin: '*',
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['accept', 'authorization', 'content-type', 'if-none-match', 'x-multitude-environment'],
    exposedHeaders: ['etag', 'ratelimit', 'ratelimit-policy', 'retry-after', 'x-request-id'],
    maxAge: 86400,
  };
  await app.register(cors, {
    delegator: (request, callback) => {
      const path = (request.url ?? '').split('?')[0]!;
      const open =
        path.startsWith(`${API_PREFIX}/`) ||
        /^\/catalog(\.[a-z]+|\/pages\/\d+)?$/.test(path) ||
        path === '/sitemap.xml' ||
        path.startsWith('/log/') ||
        path.startsWith('/open311/');
      const preflight = request.method === 'OPTIONS';
      const read = request.method === 'GET' || request.method === 'HEAD';
      // Capture takes cross-origin POSTs from browsers: the capture key names the origins it accepts, checked by
      // the route (403 otherwise); never with credentials.
      if (
        (path === `${API_PREFIX}/capture` || path === `${API_PREFIX}/experiments/assign`) &&
        (preflight || request.method === 'POST')
      )
        return callback(null, captureCors);
      if (path.startsWith(`${API_PREFIX}/flags/`) || path.startsWith('/ofrep/v1/evaluate/flags'))
        return callback(null, flagsCors);
      // The same objects every time: the plugin reads them on each request, nothing to build.
      callback(null, open && (read || preflight) ? openCors : closedCors);
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `${config.name} API`,
        version: '1.0.0',
        description:
          'Open data, contributions, developer platform and accountability. Errors are RFC 9457 problem+json; lists use cursor pagination (`_cursor`, `_limit`, `next`).',
      },
      servers: [{ url: config.baseUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal access token (mtp_…)' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'mt_session',
            description: 'Browser session; mutations also need the x-csrf-token header',
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    transformObject: (document) =>
      finishDocument(('openapiObject' in document ? document.openapiObject : {}) as Record<string, unknown>),
  });
  await app.register(swaggerUi, apiDocsOptions(config.name));
  await app.register(authPlugin, {
    accounts: platform.accounts,
    tokens: platform.tokens,
    bearers: apps.bearers,
    clientScopeCheck: apps.clientScopeCheck,
  });
  // Rate limits, quotas and usage capture need the resolved caller.
  await apps.registerHooks(app);
  // Suspended accounts: every mutation answers 403 with the reason (after authentication resolved the actor).
  app.addHook('preHandler', community.suspensionCheck);
  // Uploads stream to the blob store, which enforces the size limit itself (413).
  await app.register(multipart, {
    limits: {
      fileSize: config.maxUploadBytes + 1,
      files: 1,
      fields: MULTIPART_FIELDS_LIMIT,
      fieldSize: MULTIPART_FIELD_BYTES,
    },
  });

  await app.register(
    async (api) => {
      await platform.routes(api, { secureCookies });
      await data.routes(api);
      await community.routes(api);
      await recognition.routes(api);
      await notifications.routes(api);
      await api.register(activityRoutes, { activity, baseUrl: config.baseUrl });
      await api.register(homeRoutes, { home });
      await api.register(oidcRoutes, { oidc, secureCookies });
      await apps.routes(api);
      await api.register(ledgerRoutes, { ledger });
      await api.register(dataAccessRoutes, { log: dataAccess, baseUrl: config.baseUrl });
      await api.register(myDataRoutes, { myData });
      await api.register(commitmentsRoutes, { commitments });
      await capture.routes(api);
      await experiments.routes(api);
      await services.routes(api);
      await flags.routes(api);
      await federation.routes(api);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: API_PREFIX },
  );

  await app.register(data.rootRoutes);
  await apps.rootRoutes(app);
  await app.register(ledgerRootRoutes, { ledger });
  await services.rootRoutes(app);
  await flags.rootRoutes(app);
  await app.register(federation.rootRoutes);

  let draining = false;
  app.get('/healthz', { schema: { tags: ['Operations'], summary: 'Alive' } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { tags: ['Operations'], summary: 'Ready: the database answers' } },
    async (request, reply) => {
      if (draining) return sendProblem(reply, request, 'unavailable', 'The instance is shutting down');
      try {
        await db.ping();
        return { status: 'ready', database: db.dialect };
      } catch {
        return sendProblem(reply, request, 'unavailable', 'The database does not answer');
      }
    },
  );
  if (config.devMail) await app.register(devMailRoutes, { mail: platform.mail, proxied: config.trustProxy !== false });

  const webDist = findWebDist(config);
  if (webDist) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  }
  // The single-page app: unknown GET paths that accept HTML get index.html, with page-specific <head>
  // markup (schema.org JSON-LD on dataset pages) for search engines that do not run scripts.
  const indexHtml = webDist ? readFileSync(join(webDist, 'index.html'), 'utf8') : undefined;
  app.setNotFoundHandler(async (request, reply) => {
    // The home page answers whatever the Accept header says (curl sends */*); other paths are pages only
    // for clients that ask for HTML, so a mistyped API path stays a problem+json 404.
    const path = request.url.split('?')[0]!;
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !request.url.startsWith('/api/') &&
      (path === '/' || (request.headers.accept ?? '').includes('text/html'));
    if (wantsPage && indexHtml) {
      const head = await data.pageHead(path);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(head ? indexHtml.replace('</head>', `${head}</head>`) : indexHtml);
    }
    return sendProblem(reply, request, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
  });

  let mailTimer: NodeJS.Timeout | undefined;
  if (platform.mail.smtpEnabled()) {
    mailTimer = setInterval(
      () => void platform.mail.flush().catch((e: unknown) => app.log.warn({ err: String(e) }, 'mail flush failed')),
      5000,
    );
    mailTimer.unref();
  }
  if (options.startDispatcher) {
    dispatcher.start();
    notifications.start();
    await data.runner.start();
    await apps.start();
    ledger.start();
    myData.start();
    capture.start();
    services.start();
    flags.start();
    federation.start();
  }

  app.addHook('onClose', async () => {
    clearInterval(mailTimer);
    await flags.stop();
    await apps.stop();
    if (redis) await closeRedis(redis);
    await data.runner.stop();
    await data.close().catch(() => undefined);
    await notifications.stop();
    await dispatcher.stop();
    await ledger.stop();
    await myData.stop();
    await capture.stop();
    await services.stop();
    await federation.stop();
    await bus.close();
    await db.close();
  });

  return {
    app,
    db,
    platform,
    data,
    community,
    recognition,
    notifications,
    apps,
    ledger,
    dataAccess,
    myData,
    services,
    flags,
    dispatcher,
    capture,
    experiments,
    federation,
    cluster: { bus, queryCache, redis },
    config,
    close: () => app.close(),
    async drain(delayMs) {
      draining = true;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await app.close();
    },
  };
}
