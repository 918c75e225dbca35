import { useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { cursorOf } from '../../api/platform';
import { fetchFlags, useFlags, type Flag, type FlagStatus } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { SelectField } from '../../ui/Field';
import { Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { FlagCard } from './FlagCard';

const STATUSES: FlagStatus[] = ['open', 'resolved', 'dismissed'];

/** /moderation — the flags queue (moderators only; the server decides). */
export function ModerationPage() {
  const t = useT();
  useDocumentTitle(t('mod.title'));
  return (
    <div className="moderation">
      <div className="page-heading">
        <h1>{t('mod.title')}</h1>
        <p className="muted">{t('mod.intro')}</p>
      </div>
      <RequireUser>{() => <Queue />}</RequireUser>
    </div>
  );
}

function Queue() {
  const t = useT();
  const errorMessage = useErrorMessage();
  const [status, setStatus] = useState<FlagStatus>('open');
  const first = useFlags(status);
  const [more, setMore] = useState<{
    status: FlagStatus;
    items: Flag[];
    next: string | null;
    error: ApiError | null;
    loading: boolean;
  } | null>(null);
  const [handled, setHandled] = useState<Set<string>>(new Set());
  const [announce, setAnnounce] = useState('');

  if (first.error?.status === 403) {
    return (
      <div className="notice notice--info">
        <p className="notice__title">{t('mod.forbidden')}</p>
        <p>{errorMessage(first.error)}</p>
      </div>
    );
  }

  const extra = more && more.status === status ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])].filter((f) => !handled.has(f.id));
  const next = extra ? extra.next : (first.data?.next ?? null);

  const loadMore = async () => {
    const cursor = cursorOf(next);
    if (!cursor) return;
    setMore({ status, items: extra?.items ?? [], next, error: null, loading: true });
    try {
      const page = await fetchFlags(status, cursor);
      setMore({
        status,
        items: [...(extra?.items ?? []), ...page.items],
        next: page.next,
        error: null,
        loading: false,
      });
    } catch (err) {
      setMore({ status, items: extra?.items ?? [], next, error: toApiError(err), loading: false });
    }
  };

  /** A flag (or, after hiding, every open flag on the same target) left the open queue. */
  const onHandled = (flag: Flag, message: string, sameTarget: boolean) => {
    const ids = sameTarget
      ? items.filter((f) => f.target.kind === flag.target.kind && f.target.id === flag.target.id).map((f) => f.id)
      : [flag.id];
    setHandled((prev) => new Set([...prev, ...ids]));
    setAnnounce(message);
    requestAnimationFrame(() => document.getElementById('moderation-queue')?.focus());
  };

  return (
    <>
      <div className="moderation__toolbar">
        <SelectField
          label={t('mod.status')}
          value={status}
          className="field--inline"
          onValueChange={(v) => {
            setStatus(v as FlagStatus);
            setAnnounce('');
          }}
          options={STATUSES.map((s) => ({ value: s, label: t(`mod.status.${s}`) }))}
        />
      </div>
      <StatusMessage>{announce}</StatusMessage>
      <h2 id="moderation-queue" tabIndex={-1} className="visually-hidden">
        {t(`mod.status.${status}`)}
      </h2>
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error && !first.data ? (
        <p className="notice notice--error">{errorMessage(first.error)}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <p>{status === 'open' ? t('mod.empty') : t('mod.emptyOther')}</p>
        </div>
      ) : (
        <ul className="card-list flag-list">
          {items.map((f) => (
            <FlagCard key={f.id} flag={f} onHandled={onHandled} />
          ))}
        </ul>
      )}
      {extra?.error && (
        <p className="notice notice--error" role="alert">
          {errorMessage(extra.error)}
        </p>
      )}
      {cursorOf(next) && (
        <p className="load-more">
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={extra?.loading}
            onClick={() => void loadMore()}
          >
            {t('mod.more')}
          </button>
        </p>
      )}
    </>
  );
}
