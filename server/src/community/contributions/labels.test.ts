import { describe, expect, it } from 'vitest';
import { rowLabel } from './labels.js';

const field = (name: string, type: 'string' | 'integer') => ({ name, type });

describe('row labels', () => {
  it('names a row by a name-like text column and its primary key', () => {
    const schema = {
      fields: [field('code', 'string'), field('nom', 'string'), field('population', 'integer')],
      primaryKey: ['code'],
      missingValues: [],
    };
    expect(rowLabel(schema, { code: '25056', nom: 'Besançon', population: 119198 })).toBe('Besançon (25056)');
    // Without a value in the title column, the key alone.
    expect(rowLabel(schema, { code: '25056', nom: null, population: 1 })).toBe('25056');
  });

  it('falls back to the first text column, and to nothing when no column says anything', () => {
    const plain = { fields: [field('n', 'integer'), field('city', 'string')], missingValues: [] };
    expect(rowLabel(plain, { n: 1, city: 'Dole' })).toBe('Dole');
    const numbers = { fields: [field('n', 'integer')], missingValues: [] };
    expect(rowLabel(numbers, { n: 1 })).toBeNull();
    expect(rowLabel(undefined, { n: 1 })).toBeNull();
    expect(rowLabel(plain, null)).toBeNull();
  });

  it('prefers the column the publisher chose, and says a chosen key once', () => {
    const schema = {
      fields: [field('code', 'string'), field('nom', 'string'), field('dep', 'string')],
      primaryKey: ['code'],
      missingValues: [],
    };
    const row = { code: '25056', nom: 'Besançon', dep: 'Doubs' };
    expect(rowLabel(schema, row, 'dep')).toBe('Doubs (25056)');
    expect(rowLabel(schema, row, 'code')).toBe('25056');
    // A column that no longer exists (re-typed table): the automatic choice.
    expect(rowLabel(schema, row, 'gone')).toBe('Besançon (25056)');
  });
});
