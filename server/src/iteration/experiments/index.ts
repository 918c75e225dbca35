import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import type { CaptureSender } from '../capture/service.js';
import type { CaptureStore } from '../capture/store.js';
import { createExperimentStore } from './store.js';
import { createExperimentService } from './service.js';
import { experimentRoutes } from './routes.js';
import type { VariantAssigner } from './assign.js';

export { flagAssigner, type VariantAssigner } from './assign.js';

/**
 * Experiments (issue 14, item 5): assignment through a flag (`assigner`: `flagAssigner(flags.service)`, the flags'
 * evaluator), exposures logged once per unit, metrics on captured events, results with the SRM check first.
 */
export function createExperiments(deps: {
  db: Kysely<Database>;
  clock: Clock;
  captureStore: Pick<CaptureStore, 'unitEvents'>;
  assigner: VariantAssigner;
  manageable(actor: UserActor, appId: string): Promise<{ id: string }>;
  senderOf(request: FastifyRequest, key?: string): Promise<CaptureSender>;
}) {
  const service = createExperimentService({
    db: deps.db,
    store: createExperimentStore(),
    events: deps.captureStore,
    clock: deps.clock,
    assigner: deps.assigner,
    manageable: deps.manageable,
  });
  return {
    service,
    routes: (api: FastifyInstance) => api.register(experimentRoutes, { experiments: service, senderOf: deps.senderOf }),
  };
}
export type Experiments = ReturnType<typeof createExperiments>;
