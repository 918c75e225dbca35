/**
 * The event catalog as a Markdown table, for docs/architecture.md (`npm run docs:events` rewrites it; a test fails
 * when the page and the catalog differ).
 */
import type { TSchema } from '@sinclair/typebox';
import { eventCatalog, eventTypes } from './catalog.js';

function typeOf(schema: TSchema): string {
  if (schema.anyOf) return (schema.anyOf as TSchema[]).map(typeOf).join(' \\| ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'array') return `${typeOf(schema.items as TSchema)}[]`;
  if (schema.type === 'object')
    return `{${Object.entries(schema.properties as Record<string, TSchema>)
      .map(([k, v]) => `${k}: ${typeOf(v)}`)
      .join(', ')}}`;
  return String(schema.type);
}

export function catalogMarkdown(): string {
  const rows = eventTypes.map((type) => {
    const d = eventCatalog[type];
    const required = new Set((d.payload.required as string[] | undefined) ?? []);
    const payload = Object.entries(d.payload.properties as Record<string, TSchema>)
      .map(([key, schema]) => `${key}${required.has(key) ? '' : '?'}: ${typeOf(schema)}`)
      .join(', ');
    const webhook = 'webhook' in d ? ((d.webhook as { as?: string }).as ?? 'yes') : '';
    return `| \`${type}\` | ${d.visibility.join(', ')} | ${webhook} | ${payload || '—'} | ${d.description} |`;
  });
  return ['| type | visibility | webhook | payload | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The line after which the generated table stands (it ends at the first blank line). */
export const TABLE_ANCHOR = '<!-- generated from server/src/events/catalog.ts by npm run docs:events -->';

/** The table currently written in a page, or undefined when the page has no anchor. */
export function catalogTableIn(page: string): string | undefined {
  const at = page.indexOf(TABLE_ANCHOR);
  if (at < 0) return undefined;
  const start = at + TABLE_ANCHOR.length + 1;
  const end = page.indexOf('\n\n', start);
  return page.slice(start, end < 0 ? undefined : end);
}

export function replaceCatalogTable(page: string, table: string): string {
  const current = catalogTableIn(page);
  if (current === undefined) throw new Error(`No ${TABLE_ANCHOR} in the page`);
  const at = page.indexOf(TABLE_ANCHOR) + TABLE_ANCHOR.length + 1;
  return page.slice(0, at) + table + page.slice(at + current.length);
}
