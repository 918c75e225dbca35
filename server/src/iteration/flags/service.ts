import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  compileFlag,
  compileRuleset,
  RuleError,
  type CompiledRuleset,
  type EvaluationContext,
  type EvaluationResult,
  type FlagDefinition,
  type Ruleset,
  type SegmentDefinition,
} from '@multitude/sdk/flags/evaluate';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, conflict, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { FlagStore, FlagRow, PlanRow, ScheduleRow, SegmentRow } from './store.js';
import {
  ENVIRONMENTS,
  type AuditEntry,
  type CreateFlagBody,
  type FlagChanges,
  type FlagView,
  type Guardrail,
  type PlanBody,
  type PlanView,
  type ScheduleBody,
  type ScheduleView,
  type SegmentBody,
  type SegmentView,
  type Stage,
  type UpdateFlagBody,
} from './schema.js';

/**
 * A metric a release plan watches. `measure` reads it for one app since a time (the current stage's start);
 * `samples` is how many observations it rests on (a guardrail with fewer than its `minSamples` does not judge).
 * Built in: the API error rate (usage analytics) and a captured event's rate (`event_rate`, from capture); others
 * implement this interface and are passed to `createFlags`.
 */
export interface GuardrailSource {
  name: string;
  measure(input: {
    appId: string;
    since: Date;
    now: Date;
    params: Record<string, string | number | boolean>;
  }): Promise<{ value: number | null; samples: number }>;
  /** Why `params` cannot work (refused when the plan is saved), or null. */
  check?(params: Record<string, string | number | boolean>): string | null;
}

export interface FlagAppRef {
  id: string;
  organizationId: string | null;
}

export interface FlagServiceDeps {
  db: Kysely<Database>;
  store: FlagStore;
  events: EventRecorder;
  clock: Clock;
  /** The app when the actor may manage it (its owner, or its organization's owners and admins); throws 404 otherwise. */
  manageableApp(actor: UserActor, appId: string): Promise<FlagAppRef>;
  /** The app by id, for system actions (schedules, release plans). */
  appById(appId: string): Promise<FlagAppRef | undefined>;
  guardrails: GuardrailSource[];
  /** Names of the people in the audit trail. */
  usersByIds(ids: string[]): Promise<Array<{ id: string; handle: string; name: string }>>;
  /** A flag unevaluated, or serving one variant to everyone, for this many days is reported stale. */
  staleDays: number;
}

type Listener = (update: { version: string; ruleset: Ruleset }) => void;

interface CachedRuleset {
  version: number;
  checkedAt: number;
  etag: string;
  ruleset: Ruleset;
  compiled: CompiledRuleset;
  ids: Map<string, string>;
}

/** How long an instance serves a ruleset before checking its version again (changes made elsewhere). */
const RECHECK_MS = 500;

const scope = (app: FlagAppRef) =>
  app.organizationId
    ? { visibility: 'organization' as const, organizationId: app.organizationId }
    : { visibility: 'private' as const };

function ruleError(error: unknown): never {
  if (error instanceof RuleError) throw invalid(error.path, error.message);
  throw error;
}

const percentOf = (plan: { stages: Stage[]; currentStage: number }) => plan.stages[plan.currentStage]?.percent ?? 0;

