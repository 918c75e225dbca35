/**
 * The activity feed's sentences: an event's catalog template filled with the names of its actor and organization
 * and its payload's fields, in French or English. Pure: the caller resolves names and the reader's language.
 */
import { eventDefinition } from './catalog.js';

export type FeedLocale = 'fr' | 'en';

const someone: Record<FeedLocale, string> = { fr: 'Quelqu’un', en: 'Someone' };

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') return '';
  return String(value);
}

/** The placeholders of a template, `{name}` → `name`. */
export const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

export function describeEvent(
  event: { type: string; payload: Record<string, unknown> },
  names: { actor?: string; organization?: string },
  locale: FeedLocale,
): string {
  const definition = eventDefinition(event.type);
  // An event type this version no longer declares still reads as something.
  const template = definition?.text[locale] ?? `{actor} · ${event.type}`;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'actor') return names.actor ?? someone[locale];
    if (key === 'organization') return names.organization ?? '';
    return show(event.payload[key]);
  });
}

/** The reader's language: `?lang=` first, then the best of French and English in Accept-Language, else English. */
export function feedLocale(lang: string | undefined, acceptLanguage: string | undefined): FeedLocale {
  if (lang === 'fr' || lang === 'en') return lang;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((l) => l.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag === 'fr' || tag.startsWith('fr-')) return 'fr';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}
