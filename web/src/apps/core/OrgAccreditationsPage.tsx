import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import {
  ACCREDITATION_STATUSES,
  type Accreditation,
  type AccreditationStatus,
  useAccreditationActions,
  useOrgAccreditations,
} from '../../api/developers';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { SelectField, TextAreaField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { AccreditationCard } from './AccreditationCard';

type Decision = 'approve' | 'refuse' | 'request_changes' | 'revoke';

function ReviewForm({
  accreditation,
  onReviewed,
}: {
  accreditation: Accreditation;
  onReviewed: (a: Accreditation) => void;
}) {
  const t = useT();
  const action = useAction();
  const accreditations = useAccreditationActions();
  const choices: Decision[] =
    accreditation.status === 'approved' ? ['revoke'] : ['approve', 'request_changes', 'refuse'];
  const [decision, setDecision] = useState<Decision>(choices[0]!);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const name = `decision-${accreditation.id}`;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (decision !== 'approve' && !comment.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const result = await action.run(() =>
      accreditations.review(accreditation.id, {
        decision,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      }),
    );
    if (result.ok) onReviewed(result.value);
  };

  return (
    <form
      onSubmit={(e) => void onSubmit(e)}
      noValidate
      className="form review-form"
      aria-label={t('dev.review.formLabel', { name: accreditation.app.name })}
    >
      <ErrorAlert error={action.error} shownFields={['comment']} />
      <fieldset className="field">
        <legend>{t('dev.review.decision')}</legend>
        {choices.map((c) => (
          <div key={c} className="radio">
            <input
              type="radio"
              id={`${name}-${c}`}
              name={name}
              value={c}
              checked={decision === c}
              onChange={() => setDecision(c)}
            />
            <label htmlFor={`${name}-${c}`}>{t(`dev.review.${c}`)}</label>
          </div>
        ))}
      </fieldset>
      <TextAreaField
        label={t('dev.review.comment')}
        hint={t('dev.review.commentHint')}
        rows={3}
        maxLength={5000}
        value={comment}
        onValueChange={setComment}
        error={missing ? t('dev.review.commentRequired') : action.fieldErrors.comment}
      />
      <button
        type="submit"
        className={decision === 'approve' ? 'button' : 'button button--danger'}
        disabled={action.pending}
      >
        {t(`dev.review.submit.${decision}`)}
      </button>
    </form>
  );
}

function Queue({ slug }: { slug: string }) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const [filter, setFilter] = useState<AccreditationStatus | ''>('submitted');
  const list = useOrgAccreditations(slug, filter);
  const [status, setStatus] = useState<string | null>(null);
  const items = list.data?.items ?? [];

  const onReviewed = (a: Accreditation) => {
    list.setData((current) => current && { ...current, items: current.items.map((x) => (x.id === a.id ? a : x)) });
    setStatus(t('dev.review.done', { name: a.app.name, status: t(`dev.acc.status.${a.status}`) }));
  };

  return (
    <>
      <SelectField
        label={t('dev.review.filter')}
        value={filter}
        onValueChange={(value) => setFilter(value as AccreditationStatus | '')}
        className="field--compact"
        options={[
          { value: '', label: t('dev.review.all') },
          ...ACCREDITATION_STATUSES.map((s) => ({ value: s, label: t(`dev.acc.status.${s}`) })),
        ]}
      />
      <StatusMessage>{status}</StatusMessage>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <p className="notice notice--error">{errorMessage(list.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{filter === 'submitted' ? t('dev.review.emptyQueue') : t('dev.review.empty')}</p>
      ) : (
        <ul className="card-list">
          {items.map((a) => (
            <li key={a.id}>
              <AccreditationCard accreditation={a} headingLevel={2} showApp>
                {(a.status === 'submitted' || a.status === 'approved') && (
                  <ReviewForm accreditation={a} onReviewed={onReviewed} />
                )}
              </AccreditationCard>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** /organizations/:slug/accreditations: the organization's owners and admins review requests. */
export function OrgAccreditationsPage() {
  const t = useT();
  const { slug = '' } = useParams();
  useDocumentTitle(t('dev.review.title'));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to={`/organizations/${encodeURIComponent(slug)}`}>{slug}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('dev.review.heading')}</h1>
        <p className="lead">{t('dev.review.lead')}</p>
      </div>
      <RequireUser>{() => <Queue key={slug} slug={slug} />}</RequireUser>
    </>
  );
}
