import type { MessageKey } from '../i18n/en';

/** Client-side checks mirroring the server's rules; return a message key or null. */
export type Check = (value: string) => MessageKey | null;

export const HANDLE_PATTERN = '^[a-z0-9][a-z0-9-]{1,38}$';
export const PASSWORD_MIN_LENGTH = 10;

export const required: Check = (v) => (v.trim() ? null : 'validation.required');
export const email: Check = (v) =>
  !v.trim() ? 'validation.required' : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? null : 'validation.email';
export const password: Check = (v) =>
  !v ? 'validation.required' : v.length >= PASSWORD_MIN_LENGTH ? null : 'validation.passwordLength';
export const handle: Check = (v) =>
  !v ? 'validation.required' : new RegExp(HANDLE_PATTERN).test(v) ? null : 'validation.handle';
export const optionalUrl: Check = (v) => {
  if (!v.trim()) return null;
  try {
    const url = new URL(v.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'validation.url';
  } catch {
    return 'validation.url';
  }
};

/** Run checks; returns field → message key for failing fields only. */
export function validate<F extends string>(
  values: Record<F, string>,
  checks: Partial<Record<F, Check>>,
): Partial<Record<F, MessageKey>> {
  const out: Partial<Record<F, MessageKey>> = {};
  for (const field of Object.keys(checks) as F[]) {
    const check = checks[field];
    const result = check ? check(values[field]) : null;
    if (result) out[field] = result;
  }
  return out;
}
