import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useContributionActions, useReviewRules } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { TextField } from '../../ui/Field';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';

/** An organization's published review target; its owners and admins (`manager`) set it. */
export function ReviewTargetSection({ slug, manager }: { slug: string; manager: boolean }) {
  const t = useT();
  const rules = useReviewRules(slug);
  const contributions = useContributionActions();
  const [value, setValue] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const days = rules.data?.targetDays ?? null;
  const shown = value ?? (days === null ? '' : String(days));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const targetDays = shown.trim() === '' ? null : Number(shown);
    const outcome = await action.run(() => contributions.setReviewTarget(slug, targetDays));
    if (outcome.ok) {
      rules.setData(() => outcome.value);
      setValue(null);
      setSaved(true);
    }
  };

  return (
    <section className="subpanel" aria-labelledby="review-target-heading">
      <h2 id="review-target-heading" className="h3">
        {t('contrib.target.heading')}
      </h2>
      <p>{days === null ? t('contrib.target.none') : t('contrib.target.days', { days })}</p>
      {days !== null && (
        <p className="small">
          <Link to="/review?view=overdue">{t('contrib.target.overdueLink')}</Link>
        </p>
      )}
      {manager && (
        <form className="inline-form" noValidate onSubmit={(e) => void onSubmit(e)}>
          <ErrorAlert error={action.error} />
          <TextField
            label={t('contrib.target.label')}
            hint={t('contrib.target.hint')}
            type="number"
            inputMode="numeric"
            min={1}
            max={365}
            value={shown}
            onValueChange={setValue}
            error={action.fieldErrors.targetDays}
          />
          <button type="submit" className="button button--small" disabled={action.pending}>
            {t('contrib.target.save')}
          </button>
        </form>
      )}
      <StatusMessage>{saved ? t('contrib.target.saved') : null}</StatusMessage>
    </section>
  );
}
