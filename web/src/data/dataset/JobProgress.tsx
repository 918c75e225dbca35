import type { JobView } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { StatusMessage, useErrorMessage } from '../../ui/Messages';
import { formatNumber, formatSeconds } from '../format';
import { jobStatusLabel } from '../labels';
import { isJobActive, useJob } from '../useJob';
import { ProgressBar } from './ProgressBar';

/** Refusals by the publish guard, which the publisher may override with "force". */
const GUARD_CODES = new Set(['no_rows', 'too_many_rejected']);

interface Props {
  job: JobView;
  onDone?: (job: JobView) => void;
  /** Announce the end of the import (only for jobs started on this page). */
  announce?: boolean;
}

/** Import progress of one job (key it by job id). Polls while queued or running. */
export function JobProgress({ job: initial, onDone, announce }: Props) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const { job, error } = useJob(initial, onDone);
  if (!job) return null;
  const p = job.progress;
  const active = isJobActive(job);
  const parts = [t('data.job.rowsRead', { count: formatNumber(lang, p.rowsRead) })];
  if (p.rowsRejected) parts.push(t('data.job.rowsRejected', { count: formatNumber(lang, p.rowsRejected) }));
  if (active && p.etaSeconds !== null && p.etaSeconds > 0)
    parts.push(t('data.job.eta', { time: formatSeconds(p.etaSeconds) }));

  return (
    <div className="job">
      {active ? (
        <ProgressBar
          label={job.status === 'queued' ? t('data.job.queuedLabel') : t('data.job.importLabel')}
          percent={job.status === 'queued' ? null : p.percent}
          detail={parts.join(' · ')}
        />
      ) : (
        <p className={job.status === 'failed' ? 'notice notice--error' : 'small'}>
          <span className={`status-pill status-pill--${job.status}`}>{jobStatusLabel(t, job.status)}</span>{' '}
          {job.status === 'failed' && job.error ? job.error : parts.join(' · ')}
        </p>
      )}
      {job.status === 'failed' && GUARD_CODES.has(job.report?.errorCode ?? '') && (
        <p className="small">{t('data.guard.failedHint')}</p>
      )}
      {error && <p className="small field__error">{errorMessage(error)}</p>}
      {announce && (
        <StatusMessage tone={job.status === 'failed' ? 'info' : 'success'}>
          {job.status === 'succeeded'
            ? t('data.job.doneAnnounce', { count: p.rowsRead - p.rowsRejected })
            : job.status === 'failed'
              ? t('data.job.failedAnnounce')
              : null}
        </StatusMessage>
      )}
    </div>
  );
}
