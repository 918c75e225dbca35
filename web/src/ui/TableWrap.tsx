import type { ReactNode } from 'react';
import { useT } from '../i18n/I18nProvider';

/**
 * Horizontal scroll container for wide tables: the page itself never
 * scrolls sideways. Focusable and named so keyboard users can scroll it.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  const t = useT();
  return (
    <div className="table-wrap" role="region" aria-label={t('common.tableLabel', { name: label })} tabIndex={0}>
      {children}
    </div>
  );
}
