/**
 * Ties each instance's caches to the cluster bus: a local change (a revoked key or token clears its cache; a table
 * write invalidates the query results of that table) is published, and what other instances publish is applied
 * here without being published again. After a gap in the bus (reconnection), everything is dropped.
 *
 * With read replicas, the bus also carries read-your-writes: a caller who wrote on one instance reads the
 * primary on every instance for a while, and any table write (here or elsewhere) sends everyone's routed reads
 * to the primary for a while (see db/replicas.ts).
 */
import type { ClusterBus } from './bus.js';
import type { TtlCache } from '../ttl-cache.js';

interface InvalidatingCache {
  onInvalidate(listener: (table: string) => void): void;
  invalidate(table: string, fromPeer?: boolean): void;
  clear(fromPeer?: boolean): void;
}

/** The read router's side of read-your-writes (db/replicas.ts). */
interface ReadPins {
  wrote(key: string, fromPeer?: boolean): void;
  pinAll(): void;
  onWrote(listener: (key: string) => void): void;
}

export function linkCaches(
  bus: ClusterBus,
  caches: { credentials: Record<string, TtlCache<unknown>>; queryCache: InvalidatingCache; reads?: ReadPins },
): void {
  const { reads } = caches;
  for (const [name, cache] of Object.entries(caches.credentials)) cache.onClear(() => bus.publish('credentials', name));
  caches.queryCache.onInvalidate((table) => {
    reads?.pinAll();
    bus.publish('table', table);
  });
  reads?.onWrote((key) => bus.publish('wrote', key));
  bus.subscribe(
    (topic, payload) => {
      if (topic === 'credentials') caches.credentials[payload]?.forget();
      else if (topic === 'table') {
        reads?.pinAll();
        caches.queryCache.invalidate(payload, true);
      } else if (topic === 'wrote') reads?.wrote(payload, true);
    },
    () => {
      reads?.pinAll();
      for (const cache of Object.values(caches.credentials)) cache.forget();
      caches.queryCache.clear(true);
    },
  );
}
