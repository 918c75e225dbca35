import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../api/client';
import { en, type Message, type MessageKey, type Messages } from './en';
import { fr } from './fr';
import { applyDocumentLang, detectLang, persistLang, type Lang } from './lang';

const catalogs: Record<Lang, Messages> = { en, fr };

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  /** Localised date (e.g. "12 Mar 2025"); empty string for missing/invalid input. */
  formatDate: (iso: string | null | undefined) => string;
  formatDateTime: (iso: string | null | undefined) => string;
}

const locales: Record<Lang, string> = { en: 'en-GB', fr: 'fr-FR' };

/**
 * Fills `{name}` placeholders. Plural forms are chosen from `count` with `Intl.PluralRules`, and a numeric `count`
 * is written with the language's digit grouping ("34,969" / "34 969").
 */
function render(lang: Lang, message: Message, vars?: Vars): string {
  const count = vars?.count;
  const template =
    typeof message === 'string'
      ? message
      : new Intl.PluralRules(locales[lang]).select(Number(count ?? 0)) === 'one'
        ? message.one
        : message.other;
  if (!vars) return template;
  const numbers = new Intl.NumberFormat(locales[lang]);
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    if (!(name in vars)) return match;
    const v = vars[name]!;
    return name === 'count' && typeof v === 'number' ? numbers.format(v) : String(v);
  });
}

function dateFormatter(lang: Lang, options: Intl.DateTimeFormatOptions) {
  const fmt = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', options);
  return (iso: string | null | undefined) => {
    if (!iso) return '';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? '' : fmt.format(date);
  };
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(detectLang);

  useEffect(() => {
    applyDocumentLang(lang);
    setApiLanguage(lang);
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    persistLang(next);
    setLangState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const messages = catalogs[lang];
    return {
      lang,
      setLang,
      t: (key, vars) => render(lang, messages[key] ?? en[key] ?? key, vars),
      formatDate: dateFormatter(lang, { dateStyle: 'medium' }),
      formatDateTime: dateFormatter(lang, { dateStyle: 'medium', timeStyle: 'short' }),
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}

/** Shortcut for components that only need `t`. */
export function useT(): Translate {
  return useI18n().t;
}
