import { setFlagsFromString } from 'node:v8';

let bounded = false;

/**
 * Bounds how far V8 lets the old generation grow between two major collections: by default up to several times its
 * live size while much is allocated, which an import's parse does (~200 MB of garbage over ~90 MB live). At 1.3×
 * the live size, a 1M-row import peaks ~50 MB lower (`bench:data`, three back-to-back pairs: 476–500 MB against
 * 521–539) at the same rows per second. V8 reads the factor at each collection, so it can be set once running.
 */
export function boundHeapGrowth(percent = 30): void {
  if (bounded) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
