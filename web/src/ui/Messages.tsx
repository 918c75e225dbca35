import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { fieldErrors } from '../api/client';
import { useT } from '../i18n/I18nProvider';

/** Human message for an ApiError: problem `detail`, else `title`, else generic. */
export function useErrorMessage(): (error: ApiError) => string {
  const t = useT();
  return (error) => {
    if (error.isNetworkError) return t('error.network');
    return error.problem.detail || error.problem.title || t('error.generic');
  };
}

interface ErrorAlertProps {
  error: ApiError | null | undefined;
  /** Fields displayed next to their control; other field errors are listed here. */
  shownFields?: readonly string[];
}

/**
 * Always-present `role="alert"` region: content inserted into it is announced.
 * Shows the problem `detail` and any field errors that have no visible field.
 */
export function ErrorAlert({ error, shownFields = [] }: ErrorAlertProps) {
  const t = useT();
  const message = useErrorMessage();
  const extra = error ? Object.entries(fieldErrors(error)).filter(([f]) => !shownFields.includes(f)) : [];
  return (
    <div role="alert" className="live-region">
      {error && (
        <div className="notice notice--error">
          <p className="notice__title">{t('error.title')}</p>
          <p>{message(error)}</p>
          {extra.length > 0 && (
            <ul>
              {extra.map(([field, msg]) => (
                <li key={field}>
                  {field}: {msg}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/** Always-present polite live region for success / progress messages. */
export function StatusMessage({ children, tone = 'success' }: { children?: ReactNode; tone?: 'success' | 'info' }) {
  return (
    <div role="status" className="live-region">
      {children ? <div className={`notice notice--${tone}`}>{children}</div> : null}
    </div>
  );
}

/** Inline loading indicator, announced politely. */
export function Loading() {
  const t = useT();
  return (
    <p role="status" className="muted">
      {t('common.loading')}
    </p>
  );
}
