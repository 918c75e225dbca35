import { useCallback, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { useI18n } from '../../i18n/I18nProvider';
import { uploadForm } from '../upload';

/** One multipart upload at a time, with its progress (0‥100, null when unknown). */
export function useUpload() {
  const { lang } = useI18n();
  const [percent, setPercent] = useState<number | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const controller = useRef<AbortController | null>(null);

  const run = useCallback(
    async <T>(path: string, form: FormData): Promise<T | null> => {
      controller.current = new AbortController();
      setPending(true);
      setError(null);
      setPercent(0);
      try {
        return await uploadForm<T>(path, form, {
          lang,
          signal: controller.current.signal,
          onProgress: (fraction) => setPercent(fraction === null ? null : fraction * 100),
        });
      } catch (err) {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setError(toApiError(err));
        return null;
      } finally {
        setPending(false);
        controller.current = null;
      }
    },
    [lang],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  return { run, cancel, pending, percent, error, reset: () => setError(null) };
}
