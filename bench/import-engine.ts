/**
 * Throughput of the import engine: generates a 10-column CSV (1,000,000 rows, ~100 MB, a quoted field
 * on every line) and reads it with `inspect` + `readRows`, printing rows/s and the peak RSS.
 *
 *   node --import tsx bench/import-engine.ts [rows] [--plain]
 *
 * --plain leaves out the quoted field (every line then takes the tokenizer's fast path).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { inspect, readRows } from '../server/src/data/import/index.js';

const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const plain = process.argv.includes('--plain');
const dir = await mkdtemp(join(tmpdir(), 'multitude-import-bench-'));
const path = join(dir, 'bench.csv');
try {
  const out = createWriteStream(path);
  out.write('id,code,name,city,amount,ratio,flag,date,ts,note\n');
  let buf = '';
  for (let i = 1; i <= rows; i++) {
    const city = plain ? `City ${i % 100}` : `"City, ${i % 100}"`;
    buf += `${i},${String(i % 99999).padStart(5, '0')},Name ${i},${city},${(i * 3) % 100000},${(i / 7).toFixed(4)},${i % 2 ? 'true' : 'false'},2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},2024-01-02T03:04:05Z,some note text here\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');

  const t0 = performance.now();
  const { dialect, schema } = await inspect(path, { fileName: 'bench.csv' });
  const t1 = performance.now();
  let ok = 0;
  let rejected = 0;
  let peakRss = 0;
  for await (const r of readRows(path, dialect, schema, {
    onProgress: () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
  })) {
    if ('values' in r) ok++;
    else rejected++;
  }
  const t2 = performance.now();
  console.log(`types: ${schema.fields.map((f) => `${f.name}:${f.type}`).join(' ')}`);
  console.log(`inspect: ${(t1 - t0).toFixed(0)} ms`);
  console.log(
    `readRows: ${ok.toLocaleString('en')} rows (+${rejected} rejected) in ${(t2 - t1).toFixed(0)} ms = ${Math.round((ok + rejected) / ((t2 - t1) / 1000)).toLocaleString('en')} rows/s; peak RSS ${(peakRss / 1048576).toFixed(0)} MB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
