import { setFlagsFromString } from 'node:v8';

let holders = 0;

/**
 * Runs `work` with V8's old generation allowed to grow only to 1.3× its live size between two major collections
 * (by default it may grow several times over while much is allocated). An import's parse leaves ~200 MB of garbage
 * over ~90 MB live before V8 collects it: bounded, a 1M-row import + columnar build peaks ~80 MB lower
 * (`bench:data`, back-to-back pairs: 493–494 MB against 563–589). Outside such work V8's own policy comes back:
 * bounded for good, the range pages of `bench:data` lost 5–8 % of their throughput to the extra collections.
 * V8 reads the factor at each collection, so it can change while running; nested or concurrent holders share it.
 */
export async function withBoundedHeapGrowth<T>(work: () => Promise<T>): Promise<T> {
  if (holders++ === 0) setFlagsFromString('--heap-growing-percent=30');
  try {
    return await work();
  } finally {
    // 0: V8's dynamic factor.
    if (--holders === 0) setFlagsFromString('--heap-growing-percent=0');
  }
}
