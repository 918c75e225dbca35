/** Language detection, persistence and <html lang> handling (no React). */
export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

const STORAGE_KEY = 'mt_lang';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

function storedLang(): Lang | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLang(value) ? value : null;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed iframe…)
  }
}

/** Stored choice first, then the browser's preferred languages, then English. */
export function detectLang(): Lang {
  const stored = storedLang();
  if (stored) return stored;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const base = tag?.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

export function persistLang(lang: Lang): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* ignore: the choice just won't survive a reload */
  }
}

export function applyDocumentLang(lang: Lang): void {
  document.documentElement.lang = lang;
}
