import type { RowValues, TableSchema } from '../../data/index.js';

/** Column names that read as a row's name ("nom", "name", "title", "libellé"…), preferred as its title. */
const NAME_LIKE = /^(nom|name|title|titre|libell[eé]|label|intitul[eé]|raison_sociale)/i;

/**
 * How people recognise a row: its title (a name-like text column, else the first text column outside the
 * primary key) followed by its primary key, e.g. "Besançon (25056)"; null when neither says anything.
 * Reviewers and contributors see this instead of the internal `_id`.
 */
export function rowLabel(schema: TableSchema | undefined, row: RowValues | null | undefined): string | null {
  if (!schema || !row) return null;
  const key = schema.primaryKey ?? [];
  const text = (v: unknown) => (v === null || v === undefined || v === '' ? '' : String(v));
  const keyText = key
    .map((k) => text(row[k]))
    .filter(Boolean)
    .join(' · ');
  const strings = schema.fields.filter((f) => f.type === 'string' && !key.includes(f.name));
  const title = strings.find((f) => NAME_LIKE.test(f.name)) ?? strings[0];
  const titleText = title ? text(row[title.name]).slice(0, 120) : '';
  if (titleText && keyText) return `${titleText} (${keyText})`;
  return titleText || keyText || null;
}
