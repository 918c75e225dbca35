// Rewrites the event catalog table of docs/architecture.md from server/src/events/catalog.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { catalogMarkdown, replaceCatalogTable } from '../server/src/events/catalog-doc.ts';

const path = new URL('../docs/architecture.md', import.meta.url);
writeFileSync(path, replaceCatalogTable(readFileSync(path, 'utf8'), catalogMarkdown()));
