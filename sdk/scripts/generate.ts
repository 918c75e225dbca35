// `npm run generate -w sdk`: writes sdk/openapi.json from the server's routes, then sdk/src/schema.ts
// from it with openapi-typescript. Run it after changing a route's schema; commit both files.
import { writeFileSync } from 'node:fs';
import { currentDocument, documentPath, schemaPath, serialize, typesFor } from './openapi-document.js';

const document = await currentDocument();
writeFileSync(documentPath, serialize(document));
writeFileSync(schemaPath, await typesFor(document));
const paths = Object.keys((document.paths as Record<string, unknown> | undefined) ?? {}).length;
console.log(`Wrote ${documentPath} (${paths} paths) and ${schemaPath}`);
