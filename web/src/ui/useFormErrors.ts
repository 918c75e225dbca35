import { useState } from 'react';
import type { Action } from '../api/hooks';
import type { MessageKey } from '../i18n/en';
import { useT } from '../i18n/I18nProvider';

/**
 * Merges client-side validation errors (message keys) with the server's
 * per-field errors from the current action. Client errors win.
 */
export function useFormErrors<F extends string>(action: Action) {
  const t = useT();
  const [client, setClient] = useState<Partial<Record<F, MessageKey>>>({});
  const errorFor = (field: F): string | undefined => {
    const key = client[field];
    return key ? t(key) : action.fieldErrors[field];
  };
  /** Store the client errors; returns true when the form may be submitted. */
  const accept = (errors: Partial<Record<F, MessageKey>>): boolean => {
    setClient(errors);
    const ok = Object.keys(errors).length === 0;
    if (!ok) {
      action.reset();
      // Move focus to the first invalid control after it re-renders.
      requestAnimationFrame(() => {
        document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      });
    }
    return ok;
  };
  return { errorFor, accept };
}
