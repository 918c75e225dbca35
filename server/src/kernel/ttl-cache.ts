/**
 * A small in-process cache with a time to live and a size cap (oldest entries go first). For values that
 * are read on every request and change rarely — credentials resolved from their hash — so that a request
 * does not pay a query for them. Whoever changes the underlying data in this process calls `clear()`;
 * other instances see the change when the entry expires.
 */
export interface TtlCache<V> {
  get(key: string, nowMs: number): V | undefined;
  set(key: string, value: V, nowMs: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export function createTtlCache<V>(options: { ttlMs: number; max: number }): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key, nowMs) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= nowMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, nowMs) {
      if (entries.size >= options.max && !entries.has(key)) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, expiresAt: nowMs + options.ttlMs });
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
