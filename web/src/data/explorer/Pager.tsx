import { useT } from '../../i18n/I18nProvider';

/** Cursor pagination: "Previous page" pops the cursor stack kept in the URL. */
export function Pager({
  page,
  hasPrev,
  hasNext,
  onPrev,
  onNext,
  busy,
}: {
  page: number;
  hasPrev: boolean;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  busy: boolean;
}) {
  const t = useT();
  return (
    <nav className="pager" aria-label={t('data.explorer.pagination')}>
      <button
        type="button"
        className="button button--secondary button--small"
        disabled={!hasPrev || busy}
        onClick={onPrev}
      >
        {t('data.explorer.prevPage')}
      </button>
      <span className="pager__page" aria-live="polite">
        {t('data.explorer.page', { page })}
      </span>
      <button
        type="button"
        className="button button--secondary button--small"
        disabled={!hasNext || busy}
        onClick={onNext}
      >
        {t('data.explorer.nextPage')}
      </button>
    </nav>
  );
}
