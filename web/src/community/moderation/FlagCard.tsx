import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useModerationActions, type Flag } from '../../api/community';
import { useI18n } from '../../i18n/I18nProvider';
import { TextField } from '../../ui/Field';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import { required, validate } from '../../ui/validate';
import { PersonName } from '../discussions/PersonName';
import { targetPath } from './paths';

/** One flag of the queue, with the moderation actions when it is open. */
export function FlagCard({
  flag,
  onHandled,
}: {
  flag: Flag;
  onHandled: (flag: Flag, message: string, sameTarget: boolean) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const action = useAction();
  const moderation = useModerationActions();
  const { errorFor, accept } = useFormErrors<'reason'>(action);
  const [reason, setReason] = useState('');
  const headId = `flag-${flag.id}`;
  const kind = t(`mod.kind.${flag.target.kind}`);
  const link = targetPath(flag);
  const targetName = flag.target.kind === 'user' && flag.targetAuthor ? `@${flag.targetAuthor.handle}` : flag.target.id;
  const hideable = flag.target.kind !== 'user';
  const open = flag.status === 'open';

  const hide = async (e: FormEvent) => {
    e.preventDefault();
    if (!accept(validate({ reason }, { reason: required }))) return;
    const { kind, id } = flag.target;
    if (kind === 'user') return; // accounts are suspended, not hidden
    const target = { kind, id };
    const result = await action.run(() => moderation.hide({ target, reason: reason.trim() }));
    if (result.ok) onHandled(flag, t('mod.hidden'), true);
  };
  const dismiss = async () => {
    const result = await action.run(() => moderation.dismiss(flag.id));
    if (result.ok) onHandled(flag, t('mod.dismissed'), false);
  };

  return (
    <li className="card flag-card" aria-labelledby={headId}>
      <h3 id={headId} className="card__title">
        {kind} {link ? <Link to={link}>{targetName}</Link> : <code>{targetName}</code>}
      </h3>
      <dl className="details flag-card__details">
        <div>
          <dt>{t('mod.reason')}</dt>
          <dd>
            <span className="badge">{t(`flag.reason.${flag.reason}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('mod.targetAuthor')}</dt>
          <dd>
            <PersonName person={flag.targetAuthor} />
          </dd>
        </div>
        <div>
          <dt>{t('mod.reporter')}</dt>
          <dd>
            <PersonName person={flag.reporter} />
          </dd>
        </div>
        <div>
          <dt>{t('mod.date')}</dt>
          <dd>
            <time dateTime={flag.createdAt}>{formatDateTime(flag.createdAt)}</time>
            {flag.handledAt && (
              <span className="muted small"> · {t('mod.handled', { date: formatDateTime(flag.handledAt) })}</span>
            )}
          </dd>
        </div>
        {flag.note && (
          <div className="flag-card__note">
            <dt>{t('mod.note')}</dt>
            <dd className="prewrap">{flag.note}</dd>
          </div>
        )}
      </dl>
      {open && (
        <div className="flag-card__actions">
          <ErrorAlert error={action.error} shownFields={['reason', 'target']} />
          {hideable && (
            <form className="inline-form" onSubmit={(e) => void hide(e)} noValidate>
              <TextField
                label={t('mod.publicReason')}
                hint={t('mod.publicReasonHint')}
                value={reason}
                onValueChange={setReason}
                error={errorFor('reason')}
                maxLength={300}
              />
              <button type="submit" className="button button--small button--danger" disabled={action.pending}>
                {t('mod.hide')}
              </button>
            </form>
          )}
          {flag.target.kind === 'user' && flag.targetAuthor && <SuspendForm handle={flag.targetAuthor.handle} />}
          <p>
            <button
              type="button"
              className="button button--small button--secondary"
              disabled={action.pending}
              onClick={() => void dismiss()}
            >
              {t('mod.dismiss')}
            </button>
          </p>
        </div>
      )}
    </li>
  );
}

function SuspendForm({ handle }: { handle: string }) {
  const { t } = useI18n();
  const action = useAction();
  const moderation = useModerationActions();
  const { errorFor, accept } = useFormErrors<'reason' | 'until'>(action);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [status, setStatus] = useState('');

  const suspend = async (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    if (!accept(validate({ reason, until }, { reason: required }))) return;
    // A date means "until the end of that day" in the moderator's time zone.
    const body = { reason: reason.trim(), ...(until ? { until: new Date(`${until}T23:59:59`).toISOString() } : {}) };
    const result = await action.run(() => moderation.suspend(handle, body));
    if (result.ok) setStatus(t('mod.suspended', { handle }));
  };
  const unsuspend = async () => {
    setStatus('');
    const result = await action.run(() => moderation.unsuspend(handle));
    if (result.ok) setStatus(t('mod.unsuspended', { handle }));
  };

  return (
    <div className="suspend">
      <ErrorAlert error={action.error} shownFields={['reason', 'until']} />
      <StatusMessage>{status}</StatusMessage>
      <form className="inline-form" onSubmit={(e) => void suspend(e)} noValidate>
        <TextField
          label={t('mod.suspendReason')}
          hint={t('mod.suspendReasonHint')}
          value={reason}
          onValueChange={setReason}
          error={errorFor('reason')}
          maxLength={500}
        />
        <TextField
          type="date"
          label={`${t('mod.until')} ${t('common.optional')}`}
          hint={t('mod.untilHint')}
          value={until}
          onValueChange={setUntil}
          error={errorFor('until')}
        />
        <button type="submit" className="button button--small button--danger" disabled={action.pending}>
          {t('mod.suspend')}
        </button>
      </form>
      <p>
        <button
          type="button"
          className="button button--small button--secondary"
          disabled={action.pending}
          onClick={() => void unsuspend()}
        >
          {t('mod.unsuspend')}
        </button>
      </p>
    </div>
  );
}
