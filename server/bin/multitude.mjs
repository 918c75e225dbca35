#!/usr/bin/env node
// The `multitude` command. Runs the compiled server (npm run build -w server, or npm start).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('The server is not built yet: run "npm run build" (or "npm start", which builds what is missing).');
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main();
if (code >= 0) process.exitCode = code;
