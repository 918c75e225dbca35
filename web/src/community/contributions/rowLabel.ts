import type { TableField } from '../../api/data';

/** Column names that read as a row's name, preferred as its title (as the server's `rowLabel`). */
const NAME_LIKE = /^(nom|name|title|titre|libell[eé]|label|intitul[eé]|raison_sociale)/i;

/** The column that names rows: the publisher's `titleColumn`, else a name-like or the first text column. */
export function titleFieldOf(
  fields: TableField[],
  primaryKey: string[] = [],
  titleColumn: string | null = null,
): TableField | undefined {
  const strings = fields.filter((f) => f.type === 'string' && !primaryKey.includes(f.name));
  const chosen = titleColumn ? fields.find((f) => f.name === titleColumn) : undefined;
  return chosen ?? strings.find((f) => NAME_LIKE.test(f.name)) ?? strings[0];
}

/**
 * A row's title as people recognise it ("Besançon"): the column the publisher chose (`titleColumn`), else a
 * name-like or the first text column; '' if none.
 */
export function rowTitle(
  row: Record<string, unknown>,
  fields: TableField[],
  primaryKey: string[] = [],
  titleColumn: string | null = null,
): string {
  const title = titleFieldOf(fields, primaryKey, titleColumn);
  const value = title ? row[title.name] : undefined;
  return value === null || value === undefined ? '' : String(value).slice(0, 120);
}
