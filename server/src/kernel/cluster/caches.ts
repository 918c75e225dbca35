/**
 * Ties each instance's caches to the cluster bus: a local change (a revoked key or token clears its cache; a table
 * write invalidates the query results of that table) is published, and what other instances publish is applied
 * here without being published again. After a gap in the bus (reconnection), everything is dropped.
 *
 * With read replicas, the bus also carries read-your-writes: a caller who wrote on one instance reads the
 * primary on every instance for a while, and any table write (here or elsewhere) sends everyone's routed reads
 * to the primary for a while (see db/replicas.ts). A blob removed from object storage (a purge) is deleted from every
 * instance's local copy of the files.
 */
import type { ClusterBus } from './bus.js';
import type { TtlCache } from '../ttl-cache.js';

interface InvalidatingCache {
  onInvalidate(listener: (table: string) => void): void;
  invalidate(table: string, fromPeer?: boolean): void;
  clear(fromPeer?: boolean): void;
}

/** Blobs on shared object storage cached on this instance's disk (data/resources/blobs-s3.ts). */
interface CachedBlobs {
  onRemoved(listener: (sha256: string) => void): void;
  forgetCached(sha256: string): Promise<void>;
}

/** The read router's side of read-your-writes (db/replicas.ts). */
interface ReadPins {
  wrote(key: string, fromPeer?: boolean): void;
  pinAll(): void;
  onWrote(listener: (key: string) => void): void;
}

export function linkCaches(
  bus: ClusterBus,
  caches: {
    credentials: Record<string, TtlCache<unknown>>;
    queryCache: InvalidatingCache;
    reads?: ReadPins;
    blobs?: CachedBlobs;
  },
): void {
  const { reads, blobs } = caches;
  blobs?.onRemoved((sha256) => bus.publish('blob', sha256));
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
      // A missed message leaves a cached copy of a removed blob behind: only `exists`/`open` on this instance see it.
      else if (topic === 'blob' && /^[0-9a-f]{64}$/.test(payload))
        void blobs?.forgetCached(payload).catch(() => undefined);
    },
    () => {
      reads?.pinAll();
      for (const cache of Object.values(caches.credentials)) cache.forget();
      caches.queryCache.clear(true);
    },
  );
}
