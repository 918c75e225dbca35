import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { seg, toApiError, type ApiError } from '../api/client';
import { cursorOf } from '../api/platform';
import { fetchReputationPage, type ReputationEntry } from '../api/recognition';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert, Loading } from '../ui/Messages';
import { TableWrap } from '../ui/TableWrap';
import { reasonLabel, signedPoints } from './localized';

const PAGE = 50;

/** Every reputation point, with the event it comes from; newest first, paged by cursor. */
export function ReputationLedger({
  handle,
  onLoaded,
}: {
  handle: string;
  onLoaded?: (items: ReputationEntry[]) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const [items, setItems] = useState<ReputationEntry[]>([]);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (cursor: string | null, signal?: AbortSignal) => {
      setLoading(true);
      setError(null);
      try {
        const page = await fetchReputationPage(
          handle,
          { _limit: PAGE, ...(cursor ? { _cursor: cursor } : {}) },
          signal,
        );
        setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
        setTotal(page.total);
        setNext(cursorOf(page.next));
      } catch (err) {
        if (signal?.aborted) return;
        setError(toApiError(err));
      }
      setLoading(false);
    },
    [handle],
  );

  useEffect(() => {
    onLoaded?.(items);
  }, [items, onLoaded]);

  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <section aria-labelledby="profile-ledger" className="subpanel">
      <h2 id="profile-ledger">{t('people.ledger.heading')}</h2>
      <p className="muted">{t('people.ledger.intro', { total })}</p>
      <ErrorAlert error={error} />
      {items.length === 0 ? (
        loading ? (
          <Loading />
        ) : (
          !error && <p className="empty-state">{t('people.ledger.empty')}</p>
        )
      ) : (
        <TableWrap label={t('people.ledger.heading')}>
          <table>
            <caption className="visually-hidden">{t('people.ledger.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('people.ledger.colPoints')}</th>
                <th scope="col">{t('people.ledger.colReason')}</th>
                <th scope="col">{t('people.ledger.colDataset')}</th>
                <th scope="col">{t('people.ledger.colDate')}</th>
                <th scope="col">{t('people.ledger.colEvent')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td className={e.points < 0 ? 'points points--negative' : 'points'}>{signedPoints(e.points)}</td>
                  <th scope="row">{reasonLabel(t, e.reason)}</th>
                  <td>{e.dataset ? <Link to={`/datasets/${seg(e.dataset)}`}>{e.dataset}</Link> : '—'}</td>
                  <td>
                    <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time>
                  </td>
                  <td>
                    <code className="small">{e.eventId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {next && (
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={loading}
          onClick={() => void load(next)}
        >
          {loading ? t('common.loading') : t('people.ledger.more')}
        </button>
      )}
    </section>
  );
}
