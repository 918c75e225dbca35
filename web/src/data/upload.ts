import { ApiError, apiUrl, readCookie, type Problem } from '../api/client';

export interface UploadOptions {
  /** Called with the fraction sent, 0‥1 (null when the size is unknown). */
  onProgress?: (fraction: number | null, loaded: number, total: number | null) => void;
  signal?: AbortSignal;
  lang?: string;
}

function problemFrom(status: number, statusText: string, text: string): Problem {
  const fallback: Problem = { title: statusText || `HTTP ${status}`, status };
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null) return fallback;
    const b = body as Record<string, unknown>;
    return {
      type: typeof b.type === 'string' ? b.type : undefined,
      title: typeof b.title === 'string' ? b.title : fallback.title,
      status: typeof b.status === 'number' ? b.status : status,
      detail: typeof b.detail === 'string' ? b.detail : undefined,
      errors: Array.isArray(b.errors)
        ? b.errors.map((e: { field?: unknown; message?: unknown }) => ({
            field: String(e?.field ?? ''),
            message: String(e?.message ?? ''),
          }))
        : undefined,
    };
  } catch {
    return fallback;
  }
}

/**
 * POST a multipart form with XMLHttpRequest (fetch has no upload progress).
 * Same conventions as `api`: session cookie, CSRF header, problem+json errors.
 */
export function uploadForm<T>(path: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    if (options.lang) xhr.setRequestHeader('Accept-Language', options.lang);
    const csrf = readCookie('mt_csrf');
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => {
      options.onProgress?.(
        e.lengthComputable && e.total > 0 ? e.loaded / e.total : null,
        e.loaded,
        e.lengthComputable ? e.total : null,
      );
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
        } catch {
          resolve(undefined as T);
        }
      } else {
        reject(new ApiError(problemFrom(xhr.status, xhr.statusText, xhr.responseText)));
      }
    };
    xhr.onerror = () => reject(new ApiError({ type: 'about:blank#network', title: 'Network error', status: 0 }));
    xhr.onabort = () => reject(new DOMException('Aborted', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
