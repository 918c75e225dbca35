import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export interface Migration {
  name: string;
  // Migrations see the database untyped: they describe tables, not rows.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** Column types that differ between SQLite and PostgreSQL. */
export function columnTypes(dialect: Dialect) {
  const pg = dialect === 'postgres';
  return {
    timestamp: pg ? ('timestamptz' as const) : ('text' as const),
    json: pg ? ('jsonb' as const) : ('text' as const),
    bool: pg ? ('boolean' as const) : ('integer' as const),
    falseValue: pg ? false : 0,
  };
}
