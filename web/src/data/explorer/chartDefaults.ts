import type { StatsResult, TableField } from '../../api/data';
import type { ChartSettings } from './viewState';

/** Words of a column name that say it holds codes or ids (as the server's import/infer.ts `codeName`). */
const CODE_WORDS = new Set([
  'code',
  'codes',
  'id',
  'ids',
  'identifiant',
  'identifier',
  'ref',
  'reference',
  'numero',
  'insee',
  'cog',
  'siren',
  'siret',
  'cp',
  'postal',
  'zip',
  'zipcode',
  'dep',
  'departement',
  'reg',
  'region',
  'year',
  'annee',
]);

function codeName(name: string): boolean {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((w) => CODE_WORDS.has(w));
}

/** A quantity worth summing: a number whose name does not say code, id or year. */
export const isMeasure = (f: TableField) => (f.type === 'integer' || f.type === 'number') && !codeName(f.name);

const MAX_GROUPS = 50;

/**
 * The chart a table opens on: bars grouped by the first text column with a few distinct values (2 to 50), showing
 * the sum of the first measure, or the count of rows when there is none. Never "count by code" (one bar per row):
 * a column whose most frequent value occurs once names rows (codes, names), and columns named like codes come last.
 */
export function defaultChart(fields: TableField[], stats: StatsResult | undefined): ChartSettings {
  const distinct = (f: TableField) => stats?.columns[f.name]?.distinct ?? Infinity;
  const unique = (f: TableField) => (stats?.columns[f.name]?.top[0]?.count ?? 2) <= 1;
  const groupable = (f: TableField) =>
    (f.type === 'string' || f.type === 'boolean') && distinct(f) >= 2 && distinct(f) <= MAX_GROUPS && !unique(f);
  const groups =
    fields.find((f) => groupable(f) && !codeName(f.name)) ??
    fields.find(groupable) ??
    fields.find((f) => f.type === 'boolean' || f.type === 'date') ??
    fields.find((f) => f.type === 'string') ??
    fields[0];
  const measure = fields.find(isMeasure);
  return {
    type: 'bar',
    x: groups?.name ?? '',
    y: measure?.name ?? '',
    agg: measure ? 'sum' : 'count',
  };
}
