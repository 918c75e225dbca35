/**
 * Feature flags: flags per app and environment, segments, scheduled changes, release plans with guardrails, the
 * evaluate endpoint, the ruleset (ETag) and its SSE stream for the SDK, and OFREP.
 * Contract: `routes` under /api/v1, `rootRoutes` at the root (OFREP); `start`/`stop` run `tick` every second;
 * `evaluateFlag` (from the SDK: one evaluator for the server and local evaluation) is the pure function
 * experiments assign variants with. Other capabilities import only from this file.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import type { EventRecorder } from '../../events/recorder.js';
import { createFlagStore } from './store.js';
import { createFlagService, type FlagAppRef, type GuardrailSource } from './service.js';
import { flagRoutes, ofrepRoutes } from './routes.js';

export {
  evaluateFlag,
  compileRuleset,
  bucketOf,
  type Ruleset,
  type FlagDefinition,
  type SegmentDefinition,
  type EvaluationContext,
  type EvaluationResult,
  type Serve,
  type Rule,
  type Condition,
} from '@multitude/sdk/flags/evaluate';
export type { GuardrailSource, FlagService } from './service.js';
export { apiErrorRateGuardrail, eventRateGuardrail } from './guardrails.js';

export interface FlagsDeps {
  db: Kysely<Database>;
  events: EventRecorder;
  clock: Clock;
  manageableApp(actor: UserActor, appId: string): Promise<FlagAppRef>;
  appById(appId: string): Promise<FlagAppRef | undefined>;
  guardrails: GuardrailSource[];
  usersByIds(ids: string[]): Promise<Array<{ id: string; handle: string; name: string }>>;
  staleDays?: number;
  logger: { warn(o: object, m: string): void };
  tickEveryMs?: number;
  /** The app whose production flags the platform's own web reads (read at each request). */
  webApp?: () => string | undefined;
}

export function createFlags(deps: FlagsDeps) {
  const service = createFlagService({
    db: deps.db,
    store: createFlagStore(),
    events: deps.events,
    clock: deps.clock,
    manageableApp: deps.manageableApp,
    appById: deps.appById,
    guardrails: deps.guardrails,
    usersByIds: deps.usersByIds,
    staleDays: deps.staleDays ?? 30,
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  return {
    service,
    routes: (api: FastifyInstance) =>
      api.register(flagRoutes, { flags: service, webApp: deps.webApp ?? (() => undefined) }),
    rootRoutes: (app: FastifyInstance) => app.register(ofrepRoutes, { flags: service }),
    start() {
      timer = setInterval(() => {
        running = running
          .then(() => service.tick())
          .catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'flags: tick failed'));
      }, deps.tickEveryMs ?? 1000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
export type Flags = ReturnType<typeof createFlags>;
