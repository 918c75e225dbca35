import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import {
  ENVIRONMENTS,
  GUARDRAIL_SOURCES,
  OPERATORS,
  useCancelSchedule,
  useControlPlan,
  useFlags,
  useFlagSchedules,
  useReleasePlans,
  useScheduleChange,
  useStartPlan,
  useUpdateFlag,
  type ConditionOperator,
  type Environment,
  type FlagChange,
  type FlagDefinition,
  type FlagRule,
  type PlanGuardrail,
  type ReleasePlan,
} from '../../api/iteration';
import { useI18n, useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { SelectField, TextField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';
import { AuditTrail, EnvironmentPicker, ReasonField, serveText, staleText } from './shared';

interface EnvProps {
  appId: string;
  flagKey: string;
  env: Environment;
  def: FlagDefinition;
}

/** A condition's value as typed: JSON when it parses (numbers, lists, booleans), else the text itself. */
function valueOf(text: string, op: ConditionOperator): unknown {
  if (op === 'exists') return undefined;
  if ((op === 'in' || op === 'not_in') && !text.trim().startsWith('['))
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One PATCH of the flag in this environment, with the reason its form collected. */
function useChange(appId: string, flagKey: string, env: Environment) {
  const update = useUpdateFlag();
  const send = (body: FlagChange) => update.run({ params: { path: { appId, key: flagKey, environment: env } }, body });
  return { update, send };
}

function Panel({ id, title, intro, children }: { id: string; title: string; intro?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>{title}</h2>
      {intro && <p className="muted">{intro}</p>}
      {children}
    </section>
  );
}

function Submit({ pending, children }: { pending: boolean; children: ReactNode }) {
  return (
    <p>
      <button type="submit" className="button" disabled={pending}>
        {children}
      </button>
    </p>
  );
}

function KillSwitch({ appId, flagKey, env, def }: EnvProps) {
  const t = useT();
  const { update, send } = useChange(appId, flagKey, env);
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    const r = await send({ enabled: !def.enabled, reason });
    if (r.ok) {
      setReason('');
      setStatus(def.enabled ? t('flags.kill.turnedOff') : t('flags.kill.turnedOn'));
    }
  };
  return (
    <Panel id="state-heading" title={t('flags.kill.heading')}>
      <p>
        <span className={`badge ${def.enabled ? 'badge--success' : 'badge--warning'}`}>
          {def.enabled ? t('flags.state.on') : t('flags.state.off')}
        </span>{' '}
        {def.enabled ? t('flags.kill.onText') : t('flags.kill.offText', { variant: def.offVariant })}
      </p>
      <StatusMessage>{status}</StatusMessage>
      <form className="form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={update.error} shownFields={['reason']} />
        <ReasonField value={reason} onChange={setReason} error={update.fieldErrors.reason} />
        <Submit pending={update.pending}>{def.enabled ? t('flags.kill.turnOff') : t('flags.kill.turnOn')}</Submit>
      </form>
    </Panel>
  );
}

function Variants({ def }: { def: FlagDefinition }) {
  const t = useT();
  return (
    <Panel id="variants-heading" title={t('flags.variants.heading')} intro={t('flags.variants.intro')}>
      <TableWrap label={t('flags.variants.heading')}>
        <table>
          <caption className="visually-hidden">{t('flags.variants.heading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('flags.variants.name')}</th>
              <th scope="col">{t('flags.variants.value')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(def.variants).map(([name, value]) => (
              <tr key={name}>
                <th scope="row">
                  <code>{name}</code>
                  {name === def.offVariant && <span className="muted"> ({t('flags.variants.off')})</span>}
                </th>
                <td className="cell--wrap">
                  <code>{JSON.stringify(value)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Panel>
  );
}

function Rules({ appId, flagKey, env, def }: EnvProps) {
  const { t, lang } = useI18n();
  const { update, send } = useChange(appId, flagKey, env);
  const variants = Object.keys(def.variants);
  const [attribute, setAttribute] = useState('');
  const [op, setOp] = useState<ConditionOperator>('eq');
  const [value, setValue] = useState('');
  const [serve, setServe] = useState(variants[0] ?? '');
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<string | null>(null);

  const save = async (rules: FlagRule[], message: string) => {
    setStatus(null);
    const r = await send({ rules, reason });
    if (r.ok) {
      setReason('');
      setStatus(message);
    }
    return r.ok;
  };
  const onAdd = async (e: FormEvent) => {
    e.preventDefault();
    const id = `rule-${Date.now().toString(36)}`;
    const condition = { attribute: attribute.trim(), op, ...(op === 'exists' ? {} : { value: valueOf(value, op) }) };
    const rule = { id, conditions: [condition], serve: { variant: serve } } as FlagRule;
    if (await save([...def.rules, rule], t('flags.rules.added'))) {
      setAttribute('');
      setValue('');
    }
  };
  return (
    <Panel id="rules-heading" title={t('flags.rules.heading')} intro={t('flags.rules.intro')}>
      {def.rules.length === 0 ? (
        <p className="empty-state">{t('flags.rules.empty')}</p>
      ) : (
        <ol>
          {def.rules.map((r) => (
            <li key={r.id}>
              {t('flags.rules.when')}{' '}
              <code>
                {r.conditions
                  .map((c) => `${c.attribute} ${c.op}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`}`)
                  .join(' ∧ ')}
              </code>{' '}
              → {serveText(r.serve, lang)}{' '}
              <button
                type="button"
                className="button button--secondary button--small"
                disabled={update.pending || reason.trim().length < 3}
                onClick={() =>
                  void save(
                    def.rules.filter((x) => x.id !== r.id),
                    t('flags.rules.removed'),
                  )
                }
              >
                {t('flags.rules.remove', { id: r.id })}
              </button>
            </li>
          ))}
        </ol>
      )}
      <StatusMessage>{status}</StatusMessage>
      <form className="form" onSubmit={onAdd} noValidate>
        <h3>{t('flags.rules.add')}</h3>
        <ErrorAlert error={update.error} shownFields={['reason']} />
        <TextField
          label={t('flags.rules.attribute')}
          hint={t('flags.rules.attributeHint')}
          value={attribute}
          onValueChange={setAttribute}
          required
        />
        <SelectField
          label={t('flags.rules.operator')}
          value={op}
          onValueChange={(v) => setOp(v as ConditionOperator)}
          options={OPERATORS.map((o) => ({ value: o, label: o }))}
        />
        <TextField
          label={t('flags.rules.value')}
          hint={t('flags.rules.valueHint')}
          value={value}
          onValueChange={setValue}
          disabled={op === 'exists'}
        />
        <SelectField
          label={t('flags.rules.serve')}
          value={serve}
          onValueChange={setServe}
          options={variants.map((v) => ({ value: v, label: v }))}
        />
        <ReasonField value={reason} onChange={setReason} error={update.fieldErrors.reason} />
        <Submit pending={update.pending}>{t('flags.rules.submit')}</Submit>
      </form>
    </Panel>
  );
}

function Rollout({ appId, flagKey, env, def }: EnvProps) {
  const { t, lang } = useI18n();
  const { update, send } = useChange(appId, flagKey, env);
  const variants = Object.keys(def.variants);
  const [variant, setVariant] = useState(variants.find((v) => v !== def.offVariant) ?? variants[0] ?? '');
  const [rest, setRest] = useState(def.offVariant);
  const [percent, setPercent] = useState('10');
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    const weight = Math.round(Number(percent) * 100);
    const fallthrough =
      weight >= 10000 || variant === rest
        ? { variant }
        : {
            rollout: [
              { variant, weight },
              { variant: rest, weight: 10000 - weight },
            ],
          };
    const r = await send({ fallthrough, reason });
    if (r.ok) {
      setReason('');
      setStatus(t('flags.rollout.saved'));
    }
  };
  return (
    <Panel id="rollout-heading" title={t('flags.rollout.heading')} intro={t('flags.rollout.intro')}>
      <p>
        {t('flags.rollout.current')} <strong>{serveText(def.fallthrough, lang)}</strong>
      </p>
      <StatusMessage>{status}</StatusMessage>
      <form className="form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={update.error} shownFields={['reason']} />
        <SelectField
          label={t('flags.rollout.variant')}
          value={variant}
          onValueChange={setVariant}
          options={variants.map((v) => ({ value: v, label: v }))}
        />
        <TextField
          label={t('flags.rollout.percent')}
          type="number"
          min={0}
          max={100}
          step={0.01}
          value={percent}
          onValueChange={setPercent}
          required
        />
        <SelectField
          label={t('flags.rollout.rest')}
          value={rest}
          onValueChange={setRest}
          options={variants.map((v) => ({ value: v, label: v }))}
        />
        <ReasonField value={reason} onChange={setReason} error={update.fieldErrors.reason} />
        <Submit pending={update.pending}>{t('flags.rollout.submit')}</Submit>
      </form>
    </Panel>
  );
}

function PlanCard({ appId, plan }: { appId: string; plan: ReleasePlan }) {
  const { t, formatDateTime } = useI18n();
  const control = useControlPlan();
  const [reason, setReason] = useState('');
  const act = (action: 'pause' | 'resume' | 'cancel') =>
    void control
      .run({ params: { path: { appId, id: plan.id, action } }, body: { reason } })
      .then((r) => r.ok && setReason(''));
  const live = plan.status === 'running' || plan.status === 'paused';
  return (
    <div className="subpanel">
      <p>
        <span className={`badge ${plan.status === 'paused' ? 'badge--warning' : 'badge--success'}`}>
          {t(`flags.plan.status.${plan.status as 'running'}`)}
        </span>{' '}
        {t('flags.plan.summary', {
          variant: plan.variant,
          percent: plan.percent,
          stage: plan.currentStage + 1,
          stages: plan.stages.length,
        })}
      </p>
      {plan.pausedReason && (
        <p className="notice notice--error">
          {t('flags.plan.pausedBecause')} {plan.pausedReason}
        </p>
      )}
      <ol>
        {plan.stages.map((s, i) => (
          <li key={i} aria-current={i === plan.currentStage ? 'step' : undefined}>
            {s.percent} %{s.soakMinutes ? ` — ${t('flags.plan.soak', { minutes: s.soakMinutes })}` : ''}
            {s.at ? ` — ${t('flags.plan.notBefore', { at: formatDateTime(s.at) })}` : ''}
          </li>
        ))}
      </ol>
      <p className="muted">
        {plan.guardrails.length === 0
          ? t('flags.plan.noGuardrails')
          : plan.guardrails
              .map(
                (g) =>
                  `${g.source}${g.params ? ` ${JSON.stringify(g.params)}` : ''} > ${g.threshold} (${t('flags.plan.minSamples', { n: g.minSamples })})`,
              )
              .join('; ')}
      </p>
      {live && (
        <div className="form">
          <ErrorAlert error={control.error} shownFields={['reason']} />
          <ReasonField value={reason} onChange={setReason} error={control.fieldErrors.reason} />
          <p className="inline-list">
            {plan.status === 'running' ? (
              <button type="button" className="button button--secondary" onClick={() => act('pause')}>
                {t('flags.plan.pause')}
              </button>
            ) : (
              <button type="button" className="button" onClick={() => act('resume')}>
                {t('flags.plan.resume')}
              </button>
            )}{' '}
            <button type="button" className="button button--secondary" onClick={() => act('cancel')}>
              {t('flags.plan.cancel')}
            </button>
          </p>
        </div>
      )}
    </div>
  );
}

function ReleasePlans({ appId, flagKey, env, def }: EnvProps) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const plans = useReleasePlans(appId);
  const start = useStartPlan();
  const variants = Object.keys(def.variants);
  const [variant, setVariant] = useState(variants.find((v) => v !== def.offVariant) ?? variants[0] ?? '');
  const [baseline, setBaseline] = useState(def.offVariant);
  const [stages, setStages] = useState('1, 5, 25, 100');
  const [soak, setSoak] = useState('1440');
  const [source, setSource] = useState('');
  const [threshold, setThreshold] = useState('0.05');
  const [minSamples, setMinSamples] = useState('100');
  const [event, setEvent] = useState('');
  const [per, setPer] = useState('');
  const [reason, setReason] = useState('');
  const mine = (plans.data?.items ?? []).filter((p) => p.flagKey === flagKey && p.environment === env);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const soakMinutes = Number(soak) || 0;
    const guardrails: PlanGuardrail[] = source
      ? [
          {
            source,
            threshold: Number(threshold),
            minSamples: Number(minSamples) || 1,
            ...(source === 'event_rate' ? { params: { event: event.trim(), per: per.trim() } } : {}),
          },
        ]
      : [];
    const r = await start.run({
      params: { path: { appId } },
      body: {
        environment: env,
        flagKey,
        variant,
        baselineVariant: baseline,
        stages: stages
          .split(',')
          .map((s) => Number(s.trim()))
          .filter((n) => n > 0)
          .map((percent, i) => (i === 0 ? { percent } : { percent, soakMinutes })),
        guardrails,
        reason,
      },
    });
    if (r.ok) setReason('');
  };
  return (
    <Panel id="plans-heading" title={t('flags.plan.heading')} intro={t('flags.plan.intro')}>
      {plans.loading && !plans.data ? (
        <Loading />
      ) : plans.error ? (
        <p className="notice notice--error">{errorMessage(plans.error)}</p>
      ) : mine.length === 0 ? (
        <p className="empty-state">{t('flags.plan.empty')}</p>
      ) : (
        <div className="stack">
          {[...mine].reverse().map((p) => (
            <PlanCard key={p.id} appId={appId} plan={p} />
          ))}
        </div>
      )}
      <form className="form" onSubmit={onSubmit} noValidate>
        <h3>{t('flags.plan.start')}</h3>
        <ErrorAlert error={start.error} shownFields={['reason']} />
        <SelectField
          label={t('flags.plan.variant')}
          value={variant}
          onValueChange={setVariant}
          options={variants.map((v) => ({ value: v, label: v }))}
        />
        <SelectField
          label={t('flags.plan.baseline')}
          value={baseline}
          onValueChange={setBaseline}
          options={variants.map((v) => ({ value: v, label: v }))}
        />
        <TextField
          label={t('flags.plan.stages')}
          hint={t('flags.plan.stagesHint')}
          value={stages}
          onValueChange={setStages}
        />
        <TextField label={t('flags.plan.soakLabel')} type="number" min={0} value={soak} onValueChange={setSoak} />
        <SelectField
          label={t('flags.plan.guardrail')}
          value={source}
          onValueChange={setSource}
          options={[
            { value: '', label: t('flags.plan.guardrailNone') },
            ...GUARDRAIL_SOURCES.map((s) => ({ value: s, label: t(`flags.plan.source.${s}`) })),
          ]}
        />
        {source && (
          <>
            <TextField
              label={t('flags.plan.threshold')}
              hint={t('flags.plan.thresholdHint')}
              type="number"
              min={0}
              step="any"
              value={threshold}
              onValueChange={setThreshold}
            />
            <TextField
              label={t('flags.plan.minSamplesLabel')}
              type="number"
              min={1}
              value={minSamples}
              onValueChange={setMinSamples}
            />
          </>
        )}
        {source === 'event_rate' && (
          <>
            <TextField
              label={t('flags.plan.event')}
              hint={t('flags.plan.eventHint')}
              value={event}
              onValueChange={setEvent}
            />
            <TextField label={t('flags.plan.per')} hint={t('flags.plan.perHint')} value={per} onValueChange={setPer} />
          </>
        )}
        <ReasonField value={reason} onChange={setReason} error={start.fieldErrors.reason} />
        <Submit pending={start.pending}>{t('flags.plan.submit')}</Submit>
      </form>
    </Panel>
  );
}

function Schedules({ appId, flagKey, env }: EnvProps) {
  const { t, formatDateTime } = useI18n();
  const schedules = useFlagSchedules(appId);
  const schedule = useScheduleChange();
  const cancel = useCancelSchedule();
  const [runAt, setRunAt] = useState('');
  const [turn, setTurn] = useState<'on' | 'off'>('on');
  const [reason, setReason] = useState('');
  const mine = (schedules.data?.items ?? []).filter((s) => s.flagKey === flagKey && s.environment === env);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const at = runAt ? new Date(runAt) : null;
    const r = await schedule.run({
      params: { path: { appId } },
      body: {
        environment: env,
        flagKey,
        runAt: at && !Number.isNaN(at.getTime()) ? at.toISOString() : runAt,
        changes: { enabled: turn === 'on' },
        reason,
      },
    });
    if (r.ok) {
      setReason('');
      setRunAt('');
    }
  };
  return (
    <Panel id="schedules-heading" title={t('flags.schedule.heading')} intro={t('flags.schedule.intro')}>
      {mine.length === 0 ? (
        <p className="empty-state">{t('flags.schedule.empty')}</p>
      ) : (
        <ul className="link-list">
          {mine.map((s) => (
            <li key={s.id}>
              <time dateTime={s.runAt}>{formatDateTime(s.runAt)}</time> — <code>{JSON.stringify(s.changes)}</code> —{' '}
              {s.status} ({s.reason})
              {s.status === 'pending' && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    disabled={cancel.pending || reason.trim().length < 3}
                    onClick={() => void cancel.run({ params: { path: { appId, id: s.id } }, body: { reason } })}
                  >
                    {t('flags.schedule.cancel')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={cancel.error} />
      <form className="form" onSubmit={onSubmit} noValidate>
        <h3>{t('flags.schedule.add')}</h3>
        <ErrorAlert error={schedule.error} shownFields={['reason']} />
        <TextField
          label={t('flags.schedule.runAt')}
          type="datetime-local"
          value={runAt}
          onValueChange={setRunAt}
          required
        />
        <SelectField
          label={t('flags.schedule.change')}
          value={turn}
          onValueChange={(v) => setTurn(v as 'on' | 'off')}
          options={[
            { value: 'on', label: t('flags.schedule.turnOn') },
            { value: 'off', label: t('flags.schedule.turnOff') },
          ]}
        />
        <ReasonField value={reason} onChange={setReason} error={schedule.fieldErrors.reason} />
        <Submit pending={schedule.pending}>{t('flags.schedule.submit')}</Submit>
      </form>
    </Panel>
  );
}

function FlagDetails({ appId, flagKey }: { appId: string; flagKey: string }) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const [params, setParams] = useSearchParams();
  const asked = params.get('environment');
  const env: Environment = (ENVIRONMENTS as readonly string[]).includes(asked ?? '')
    ? (asked as Environment)
    : 'production';
  const flags = useFlags(appId);
  if (flags.loading && !flags.data) return <Loading />;
  if (flags.error) return <p className="notice notice--error">{errorMessage(flags.error)}</p>;
  const flag = flags.data?.items.find((f) => f.key === flagKey);
  if (!flag) return <p className="notice notice--error">{t('flags.notFound')}</p>;
  const e = flag.environments[env];
  const props = e ? { appId, flagKey, env, def: e.definition } : null;
  return (
    <div className="stack">
      {flag.description && <p className="lead">{flag.description}</p>}
      <EnvironmentPicker value={env} onChange={(next) => setParams({ environment: next }, { replace: true })} />
      {e?.stale && <p className="notice notice--warning">{staleText(t, e.stale)}</p>}
      {props && (
        // Keyed by environment: switching it starts the forms again from that environment’s definition.
        <div className="stack" key={env}>
          <KillSwitch {...props} />
          <Rules {...props} />
          <Rollout {...props} />
          <ReleasePlans {...props} />
          <Schedules {...props} />
          <Variants def={props.def} />
        </div>
      )}
      <AuditTrail appId={appId} flagKey={flagKey} />
    </div>
  );
}

/** /developers/apps/:id/flags/:key — one flag in one environment: state, rules, rollout, release plan, audit. */
export function FlagPage() {
  const t = useT();
  const { id = '', key = '' } = useParams();
  useDocumentTitle(t('flags.flag.title', { key }));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to={`/developers/apps/${encodeURIComponent(id)}`}>{t('flags.backToApp')}</Link> ›{' '}
        <Link to={`/developers/apps/${encodeURIComponent(id)}/flags`}>{t('flags.heading')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('flags.flag.heading', { key })}</h1>
      </div>
      <RequireUser>{() => <FlagDetails appId={id} flagKey={key} />}</RequireUser>
    </>
  );
}
