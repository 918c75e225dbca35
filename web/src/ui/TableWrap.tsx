import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useT } from '../i18n/I18nProvider';

/**
 * Horizontal scroll container for wide tables: the page itself never scrolls sideways. Focusable and named so
 * keyboard users can scroll it. When the table is wider than its box, a shadow on the side that has more columns
 * says so (`data-more-left` / `data-more-right`).
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState({ left: false, right: false });
  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const left = el.scrollLeft > 1;
    const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [measure]);
  return (
    <div className="table-scroll" data-more-left={more.left || undefined} data-more-right={more.right || undefined}>
      <div
        ref={ref}
        className="table-wrap"
        role="region"
        aria-label={t('common.tableLabel', { name: label })}
        tabIndex={0}
        onScroll={measure}
      >
        {children}
      </div>
    </div>
  );
}
