import type { Lang } from '../i18n/lang';

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

export function formatNumber(lang: Lang, value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '';
  return new Intl.NumberFormat(locale(lang)).format(value);
}

export function formatBytes(lang: Lang, bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  const units = lang === 'fr' ? ['o', 'ko', 'Mo', 'Go', 'To'] : ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** "1 min 20 s" style duration. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A table cell as text. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  // Hide binary floating-point noise (0.1 + 0.2) without rounding real precision away.
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Number(value.toPrecision(12)));
  return String(value);
}

/**
 * A typed cell for reading, in the interface language: measures with the language's digit grouping and decimal
 * mark ("119 198", "65,05"), dates and datetimes spelled out, booleans as words. Codes, ids and years (numbers that
 * are not measures) and text stay as stored.
 */
export function formatCell(
  lang: Lang,
  value: unknown,
  field: { type: string; measure: boolean },
  words: { yes: string; no: string },
): string {
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'number' && field.measure && Number.isFinite(value))
    return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 10 }).format(Number(value.toPrecision(12)));
  if (typeof value === 'string' && (field.type === 'date' || field.type === 'datetime')) {
    const date = new Date(field.type === 'date' ? `${value.slice(0, 10)}T00:00:00Z` : value);
    if (!Number.isNaN(date.getTime()))
      return new Intl.DateTimeFormat(locale(lang), {
        dateStyle: 'medium',
        ...(field.type === 'datetime' ? { timeStyle: 'short' } : {}),
        timeZone: 'UTC',
      }).format(date);
  }
  return cellText(value);
}
