import snowball from 'snowball-stemmers';

const french = snowball.newStemmer('french');
const english = snowball.newStemmer('english');

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Words of a text, lowercased and without accents. */
export const words = (text: string) =>
  fold(text)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);

/**
 * Stems of a word in French and in English (both, since a catalog mixes languages):
 * "communes" and "commune" meet, and so do "populations" and "population".
 */
export function stems(word: string): string[] {
  const folded = fold(word);
  return [...new Set([fold(french.stem(word.toLowerCase())), english.stem(folded)])].filter((s) => s.length > 0);
}

/** The indexed form of a dataset's metadata: each stem once, space-delimited with spaces at both ends. */
export function searchDocument(parts: string[]): string {
  const all = new Set<string>();
  for (const part of parts) for (const w of words(part)) for (const s of stems(w)) all.add(s);
  return ` ${[...all].join(' ')} `;
}

/** For each word of a query, the stems that may match it (any of them). */
export const queryTerms = (query: string): string[][] => words(query).slice(0, 10).map(stems);
