import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { fetchContribution, fetchContributions, type ContributionView } from '../../api/community';
import { cursorFromNext } from '../../data/paths';

const PAGE = 20;

/**
 * Pending proposals the viewer can review (the list, then each one's diff), oldest or newest first; with
 * `overdue`, those older than their organization's review target (shown to anyone who may see them).
 */
export function useReviewQueue(dataset: string, newest: boolean, overdue = false) {
  const [items, setItems] = useState<ContributionView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (after: string | null, signal?: AbortSignal) => {
      setLoading(true);
      try {
        const page = await fetchContributions(
          {
            ...(overdue ? { overdue: true } : { status: 'pending' }),
            _sort: newest ? '-created' : 'created',
            _limit: PAGE,
            ...(dataset ? { dataset } : {}),
            ...(after ? { _cursor: after } : {}),
          },
          signal,
        );
        const views = await Promise.all(page.items.map((s) => fetchContribution(s.id, signal)));
        const mine = overdue ? views : views.filter((v) => v.viewerCanReview);
        setItems((prev) => (after ? [...prev, ...mine] : mine));
        setCursor(cursorFromNext(page.next));
        setError(null);
      } catch (err) {
        if (signal?.aborted) return;
        setError(toApiError(err));
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [dataset, newest, overdue],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  const remove = useCallback((id: string) => setItems((prev) => prev.filter((c) => c.id !== id)), []);
  const more = useCallback(() => {
    if (cursor) void load(cursor);
  }, [cursor, load]);

  return { items, loading, error, hasMore: Boolean(cursor), more, remove };
}
