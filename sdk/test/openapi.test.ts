// Drift: the committed sdk/openapi.json (and the types made from it) must be what the server
// describes today. A route added or changed without regenerating fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentDocument, documentPath, schemaPath, serialize, typesFor } from '../scripts/openapi-document.js';

const REGENERATE = 'Run `npm run generate -w sdk` and commit sdk/openapi.json and sdk/src/schema.ts.';

function operations(document: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item)) out.add(`${method.toUpperCase()} ${path}`);
  }
  return out;
}

describe('the committed OpenAPI document', () => {
  it('matches the server’s current document', async () => {
    const current = serialize(await currentDocument());
    const committed = readFileSync(documentPath, 'utf8');
    if (current !== committed) {
      const now = operations(JSON.parse(current) as Record<string, unknown>);
      const before = operations(JSON.parse(committed) as Record<string, unknown>);
      const added = [...now].filter((o) => !before.has(o));
      const removed = [...before].filter((o) => !now.has(o));
      const list = (ops: string[]) =>
        ops.length > 12 ? `${ops.slice(0, 12).join(', ')} and ${ops.length - 12} more` : ops.join(', ');
      const summary = [
        added.length ? `new operations: ${list(added)}` : '',
        removed.length ? `removed operations: ${list(removed)}` : '',
        !added.length && !removed.length ? 'schemas, parameters or descriptions changed' : '',
      ]
        .filter(Boolean)
        .join('; ');
      expect.fail(`sdk/openapi.json is out of date with the server's routes (${summary}). ${REGENERATE}`);
    }
    expect(current).toBe(committed);
  });

  it('has its TypeScript types generated from it', async () => {
    const committed = JSON.parse(readFileSync(documentPath, 'utf8')) as Record<string, unknown>;
    const types = await typesFor(committed);
    expect(
      types === readFileSync(schemaPath, 'utf8'),
      `sdk/src/schema.ts was not generated from sdk/openapi.json. ${REGENERATE}`,
    ).toBe(true);
  });
});
