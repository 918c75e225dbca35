import { useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useAction } from '../../api/hooks';
import { useContributionActions, type ContributionView } from '../../api/community';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import { TextAreaField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { ReasonTemplates } from './ReasonTemplates';

export interface ReviewHandle {
  accept: () => void;
  focusReject: () => void;
  focusRequest: () => void;
}

interface Props {
  contribution: ContributionView;
  /** Indexes checked in the diff; empty = accept everything. */
  selected: number[];
  /** After a successful review: the updated contribution and a message to announce. */
  onDone: (updated: ContributionView, message: string) => void;
  ref?: Ref<ReviewHandle>;
}

/** Accept (all or selected), reject with a reason (templates, spam), request changes. */
export function ReviewActions({ contribution, selected, onDone, ref }: Props) {
  const t = useT();
  const action = useAction();
  const [reason, setReason] = useState('');
  const [spam, setSpam] = useState(false);
  const [request, setRequest] = useState('');
  const [missing, setMissing] = useState<'reason' | 'request' | null>(null);
  const rejectRef = useRef<HTMLDivElement>(null);
  const requestRef = useRef<HTMLDivElement>(null);
  const contributions = useContributionActions();
  const idPrefix = `review-${contribution.id}`;

  const run = async (send: (id: string) => Promise<ContributionView>, done: MessageKey) => {
    if (action.pending) return;
    const outcome = await action.run(() => send(contribution.id));
    if (outcome.ok) onDone(outcome.value, t(done));
  };
  const accept = (onlySelected: boolean) =>
    void run(
      (id) => contributions.accept(id, onlySelected && selected.length ? { changes: selected } : {}),
      onlySelected && selected.length && selected.length < contribution.diff.length
        ? 'contrib.review.partiallyAccepted'
        : 'contrib.review.accepted',
    );
  const focusIn = (el: HTMLDivElement | null) => el?.querySelector<HTMLElement>('textarea')?.focus();
  const reject = () => {
    if (!reason.trim()) {
      setMissing('reason');
      focusIn(rejectRef.current);
      return;
    }
    setMissing(null);
    void run(
      (id) => contributions.reject(id, { reason: reason.trim(), ...(spam ? { spam: true } : {}) }),
      'contrib.review.rejected',
    );
  };
  const requestChanges = () => {
    if (!request.trim()) {
      setMissing('request');
      focusIn(requestRef.current);
      return;
    }
    setMissing(null);
    void run((id) => contributions.requestChanges(id, { comment: request.trim() }), 'contrib.review.changesRequested');
  };

  useImperativeHandle(ref, () => ({
    accept: () => accept(true),
    focusReject: () => focusIn(rejectRef.current),
    focusRequest: () => focusIn(requestRef.current),
  }));

  return (
    <section className="review-actions panel" aria-labelledby={`${idPrefix}-heading`}>
      <h2 id={`${idPrefix}-heading`} className="h3">
        {t('contrib.review.heading')}
      </h2>
      <ErrorAlert error={action.error} shownFields={['reason', 'comment']} />
      <div className="actions">
        <button type="button" className="button" disabled={action.pending} onClick={() => accept(false)}>
          {t('contrib.review.accept')}
        </button>
        {contribution.diff.length > 1 && (
          <button
            type="button"
            className="button button--secondary"
            disabled={action.pending || !selected.length}
            onClick={() => accept(true)}
          >
            {t('contrib.review.acceptSelected')}
          </button>
        )}
      </div>
      {contribution.diff.length > 1 && (
        <p className="small muted" aria-live="polite">
          {t('contrib.review.selectedCount', { count: selected.length, total: contribution.diff.length })}
        </p>
      )}
      <div className="review-actions__forms">
        <div ref={rejectRef} className="review-form">
          <ReasonTemplates
            dataset={contribution.dataset}
            onPick={(body) => {
              setReason(body);
              focusIn(rejectRef.current);
            }}
          />
          <TextAreaField
            label={t('contrib.review.reason')}
            hint={t('contrib.review.reasonHint')}
            value={reason}
            onValueChange={setReason}
            rows={3}
            maxLength={2000}
            error={missing === 'reason' ? t('validation.required') : action.fieldErrors.reason}
          />
          <p className="checkbox-line">
            <input type="checkbox" id={`${idPrefix}-spam`} checked={spam} onChange={(e) => setSpam(e.target.checked)} />
            <label htmlFor={`${idPrefix}-spam`}>{t('contrib.review.spam')}</label>
          </p>
          <button type="button" className="button button--danger" disabled={action.pending} onClick={reject}>
            {t('contrib.review.reject')}
          </button>
        </div>
        <div ref={requestRef} className="review-form">
          <TextAreaField
            label={t('contrib.review.requestComment')}
            value={request}
            onValueChange={setRequest}
            rows={3}
            maxLength={2000}
            error={missing === 'request' ? t('validation.required') : action.fieldErrors.comment}
          />
          <button type="button" className="button button--secondary" disabled={action.pending} onClick={requestChanges}>
            {t('contrib.review.requestChanges')}
          </button>
        </div>
      </div>
    </section>
  );
}
