import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { TableField } from '../../api/types';
import { useT } from '../../i18n/I18nProvider';
import { TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import { optionalUrl, required, validate } from '../../ui/validate';
import { ProposalChangeList } from './ProposalChangeList';
import { changeCount } from './draft';
import { contributionPath } from './paths';
import type { ProposalDraft } from './useProposalDraft';

/** "Your proposal": the pending changes, a required comment, an optional source, then one POST. */
export function ProposalPanel({ draft, fields }: { draft: ProposalDraft; fields: TableField[] }) {
  const t = useT();
  const [comment, setComment] = useState('');
  const [source, setSource] = useState('');
  const [noChanges, setNoChanges] = useState(false);
  const form = useFormErrors<'comment' | 'source'>(draft.action);
  const count = changeCount(draft.draft);

  if (!draft.editing && !draft.submitted) return null;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setNoChanges(count === 0);
    if (count === 0) return;
    if (!form.accept(validate({ comment, source }, { comment: required, source: optionalUrl }))) return;
    if (await draft.submit(comment, source)) {
      setComment('');
      setSource('');
    }
  };

  return (
    <section className="proposal-panel panel" aria-labelledby="proposal-heading">
      <h2 id="proposal-heading">{t('contrib.proposal.heading')}</h2>
      <StatusMessage>
        {draft.submitted && (
          <>
            {t('contrib.proposal.sent')}{' '}
            <Link to={contributionPath(draft.submitted.id)}>{t('contrib.proposal.view')}</Link>
          </>
        )}
      </StatusMessage>
      {draft.editing && (
        <>
          <p className="muted" aria-live="polite">
            {count ? t('contrib.proposal.count', { count }) : t('contrib.proposal.emptyList')}
          </p>
          <ProposalChangeList draft={draft} fields={fields} />
          <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
            <ErrorAlert error={draft.action.error} shownFields={['changes', 'comment', 'source']} />
            {noChanges && (
              <p className="notice notice--error" role="alert">
                {t('contrib.proposal.needChanges')}
              </p>
            )}
            <TextAreaField
              label={t('contrib.proposal.comment')}
              hint={t('contrib.proposal.commentHint')}
              value={comment}
              onValueChange={setComment}
              error={form.errorFor('comment')}
              required
              maxLength={2000}
              rows={3}
            />
            <TextField
              label={t('contrib.proposal.source')}
              type="url"
              inputMode="url"
              value={source}
              onValueChange={setSource}
              error={form.errorFor('source')}
              placeholder="https://"
            />
            <button type="submit" className="button" disabled={draft.action.pending}>
              {draft.action.pending ? t('common.saving') : t('contrib.proposal.submit')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
