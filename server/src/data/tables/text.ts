/**
 * Text folding and the `_q` search language, shared by the query engine (SQL), the query workers (SQLite
 * functions) and the tests.
 *
 * `_q` is cut into words (letters, digits and combining marks); nothing else survives, so no search-engine
 * operator ever reaches FTS5 or tsquery. Matching is case- and accent-insensitive (`chateau` finds
 * `Château`). Three modes (`_q_mode`):
 * - `prefix` (the default): every word, the last one as a prefix while it is being typed — `plou` finds
 *   Plouzané, `rue bres` finds "rue de Brest"; a trailing space or punctuation ends the word;
 * - `words`: every word, whole;
 * - `phrase`: the words next to each other, in this order, in the row's text columns read as one text.
 */

// SQLite FTS5 folds diacritics itself (unicode61 remove_diacritics 2). PostgreSQL without the
// unaccent extension does not, so documents are folded with translate() (IMMUTABLE, usable in a
// generated column) and queries with the same map in JS: "ecole" finds "École" on both dialects.
function buildFoldMap(): { from: string; to: string; map: Map<string, string> } {
  let from = '';
  let to = '';
  const map = new Map<string, string>();
  const ranges: Array<[number, number]> = [
    [0xc0, 0x24f],
    [0x1e00, 0x1eff],
  ];
  for (const [a, b] of ranges) {
    for (let cp = a; cp <= b; cp++) {
      const ch = String.fromCodePoint(cp);
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      if (base !== ch && [...base].length === 1 && base !== "'") {
        from += ch;
        to += base;
        map.set(ch, base);
      }
    }
  }
  return { from, to, map };
}
export const fold = buildFoldMap();

export function foldText(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC')) out += fold.map.get(ch) ?? ch;
  return out;
}

export const searchModes = ['prefix', 'words', 'phrase'] as const;
export type SearchMode = (typeof searchModes)[number];
export const DEFAULT_SEARCH_MODE: SearchMode = 'prefix';

export interface Search {
  /** The words, in order (at most 32). */
  words: string[];
  mode: SearchMode;
  /** `prefix` mode only: whether the last word is still being typed (no space or punctuation after it). */
  lastIsPrefix: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MAX_WORDS = 32;

/** The search of a `_q` text, or null when it has no word. */
export function parseSearch(text: string, mode: SearchMode = DEFAULT_SEARCH_MODE): Search | null {
  const normalized = text.normalize('NFC');
  const words = normalized.match(WORD);
  if (!words) return null;
  const kept = words.slice(0, MAX_WORDS);
  const endsInWord = /[\p{L}\p{N}\p{M}]$/u.test(normalized) && kept.length === words.length;
  return { words: kept, mode, lastIsPrefix: mode === 'prefix' && endsInWord };
}

/** The FTS5 MATCH expression: each word a quoted string (ANDed), the last one with `*` as a prefix. */
export function fts5Match(search: Search): string {
  return search.words
    .map((w, i) => `"${w.replaceAll('"', '""')}"${search.lastIsPrefix && i === search.words.length - 1 ? '*' : ''}`)
    .join(' ');
}

/** A word as FTS5's unicode61 tokenizer with remove_diacritics 2 sees it: no marks, lower case. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The folded words of a text, in order. */
export function foldedWords(text: string): string[] {
  return (text.normalize('NFC').match(WORD) ?? []).map(foldWord).filter((w) => w !== '');
}

/**
 * Whether `phrase` (folded words joined by single spaces) occurs as consecutive words of the documents
 * read as one text (joined by spaces, as PostgreSQL's tsvector reads the row). SQLite's FTS5 index keeps
 * no positions here, so phrases are found by its word index, then checked by this function.
 */
export function containsPhrase(phrase: string, documents: ReadonlyArray<string | null>): boolean {
  const wanted = phrase.split(' ');
  if (wanted.length === 0 || wanted[0] === '') return false;
  const words = foldedWords(documents.filter((d) => d !== null).join(' '));
  outer: for (let i = 0; i + wanted.length <= words.length; i++) {
    for (let j = 0; j < wanted.length; j++) if (words[i + j] !== wanted[j]) continue outer;
    return true;
  }
  return false;
}

/** Registers the SQL functions the SQLite query engine uses on a connection (main or worker). */
export function registerSqliteFunctions(db: {
  function(
    name: string,
    options: { deterministic: boolean; varargs: boolean },
    fn: (...args: unknown[]) => unknown,
  ): unknown;
}): void {
  db.function('mt_phrase', { deterministic: true, varargs: true }, (phrase, ...documents) =>
    containsPhrase(String(phrase), documents as Array<string | null>) ? 1 : 0,
  );
}
