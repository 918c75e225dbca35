import type { ImportMessage, Rejection } from '../api/data';
import type { MessageKey } from '../i18n/en';
import type { Translate } from '../i18n/I18nProvider';

/** Codes of server/src/data/import/messages.ts that have a text in the catalogs (`import.<code>`). */
const CODES = new Set([
  'row.width',
  'value.type',
  'value.required',
  'csv.unbalancedQuotes',
  'csv.unclosedQuote',
  'csv.lineTooLong',
  'json.invalid',
  'json.notObject',
  'json.unexpectedKey',
  'json.endsInsideItem',
  'json.notClosed',
  'json.itemTooLarge',
  'ndjson.lineTooLong',
  'encoding.windows1252',
  'encoding.mixed',
  'encoding.strayBytes',
  'format.textNamedAsSpreadsheet',
  'header.none',
  'header.unnamed',
  'header.renamed',
  'rows.ragged',
  'rows.brokenQuotes',
  'json.invalidRecords',
  'sample.partial',
  'schema.kept',
  'column.codesAsText',
]);

const TYPES = ['integer', 'number', 'number_comma', 'boolean', 'date', 'datetime', 'string'];

/**
 * An import warning or rejection reason in the interface language, from its code and parameters; the server's
 * English text when the code is unknown (a newer server) or missing (reports written before codes existed).
 */
export function importMessageText(t: Translate, m: ImportMessage | Rejection | string): string {
  if (typeof m === 'string') return m;
  const fallback = 'message' in m ? m.message : m.reason;
  if (!m.code || !CODES.has(m.code)) return fallback;
  const params = { ...(m.params ?? {}) };
  if (m.code === 'value.type') {
    const type = String(params.type);
    const format = params.format === 'any' ? t('import.anyFormat') : String(params.format ?? '');
    params.expected = TYPES.includes(type)
      ? t(`import.expect.${type}` as MessageKey, {
          format,
          trueValues: params.trueValues ?? '',
          falseValues: params.falseValues ?? '',
        })
      : type;
    if (params.tooLarge) params.expected = `${params.expected} ${t('import.tooLarge')}`;
  }
  if ('unit' in params) params.unit = t(params.unit === 'line' ? 'import.unit.line' : 'import.unit.item');
  return t(`import.${m.code}` as MessageKey, params);
}
