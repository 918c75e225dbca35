/** Pieces the flags pages share: the environment picker, what a flag serves in words, the audit trail. */
import { Link } from 'react-router-dom';
import { ENVIRONMENTS, useFlagAudit, type Environment, type FlagServe } from '../../api/iteration';
import type { MessageKey } from '../../i18n/en';
import { useI18n, useT } from '../../i18n/I18nProvider';
import { SelectField, TextField } from '../../ui/Field';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';

export const ENV_LABEL: Record<Environment, MessageKey> = {
  production: 'flags.env.production',
  staging: 'flags.env.staging',
  development: 'flags.env.development',
};

export function EnvironmentPicker({ value, onChange }: { value: Environment; onChange: (e: Environment) => void }) {
  const t = useT();
  return (
    <SelectField
      label={t('flags.env.label')}
      value={value}
      onValueChange={(v) => onChange(v as Environment)}
      options={ENVIRONMENTS.map((e) => ({ value: e, label: t(ENV_LABEL[e]) }))}
    />
  );
}

/** "on" or "on 5 % · off 95 %". */
export function serveText(serve: FlagServe, lang: string): string {
  if ('variant' in serve) return serve.variant;
  const pct = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 });
  return serve.rollout.map((r) => `${r.variant} ${pct.format(r.weight / 100)} %`).join(' · ');
}

/** The server's stale reason, in the page's language. */
export function staleText(t: ReturnType<typeof useT>, stale: string): string {
  return stale.startsWith('not evaluated') ? t('flags.stale.unevaluated') : t('flags.stale.single');
}

/** The reason every change needs (kept in the audit trail). */
export function ReasonField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string;
}) {
  const t = useT();
  return (
    <TextField
      label={t('flags.reason')}
      hint={t('flags.reasonHint')}
      value={value}
      onValueChange={onChange}
      error={error}
      required
      minLength={3}
      maxLength={500}
    />
  );
}

const TYPE_LABEL: Record<string, MessageKey> = {
  'flag.created': 'flags.audit.created',
  'flag.changed': 'flags.audit.changed',
  'flag.deleted': 'flags.audit.deleted',
  'flag.segment_changed': 'flags.audit.segment',
  'flag.change_scheduled': 'flags.audit.scheduled',
  'flag.release_plan_changed': 'flags.audit.plan',
};
const BY_LABEL: Record<string, MessageKey> = {
  schedule: 'flags.audit.bySchedule',
  release_plan: 'flags.audit.byPlan',
};

/** Who changed what, when and why: the app's whole trail, or one flag's. */
export function AuditTrail({ appId, flagKey }: { appId: string; flagKey?: string }) {
  const { t, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const audit = useFlagAudit(appId, flagKey ? 200 : 50);
  const items = (audit.data?.items ?? []).filter((e) => !flagKey || e.key === flagKey);
  return (
    <section aria-labelledby="audit-heading" className="panel">
      <h2 id="audit-heading">{t('flags.audit.heading')}</h2>
      <p className="muted">{t('flags.audit.intro')}</p>
      {audit.loading && !audit.data ? (
        <Loading />
      ) : audit.error ? (
        <p className="notice notice--error">{errorMessage(audit.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('flags.audit.empty')}</p>
      ) : (
        <TableWrap label={t('flags.audit.heading')}>
          <table>
            <caption className="visually-hidden">{t('flags.audit.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('flags.audit.when')}</th>
                <th scope="col">{t('flags.audit.who')}</th>
                <th scope="col">{t('flags.audit.what')}</th>
                <th scope="col">{t('flags.audit.why')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </td>
                  <td>
                    {e.actor ? (
                      <Link to={`/users/${encodeURIComponent(e.actor.handle)}`}>@{e.actor.handle}</Link>
                    ) : (
                      t(BY_LABEL[e.by] ?? 'flags.audit.bySystem')
                    )}
                  </td>
                  <td className="cell--wrap">
                    {t(TYPE_LABEL[e.type] ?? 'flags.audit.changed', { key: e.key })}
                    {e.environment && ` (${t(ENV_LABEL[e.environment as Environment] ?? 'flags.env.production')})`}
                    {e.fields.length > 0 && <> — {e.fields.join(', ')}</>}
                    {e.status && (
                      <>
                        {' '}
                        — {e.status}
                        {e.percent !== null && `, ${e.percent} %`}
                      </>
                    )}
                  </td>
                  <td className="cell--wrap">{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