export function createFlagService(deps: FlagServiceDeps) {
  const { db, store, events, clock } = deps;
  const now = () => clock.now().toISOString();
  const cache = new Map<string, CachedRuleset>();
  const listeners = new Map<string, Set<Listener>>();
  /** Flag ids evaluated since the last flush (their last_evaluated_at is written by `tick`). */
  const evaluated = new Set<string>();

  const cacheKey = (appId: string, environment: string) => `${appId}\0${environment}`;

  async function segmentsOf(trx: Kysely<Database>, appId: string): Promise<Record<string, SegmentDefinition>> {
    const rows = await store.segmentsOf(trx, appId);
    return Object.fromEntries(rows.map((r) => [r.key, { key: r.key, conditions: readJson(r.conditions) }]));
  }

  const defOf = (row: FlagRow) => readJson<FlagDefinition>(row.definition);

  function checked(def: FlagDefinition, segments: Record<string, SegmentDefinition>): FlagDefinition {
    try {
      compileFlag(def, segments);
    } catch (error) {
      ruleError(error);
    }
    return def;
  }

  /** After a change is committed: drop the cached ruleset and push the new one to streams. */
  async function changed(appId: string, environments: readonly string[]) {
    events.notify();
    for (const env of environments) {
      cache.delete(cacheKey(appId, env));
      const subs = listeners.get(cacheKey(appId, env));
      if (!subs?.size) continue;
      const current = await rulesetOf(appId, env);
      for (const l of subs) l({ version: current.etag, ruleset: current.ruleset });
    }
  }

  async function rulesetOf(appId: string, environment: string): Promise<CachedRuleset> {
    const key = cacheKey(appId, environment);
    const hit = cache.get(key);
    const t = Date.now();
    if (hit && t - hit.checkedAt < RECHECK_MS) return hit;
    const version = await store.version(db, appId, environment);
    if (hit && hit.version === version) {
      hit.checkedAt = t;
      return hit;
    }
    const [rows, segments] = await Promise.all([store.flagsOf(db, appId, environment), segmentsOf(db, appId)]);
    const flags: Record<string, FlagDefinition> = {};
    const ids = new Map<string, string>();
    for (const r of rows) {
      flags[r.key] = defOf(r);
      ids.set(r.key, r.id);
    }
    const body = JSON.stringify({ flags, segments });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const ruleset: Ruleset = { environment, version: etag, flags, segments };
    const entry: CachedRuleset = { version, checkedAt: t, etag, ruleset, compiled: compileRuleset(ruleset), ids };
    cache.set(key, entry);
    return entry;
  }

  async function evaluateAnswers(appId: string, environment: string, context: EvaluationContext, flagKey?: string) {
    const r = await rulesetOf(appId, environment);
    const keys = flagKey ? [flagKey] : Object.keys(r.ruleset.flags);
    const answers: EvaluationResult[] = [];
    for (const key of keys) {
      const id = r.ids.get(key);
      if (id) evaluated.add(id);
      answers.push(r.compiled.evaluate(key, context));
    }
    return { etag: r.etag, keys, answers };
  }

  function staleness(row: FlagRow, def: FlagDefinition, at: Date): string | null {
    const limit = at.getTime() - deps.staleDays * 86_400_000;
    const single = def.rules.length === 0 && 'variant' in def.fallthrough && def.enabled;
    if (single && Date.parse(row.updatedAt) < limit)
      return `serves ${(def.fallthrough as { variant: string }).variant} to everyone for more than ${deps.staleDays} days`;
    const last = row.lastEvaluatedAt ?? row.createdAt;
    if (Date.parse(last) < limit) return `not evaluated for more than ${deps.staleDays} days`;
    return null;
  }

  function toView(rows: FlagRow[], at: Date): FlagView[] {
    const byKey = new Map<string, FlagView>();
    for (const r of rows) {
      const def = defOf(r);
      let v = byKey.get(r.key);
      if (!v)
        byKey.set(
          r.key,
          (v = { key: r.key, description: r.description, type: def.type, createdAt: r.createdAt, environments: {} }),
        );
      v.environments[r.environment] = {
        definition: def as FlagView['environments'][string]['definition'],
        version: r.version,
        updatedAt: r.updatedAt,
        lastEvaluatedAt: r.lastEvaluatedAt,
        stale: staleness(r, def, at),
      };
    }
    return [...byKey.values()];
  }

  const planView = (p: PlanRow): PlanView => {
    const stages = readJson<Stage[]>(p.stages);
    return {
      id: p.id,
      environment: p.environment,
      flagKey: p.flagKey,
      variant: p.variant,
      baselineVariant: p.baselineVariant,
      stages,
      guardrails: readJson<Guardrail[]>(p.guardrails),
      currentStage: p.currentStage,
      percent: percentOf({ stages, currentStage: p.currentStage }),
      status: p.status,
      stageStartedAt: p.stageStartedAt,
      pausedReason: p.pausedReason,
    };
  };
  const scheduleView = (s: ScheduleRow): ScheduleView => ({
    id: s.id,
    environment: s.environment,
    flagKey: s.flagKey,
    runAt: s.runAt,
    changes: readJson(s.changes),
    reason: s.reason,
    status: s.status,
    appliedAt: s.appliedAt,
    error: s.error,
  });

  /** Applies changes to one flag in one environment, inside `trx`, with its audit event. */
  async function applyChanges(
    trx: Kysely<Database>,
    app: FlagAppRef,
    row: FlagRow,
    changes: FlagChanges & { description?: string },
    audit: { actorId: string | null; reason: string; by: 'user' | 'schedule' | 'release_plan' },
  ) {
    const def: FlagDefinition = { ...defOf(row) };
    const fields: string[] = [];
    for (const f of ['enabled', 'variants', 'offVariant', 'rules', 'fallthrough', 'bucketBy'] as const) {
      if (changes[f] === undefined) continue;
      (def as unknown as Record<string, unknown>)[f] = changes[f];
      fields.push(f);
    }
    if (changes.description !== undefined) fields.push('description');
    if (fields.length === 0) throw invalid('body', 'Nothing to change');
    checked(def, await segmentsOf(trx, app.id));
    const version = row.version + 1;
    await store.updateFlag(trx, row.id, {
      definition: JSON.stringify(def),
      version,
      updatedAt: now(),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
    });
    await store.bumpVersion(trx, app.id, row.environment);
    await events.record(trx, {
      type: 'flag.changed',
      actorId: audit.actorId,
      subjectId: row.id,
      ...scope(app),
      payload: {
        key: row.key,
        appId: app.id,
        environment: row.environment,
        fields,
        version,
        reason: audit.reason,
        by: audit.by,
      },
    });
    return def;
  }

  /** The fallthrough a release plan serves at a percentage: the variant first, so units stay in as it grows. */
  const planServe = (variant: string, baseline: string, percent: number) => {
    const weight = Math.round(percent * 100);
    return weight >= 10000
      ? { variant }
      : {
          rollout: [
            { variant, weight },
            { variant: baseline, weight: 10000 - weight },
          ],
        };
  };

  async function planEvent(
    trx: Kysely<Database>,
    app: FlagAppRef,
    p: { id: string; flagKey: string; environment: string },
    status: string,
    stage: number,
    percent: number,
    reason: string,
    actorId: string | null,
  ) {
    await events.record(trx, {
      type: 'flag.release_plan_changed',
      actorId,
      subjectId: p.id,
      ...scope(app),
      payload: {
        planId: p.id,
        key: p.flagKey,
        appId: app.id,
        environment: p.environment,
        status,
        stage,
        percent,
        reason,
      },
    });
  }

  async function guardrailVerdict(appId: string, guardrails: Guardrail[], since: Date): Promise<string | null> {
    for (const g of guardrails) {
      const source = deps.guardrails.find((s) => s.name === g.source);
      if (!source) continue;
      const m = await source.measure({ appId, since, now: clock.now(), params: g.params ?? {} });
      if (m.value !== null && m.samples >= g.minSamples && m.value > g.threshold)
        return `guardrail ${g.source} degraded: ${m.value.toFixed(4)} > ${g.threshold} over ${m.samples} samples`;
    }
    return null;
  }

  return {
    environments: ENVIRONMENTS,

    async list(actor: UserActor, appId: string): Promise<FlagView[]> {
      await deps.manageableApp(actor, appId);
      return toView(await store.flagsOf(db, appId), clock.now());
    },

    async get(actor: UserActor, appId: string, key: string): Promise<FlagView> {
      await deps.manageableApp(actor, appId);
      const rows = (await store.flagsOf(db, appId)).filter((r) => r.key === key);
      if (!rows.length) throw notFound('Flag');
      return toView(rows, clock.now())[0]!;
    },

    async create(actor: UserActor, appId: string, body: CreateFlagBody): Promise<FlagView> {
      const app = await deps.manageableApp(actor, appId);
      const segments = await segmentsOf(db, appId);
      const def: FlagDefinition = {
        key: body.key,
        type: body.type,
        variants: body.variants as FlagDefinition['variants'],
        enabled: false,
        offVariant: body.offVariant,
        rules: [],
        fallthrough: { variant: body.defaultVariant ?? body.offVariant },
        seed: randomBytes(6).toString('hex'),
      };
      checked(def, segments);
      if ((await store.flagsOf(db, appId)).some((r) => r.key === body.key))
        throw conflict('A flag with this key already exists', 'key');
      const at = now();
      const firstId = newId('flg');
      await db.transaction().execute(async (trx) => {
        for (const environment of ENVIRONMENTS) {
          await store.insertFlag(trx, {
            id: environment === 'production' ? firstId : newId('flg'),
            appId,
            environment,
            key: body.key,
            description: body.description ?? '',
            definition: JSON.stringify(def),
            version: 1,
            createdBy: actor.userId,
            createdAt: at,
            updatedAt: at,
            lastEvaluatedAt: null,
          });
          await store.bumpVersion(trx, appId, environment);
        }
        await events.record(trx, {
          type: 'flag.created',
          actorId: actor.userId,
          subjectId: firstId,
          ...scope(app),
          payload: { key: body.key, appId, reason: body.reason },
        });
      });
      await changed(appId, ENVIRONMENTS);
      return this.get(actor, appId, body.key);
    },

    async update(actor: UserActor, appId: string, environment: string, key: string, body: UpdateFlagBody) {
      const app = await deps.manageableApp(actor, appId);
      const { reason, ...changes } = body;
      await db.transaction().execute(async (trx) => {
        const row = await store.flag(trx, appId, environment, key);
        if (!row) throw notFound('Flag');
        if (changes.fallthrough && (await store.activePlanOf(trx, appId, environment, key)))
          throw conflict('A release plan drives this flag’s rollout: pause or cancel it first', 'fallthrough');
        await applyChanges(trx, app, row, changes, { actorId: actor.userId, reason, by: 'user' });
      });
      await changed(appId, [environment]);
      return this.get(actor, appId, key);
    },

    async remove(actor: UserActor, appId: string, key: string, reason: string) {
      const app = await deps.manageableApp(actor, appId);
      await db.transaction().execute(async (trx) => {
        const rows = (await store.flagsOf(trx, appId)).filter((r) => r.key === key);
        if (!rows.length) throw notFound('Flag');
        await store.deleteFlag(trx, appId, key);
        for (const environment of ENVIRONMENTS) await store.bumpVersion(trx, appId, environment);
        await events.record(trx, {
          type: 'flag.deleted',
          actorId: actor.userId,
          subjectId: rows[0]!.id,
          ...scope(app),
          payload: { key, appId, reason },
        });
      });
      await changed(appId, ENVIRONMENTS);
    },

    /** The audit trail of an app's flags (who, when, why), newest first, from the event spine. */
    async audit(
      actor: UserActor,
      appId: string,
      page: { limit: number; before?: number },
    ): Promise<{ items: AuditEntry[]; next: number | null }> {
      await deps.manageableApp(actor, appId);
      const rows = await store.auditOf(db, appId, page.limit, page.before);
      const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
      const people = new Map((await deps.usersByIds(actorIds)).map((u) => [u.id, u]));
      const items = rows.map((r): AuditEntry => {
        const p = readJson<Record<string, unknown>>(r.payload);
        const person = r.actorId ? people.get(r.actorId) : undefined;
        const str = (v: unknown) => (typeof v === 'string' ? v : null);
        return {
          id: r.id,
          type: r.type,
          at: r.occurredAt,
          actor: person ? { handle: person.handle, name: person.name } : null,
          key: str(p.key) ?? '',
          environment: str(p.environment),
          reason: str(p.reason) ?? '',
          by: str(p.by) ?? (r.type === 'flag.release_plan_changed' && !r.actorId ? 'release_plan' : 'user'),
          fields: Array.isArray(p.fields) ? p.fields.map(String) : [],
          status: str(p.status) ?? (p.action ? String(p.action) : p.cancelled === true ? 'cancelled' : null),
          percent: typeof p.percent === 'number' ? p.percent : null,
        };
      });
      const last = rows.at(-1);
      return { items, next: rows.length === page.limit && last ? Number(last.position) : null };
    },

    // ---------------------------------------------------------------- segments

    async segments(actor: UserActor, appId: string): Promise<SegmentView[]> {
      await deps.manageableApp(actor, appId);
      const [rows, flags] = await Promise.all([store.segmentsOf(db, appId), store.flagsOf(db, appId)]);
      return rows.map((r) => this.segmentView(r, flags));
    },

    segmentView(r: SegmentRow, flags: FlagRow[]): SegmentView {
      return {
        key: r.key,
        description: r.description,
        conditions: readJson(r.conditions),
        usedBy: flags.filter((f) => references(defOf(f), r.key)).map((f) => `${f.key}@${f.environment}`),
        updatedAt: r.updatedAt,
      };
    },

    async putSegment(actor: UserActor, appId: string, key: string, body: SegmentBody): Promise<SegmentView> {
      const app = await deps.manageableApp(actor, appId);
      // A segment's conditions compile like a rule's (segments may not nest).
      try {
        compileFlag({
          key: '$segment',
          type: 'boolean',
          variants: { on: true },
          enabled: true,
          offVariant: 'on',
          rules: [
            {
              id: 'segment',
              conditions: body.conditions as FlagDefinition['rules'][number]['conditions'],
              serve: { variant: 'on' },
            },
          ],
          fallthrough: { variant: 'on' },
          seed: '',
        });
      } catch (error) {
        if (error instanceof RuleError) throw invalid(error.path.replace(/^rules\[0\]\./, ''), error.message);
        throw error;
      }
      if (body.conditions.some((c) => c.op === 'in_segment' || c.op === 'not_in_segment'))
        throw invalid('conditions', 'A segment cannot reference another segment');
      const at = now();
      let action: 'created' | 'updated' = 'created';
      await db.transaction().execute(async (trx) => {
        const existing = await store.segment(trx, appId, key);
        const conditions = JSON.stringify(body.conditions);
        if (existing) {
          action = 'updated';
          await store.updateSegment(trx, existing.id, {
            description: body.description ?? '',
            conditions,
            updatedAt: at,
          });
        } else {
          await store.insertSegment(trx, {
            id: newId('seg'),
            appId,
            key,
            description: body.description ?? '',
            conditions,
            createdAt: at,
            updatedAt: at,
          });
        }
        for (const environment of ENVIRONMENTS) await store.bumpVersion(trx, appId, environment);
        await events.record(trx, {
          type: 'flag.segment_changed',
          actorId: actor.userId,
          subjectId: existing?.id ?? null,
          ...scope(app),
          payload: { key, appId, action, reason: body.reason },
        });
      });
      await changed(appId, ENVIRONMENTS);
      const [row, flags] = await Promise.all([store.segment(db, appId, key), store.flagsOf(db, appId)]);
      return this.segmentView(row!, flags);
    },

    /** Refused (409) while a flag in any environment references the segment. */
    async removeSegment(actor: UserActor, appId: string, key: string, reason: string) {
      const app = await deps.manageableApp(actor, appId);
      await db.transaction().execute(async (trx) => {
        const row = await store.segment(trx, appId, key);
        if (!row) throw notFound('Segment');
        const users = (await store.flagsOf(trx, appId)).filter((f) => references(defOf(f), key));
        if (users.length)
          throw conflict(
            `The segment is used by ${users.map((f) => `${f.key}@${f.environment}`).join(', ')}: remove it from their rules first`,
            'key',
          );
        await store.deleteSegment(trx, row.id);
        for (const environment of ENVIRONMENTS) await store.bumpVersion(trx, appId, environment);
        await events.record(trx, {
          type: 'flag.segment_changed',
          actorId: actor.userId,
          subjectId: row.id,
          ...scope(app),
          payload: { key, appId, action: 'deleted', reason },
        });
      });
      await changed(appId, ENVIRONMENTS);
    },

    // ---------------------------------------------------------------- scheduled changes

    async schedules(actor: UserActor, appId: string): Promise<ScheduleView[]> {
      await deps.manageableApp(actor, appId);
      return (await store.schedulesOf(db, appId)).map(scheduleView);
    },

    async schedule(actor: UserActor, appId: string, body: ScheduleBody): Promise<ScheduleView> {
      const app = await deps.manageableApp(actor, appId);
      const runAt = new Date(body.runAt);
      if (Number.isNaN(runAt.getTime())) throw invalid('runAt', 'Not a date-time');
      const row = await store.flag(db, appId, body.environment, body.flagKey);
      if (!row) throw notFound('Flag');
      // Checked now against today's flag; checked again when it runs.
      checked({ ...defOf(row), ...(body.changes as FlagChanges) } as FlagDefinition, await segmentsOf(db, appId));
      const id = newId('fsc');
      await db.transaction().execute(async (trx) => {
        await store.insertSchedule(trx, {
          id,
          appId,
          environment: body.environment,
          flagKey: body.flagKey,
          runAt: runAt.toISOString(),
          changes: JSON.stringify(body.changes),
          reason: body.reason,
          createdBy: actor.userId,
          createdAt: now(),
          status: 'pending',
          appliedAt: null,
          error: null,
        });
        await events.record(trx, {
          type: 'flag.change_scheduled',
          actorId: actor.userId,
          subjectId: id,
          ...scope(app),
          payload: {
            key: body.flagKey,
            appId,
            environment: body.environment,
            scheduleId: id,
            runAt: runAt.toISOString(),
            cancelled: false,
            reason: body.reason,
          },
        });
      });
      events.notify();
      return scheduleView((await store.schedule(db, id))!);
    },

    async cancelSchedule(actor: UserActor, appId: string, id: string, reason: string) {
      const app = await deps.manageableApp(actor, appId);
      const s = await store.schedule(db, id);
      if (!s || s.appId !== appId) throw notFound('Scheduled change');
      await db.transaction().execute(async (trx) => {
        if (!(await store.settleSchedule(trx, id, { status: 'cancelled' })))
          throw conflict('This change is no longer pending');
        await events.record(trx, {
          type: 'flag.change_scheduled',
          actorId: actor.userId,
          subjectId: id,
          ...scope(app),
          payload: {
            key: s.flagKey,
            appId,
            environment: s.environment,
            scheduleId: id,
            runAt: s.runAt,
            cancelled: true,
            reason,
          },
        });
      });
      events.notify();
    },

    // ---------------------------------------------------------------- release plans

    async plans(actor: UserActor, appId: string): Promise<PlanView[]> {
      await deps.manageableApp(actor, appId);
      return (await store.plansOf(db, appId)).map(planView);
    },

    async startPlan(actor: UserActor, appId: string, body: PlanBody): Promise<PlanView> {
      const app = await deps.manageableApp(actor, appId);
      for (const [i, g] of body.guardrails.entries()) {
        const source = deps.guardrails.find((s) => s.name === g.source);
        if (!source)
          throw invalid(
            `guardrails[${i}].source`,
            `Unknown guardrail source; known: ${deps.guardrails.map((s) => s.name).join(', ')}`,
          );
        const problem = source.check?.(g.params ?? {});
        if (problem) throw invalid(`guardrails[${i}].params`, problem);
      }
      for (let i = 1; i < body.stages.length; i++)
        if (body.stages[i]!.percent <= body.stages[i - 1]!.percent)
          throw invalid(`stages[${i}].percent`, 'Each stage serves more than the one before');
      const id = newId('frp');
      await db.transaction().execute(async (trx) => {
        const row = await store.flag(trx, appId, body.environment, body.flagKey);
        if (!row) throw notFound('Flag');
        const def = defOf(row);
        for (const v of [body.variant, body.baselineVariant])
          if (!Object.hasOwn(def.variants, v)) throw invalid('variant', `The flag has no variant ${v}`);
        if (await store.activePlanOf(trx, appId, body.environment, body.flagKey))
          throw conflict('This flag already has a release plan in this environment');
        const at = now();
        await store.insertPlan(trx, {
          id,
          appId,
          environment: body.environment,
          flagKey: body.flagKey,
          variant: body.variant,
          baselineVariant: body.baselineVariant,
          stages: JSON.stringify(body.stages),
          guardrails: JSON.stringify(body.guardrails),
          currentStage: 0,
          status: 'running',
          stageStartedAt: at,
          pausedReason: null,
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
        });
        const percent = body.stages[0]!.percent;
        await applyChanges(
          trx,
          app,
          row,
          { enabled: true, fallthrough: planServe(body.variant, body.baselineVariant, percent) },
          { actorId: actor.userId, reason: body.reason, by: 'release_plan' },
        );
        await planEvent(
          trx,
          app,
          { id, flagKey: body.flagKey, environment: body.environment },
          'running',
          0,
          percent,
          body.reason,
          actor.userId,
        );
      });
      await changed(appId, [body.environment]);
      return planView((await store.plan(db, id))!);
    },

    /** pause, resume (the current stage starts over) or cancel (the rollout stays where it is). */
    async controlPlan(
      actor: UserActor,
      appId: string,
      id: string,
      action: 'pause' | 'resume' | 'cancel',
      reason: string,
    ) {
      const app = await deps.manageableApp(actor, appId);
      const p = await store.plan(db, id);
      if (!p || p.appId !== appId) throw notFound('Release plan');
      const allowed = { pause: ['running'], resume: ['paused'], cancel: ['running', 'paused'] }[action];
      if (!allowed.includes(p.status)) throw conflict(`A ${p.status} plan cannot ${action}`);
      const status = action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'cancelled';
      await db.transaction().execute(async (trx) => {
        const ok = await store.updatePlan(trx, id, p, {
          status,
          updatedAt: now(),
          pausedReason: action === 'pause' ? reason : null,
          ...(action === 'resume' ? { stageStartedAt: now() } : {}),
        });
        if (!ok) throw conflict('The plan changed meanwhile; reload it');
        await planEvent(
          trx,
          app,
          p,
          status,
          p.currentStage,
          percentOf({ stages: readJson(p.stages), currentStage: p.currentStage }),
          reason,
          actor.userId,
        );
      });
      events.notify();
      return planView((await store.plan(db, id))!);
    },

    /**
     * The background step (every second with the dispatcher; tests call it): applies due scheduled changes, moves
     * release plans on (or pauses them when a guardrail degrades), and writes when flags were last evaluated.
     */
    async tick() {
      const at = clock.now();
      for (const s of await store.dueSchedules(db, at.toISOString())) {
        const app = await deps.appById(s.appId);
        try {
          await db.transaction().execute(async (trx) => {
            if (!(await store.settleSchedule(trx, s.id, { status: 'applied', appliedAt: at.toISOString() }))) return;
            const row = await store.flag(trx, s.appId, s.environment, s.flagKey);
            if (!row || !app) throw new AppError('not_found', 'The flag no longer exists');
            await applyChanges(trx, app, row, readJson<FlagChanges>(s.changes), {
              actorId: s.createdBy,
              reason: s.reason,
              by: 'schedule',
            });
          });
        } catch (error) {
          await store.settleSchedule(db, s.id, { status: 'failed', error: (error as Error).message.slice(0, 500) });
        }
        await changed(s.appId, [s.environment]);
      }

      for (const p of await store.runningPlans(db)) {
        const app = await deps.appById(p.appId);
        if (!app) continue;
        const stages = readJson<Stage[]>(p.stages);
        const degraded = await guardrailVerdict(
          p.appId,
          readJson<Guardrail[]>(p.guardrails),
          new Date(p.stageStartedAt),
        );
        if (degraded) {
          await db.transaction().execute(async (trx) => {
            if (
              !(await store.updatePlan(trx, p.id, p, {
                status: 'paused',
                pausedReason: degraded,
                updatedAt: at.toISOString(),
              }))
            )
              return;
            await planEvent(trx, app, p, 'paused', p.currentStage, stages[p.currentStage]!.percent, degraded, null);
          });
          events.notify();
          continue;
        }
        const next = stages[p.currentStage + 1];
        if (!next) {
          if (stages[p.currentStage]!.percent >= 100) {
            await db.transaction().execute(async (trx) => {
              if (!(await store.updatePlan(trx, p.id, p, { status: 'completed', updatedAt: at.toISOString() }))) return;
              await planEvent(trx, app, p, 'completed', p.currentStage, 100, 'every stage done', null);
            });
            events.notify();
          }
          continue;
        }
        const soakOver = Date.parse(p.stageStartedAt) + (next.soakMinutes ?? 0) * 60_000 <= at.getTime();
        const dateReached = !next.at || Date.parse(next.at) <= at.getTime();
        if (!soakOver || !dateReached) continue;
        let moved = false;
        await db.transaction().execute(async (trx) => {
          const stage = p.currentStage + 1;
          if (
            !(await store.updatePlan(trx, p.id, p, {
              currentStage: stage,
              stageStartedAt: at.toISOString(),
              updatedAt: at.toISOString(),
            }))
          )
            return;
          const row = await store.flag(trx, p.appId, p.environment, p.flagKey);
          if (!row) return;
          const reason = `release plan stage ${stage + 1} of ${stages.length}: ${next.percent} %`;
          await applyChanges(
            trx,
            app,
            row,
            { fallthrough: planServe(p.variant, p.baselineVariant, next.percent) },
            { actorId: null, reason, by: 'release_plan' },
          );
          await planEvent(
            trx,
            app,
            p,
            next.percent >= 100 && stage === stages.length - 1 ? 'completed' : 'running',
            stage,
            next.percent,
            reason,
            null,
          );
          if (next.percent >= 100 && stage === stages.length - 1)
            await store.updatePlan(trx, p.id, { status: 'running', currentStage: stage }, { status: 'completed' });
          moved = true;
        });
        if (moved) await changed(p.appId, [p.environment]);
      }

      if (evaluated.size) {
        const ids = [...evaluated];
        evaluated.clear();
        await store.touchEvaluated(db, ids, at.toISOString());
      }
    },

    // ---------------------------------------------------------------- evaluation

    /** The ruleset of an app's environment, with its ETag (cached; rechecked against the stored version twice a second). */
    async ruleset(appId: string, environment: string) {
      const r = await rulesetOf(appId, environment);
      return { etag: r.etag, ruleset: r.ruleset };
    },

    async evaluate(appId: string, environment: string, context: EvaluationContext, flagKey?: string) {
      const { etag, keys, answers } = await evaluateAnswers(appId, environment, context, flagKey);
      const results = keys.map((key, i) => ({ key, ...answers[i]! }));
      return { etag, results };
    },

    /**
     * The same, as the evaluator's own answer objects (frozen, built once per compiled ruleset, so the same object
     * for the same answer): callers may cache what they derive from an answer by its identity.
     */
    evaluateAnswers,

    /** Streams: called with every new ruleset of the app's environment; returns the unsubscribe function. */
    subscribe(appId: string, environment: string, listener: Listener): () => void {
      const key = cacheKey(appId, environment);
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (!set.size) listeners.delete(key);
      };
    },
    subscriberCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

function references(def: FlagDefinition, segmentKey: string): boolean {
  return def.rules.some((r) =>
    r.conditions.some((c) => (c.op === 'in_segment' || c.op === 'not_in_segment') && c.value === segmentKey),
  );
}

export type FlagService = ReturnType<typeof createFlagService>;
