import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, conflict, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { CaptureSender } from '../capture/service.js';
import type { CaptureStore } from '../capture/store.js';
import type { ExperimentStore, ExperimentRecord } from './store.js';
import type { VariantAssigner } from './assign.js';
import { analyze, type UnitEvent } from './analysis.js';
import type { CreateExperimentBody, ExperimentResults, ExperimentView } from './schema.js';

/** Most exposed units an analysis reads at once (beyond: the bench's columnar path is the way). */
const MAX_UNITS = 200_000;

export function createExperimentService(deps: {
  db: Kysely<Database>;
  store: ExperimentStore;
  events: Pick<CaptureStore, 'unitEvents'>;
  clock: Clock;
  assigner: VariantAssigner;
  manageable(actor: UserActor, appId: string): Promise<{ id: string }>;
}) {
  const { db, store, clock } = deps;
  const view = (r: ExperimentRecord): ExperimentView => ({
    id: r.id,
    appId: r.appId,
    key: r.key,
    flagKey: r.flagKey,
    definition: r.definition,
    startedAt: new Date(r.startedAt).toISOString(),
    stoppedAt: r.stoppedAt === null ? null : new Date(r.stoppedAt).toISOString(),
  });
  const found = async (appId: string, key: string) => {
    const r = await store.byKey(db, appId, key);
    if (!r) throw notFound('Experiment');
    return r;
  };
  return {
    async create(actor: UserActor, appId: string, input: CreateExperimentBody): Promise<ExperimentView> {
      const app = await deps.manageable(actor, appId);
      const keys = input.variants.map((v) => v.key);
      if (new Set(keys).size !== keys.length) throw invalid('variants', 'Variant keys must differ');
      input.metrics.forEach((m, i) => {
        if (m.kind === 'ratio' && !m.denominatorEvent)
          throw invalid(`metrics.${i}.denominatorEvent`, 'A ratio metric needs a denominator event');
        if ((m.kind === 'mean' || m.kind === 'ratio') && !m.property)
          throw invalid(`metrics.${i}.property`, 'A mean or ratio metric sums a numeric property');
      });
      const now = clock.now();
      const record: ExperimentRecord = {
        id: newId('xp'),
        appId: app.id,
        key: input.key,
        flagKey: input.flagKey,
        definition: input,
        createdBy: actor.userId,
        createdAt: now.toISOString(),
        startedAt: now.getTime(),
        stoppedAt: null,
      };
      if (!(await store.insert(db, record))) throw conflict(`The experiment ${input.key} exists`, 'key');
      return view(record);
    },
    async list(actor: UserActor, appId: string) {
      const app = await deps.manageable(actor, appId);
      return (await store.list(db, app.id)).map(view);
    },

    /**
     * The unit's variant, through the experiment's flag, and its exposure logged once (a unit keeps the variant
     * and time of its first exposure, so a later change of weights does not move it).
     */
    async assign(sender: CaptureSender, experimentKey: string, unit: string) {
      const xp = await found(sender.appId, experimentKey);
      if (xp.stoppedAt !== null) throw new AppError('gone', 'This experiment is stopped');
      const variant = await deps.assigner.assign(sender.appId, xp.flagKey, unit, xp.definition.variants);
      // A variant the experiment does not know (the flag changed) is not an exposure.
      if (variant !== null && !xp.definition.variants.some((v) => v.key === variant))
        return { experiment: xp.key, variant };
      if (!variant) return { experiment: xp.key, variant: null };
      const exposure = await store.expose(db, xp.id, unit, variant, clock.now().getTime());
      return { experiment: xp.key, variant: exposure.variant };
    },

    async results(actor: UserActor, appId: string, key: string): Promise<ExperimentResults> {
      const app = await deps.manageable(actor, appId);
      const xp = await found(app.id, key);
      const exposures = await store.exposures(db, xp.id);
      if (exposures.length > MAX_UNITS) throw new AppError('query_too_expensive', 'Too many units for this analysis');
      const names = [
        ...new Set(
          xp.definition.metrics.flatMap((m) => [m.event, ...(m.denominatorEvent ? [m.denominatorEvent] : [])]),
        ),
      ];
      const from = xp.startedAt - (xp.definition.preDays ?? 0) * 86_400_000;
      const raw = await deps.events.unitEvents(
        db,
        app.id,
        names,
        exposures.map((e) => e.unit),
        from,
      );
      const events: UnitEvent[] = raw.map((e) => ({
        unit: e.visitor,
        name: e.name,
        ts: e.ts,
        properties: e.properties,
      }));
      return analyze(xp.key, xp.definition, xp.startedAt, exposures, events);
    },
  };
}
export type ExperimentService = ReturnType<typeof createExperimentService>;
