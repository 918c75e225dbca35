import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { useDevAppActions, useRateLimitPlans, type RateLimitPlan } from '../../api/developers';
import { formatNumber } from '../../data/format';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';

/** For platform administrators: moves an app to another rate-limit plan (PUT /apps/{id}/plan). */
export function PlanControl({ appId, current, onChanged }: { appId: string; current: string; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const plans = useRateLimitPlans();
  const [plan, setPlan] = useState(current);
  const [status, setStatus] = useState<string | null>(null);
  const save = useAction();
  const apps = useDevAppActions();
  const describe = (p: RateLimitPlan) =>
    [
      p.burst
        ? t('dev.plan.burst', { limit: String(p.burst.limit), seconds: String(p.burst.windowSeconds) })
        : t('dev.plan.noBurst'),
      p.daily !== null ? t('dev.plan.daily', { daily: formatNumber(lang, p.daily) }) : t('dev.plan.noDaily'),
    ].join(', ');
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    const result = await save.run(() => apps.setPlan(appId, plan));
    if (result.ok) {
      setStatus(t('dev.plan.saved', { plan }));
      onChanged();
    }
  };
  return (
    <form className="form subpanel" onSubmit={(e) => void onSubmit(e)} aria-labelledby="plan-heading">
      <h3 id="plan-heading">{t('dev.plan.heading')}</h3>
      <p className="muted small">{t('dev.plan.lead')}</p>
      <ErrorAlert error={save.error} />
      <StatusMessage>{status}</StatusMessage>
      <div className="field">
        <label htmlFor="app-plan">{t('dev.plan.label')}</label>
        <select id="app-plan" value={plan} onChange={(e) => setPlan(e.target.value)}>
          {(plans.data?.items ?? [{ name: current, burst: null, daily: null }]).map((p) => (
            <option key={p.name} value={p.name}>
              {plans.data ? `${p.name} — ${describe(p)}` : p.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button" disabled={plan === current || save.pending}>
        {t('dev.plan.save')}
      </button>
    </form>
  );
}
