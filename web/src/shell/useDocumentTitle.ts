import { useEffect } from 'react';

/** Sets `document.title` to "<page> — Multitude". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title && title !== 'Multitude' ? `${title} — Multitude` : 'Multitude';
  }, [title]);
}
