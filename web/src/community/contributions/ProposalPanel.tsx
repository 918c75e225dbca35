import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useContributionRules } from '../../api/community';
import type { TableField } from '../../api/data';
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
  // A sticky footer on a phone would cover half the screen: there it starts folded to its heading and count.
  const [open, setOpen] = useState(() => !window.matchMedia?.('(max-width: 40rem)').matches);
  const bodyId = useId();
  // Asked before submitting: may this person apply at once, and is there anybody else to review?
  const rules = useContributionRules(draft.editing ? draft.slug : null).data;

  if (!draft.editing && !draft.submitted) return null;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    // Which button submitted: "Apply now" or "Submit for review".
    const apply = (e.nativeEvent as SubmitEvent).submitter?.dataset.apply === 'true';
    setNoChanges(count === 0);
    if (count === 0) return;
    if (!form.accept(validate({ comment, source }, { comment: required, source: optionalUrl }))) return;
    if (await draft.submit(comment, source, apply)) {
      setComment('');
      setSource('');
    }
  };

  return (
    <section className="proposal-panel panel" aria-labelledby="proposal-heading">
      <div className="proposal-panel__head">
        <h2 id="proposal-heading">{t('contrib.proposal.heading')}</h2>
        {draft.editing && (
          <button
            type="button"
            className="button button--small button--secondary"
            aria-expanded={open}
            aria-controls={bodyId}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? t('contrib.proposal.fold') : t('contrib.proposal.unfold')}
          </button>
        )}
      </div>
      <StatusMessage>
        {draft.submitted && (
          <>
            {draft.submitted.status === 'pending' ? t('contrib.proposal.sent') : t('contrib.proposal.applied')}{' '}
            <Link to={contributionPath(draft.submitted.id)}>{t('contrib.proposal.view')}</Link>
            {' · '}
            <Link to="/proposals">{t('contrib.mine.title')}</Link>
          </>
        )}
      </StatusMessage>
      {draft.editing && (
        <>
          <p className="muted" aria-live="polite">
            {count ? t('contrib.proposal.count', { count }) : t('contrib.proposal.emptyList')}
          </p>
          <div id={bodyId} hidden={!open}>
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
              {rules?.noOtherReviewer && (
                <p className="notice notice--warning" id="proposal-no-reviewer">
                  {rules.canApply ? t('contrib.proposal.noReviewerApply') : t('contrib.proposal.noReviewer')}
                </p>
              )}
              {rules?.reviewTargetDays && !rules.noOtherReviewer ? (
                <p className="small muted">{t('contrib.proposal.target', { days: rules.reviewTargetDays })}</p>
              ) : null}
              <div className="actions">
                {rules?.canApply && (
                  <button type="submit" className="button" disabled={draft.action.pending} data-apply="true">
                    {t('contrib.proposal.apply')}
                  </button>
                )}
                <button
                  type="submit"
                  className={rules?.canApply ? 'button button--secondary' : 'button'}
                  disabled={draft.action.pending}
                  aria-describedby={rules?.noOtherReviewer ? 'proposal-no-reviewer' : undefined}
                >
                  {draft.action.pending ? t('common.saving') : t('contrib.proposal.submit')}
                </button>
              </div>
              {rules?.canApply && <p className="small muted">{t('contrib.proposal.applyHint')}</p>}
            </form>
          </div>
        </>
      )}
    </section>
  );
}
