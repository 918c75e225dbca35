import type { RowValues, TableSchema } from '../../data/index.js';

/** Column names that read as a row's name ("nom", "name", "title", "libellé"…), preferred as its title. */
const NAME_LIKE = /^(nom|name|title|titre|libell[eé]|label|intitul[eé]|raison_sociale)/i;

/**
 * How people recognise a row: its title (the column the publisher chose, else a name-like text column, else the
 * first text column outside the primary key) followed by its primary key, e.g. "Besançon (25056)"; null when
 * neither says anything. Reviewers and contributors see this instead of the internal `_id`.
 */
export function rowLabel(
  schema: TableSchema | undefined,
  row: RowValues | null | undefined,
  titleColumn: string | null = null,
): string | null {
  if (!schema || !row) return null;
  const key = schema.primaryKey ?? [];
  const chosen = titleColumn ? schema.fields.find((f) => f.name === titleColumn) : undefined;
  const text = (v: unknown) => (v === null || v === undefined || v === '' ? '' : String(v));
  const keyText = key
    .map((k) => text(row[k]))
    .filter(Boolean)
    .join(' · ');
  const strings = schema.fields.filter((f) => f.type === 'string' && !key.includes(f.name));
  const title = chosen ?? strings.find((f) => NAME_LIKE.test(f.name)) ?? strings[0];
  const titleText = title ? text(row[title.name]).slice(0, 120) : '';
  // The chosen column may be the key itself: say it once.
  if (titleText && keyText && key.length === 1 && key[0] === title?.name) return titleText;
  if (titleText && keyText) return `${titleText} (${keyText})`;
  return titleText || keyText || null;
}
