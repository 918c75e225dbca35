/**
 * A small in-process cache with a time to live and a size cap (oldest entries go first). For values that
 * are read on every request and change rarely — credentials resolved from their hash — so that a request
 * does not pay a query for them. Whoever changes the underlying data in this process calls `clear()`; the
 * `onClear` listeners (the cluster bus, kernel/cluster) tell the other instances, which `forget()` at once.
 */
export interface TtlCache<V> {
  get(key: string, nowMs: number): V | undefined;
  set(key: string, value: V, nowMs: number): void;
  delete(key: string): void;
  clear(): void;
  /** Clears without telling the listeners: another instance's change, heard on the cluster bus. */
  forget(): void;
  onClear(listener: () => void): void;
  readonly size: number;
}

export function createTtlCache<V>(options: { ttlMs: number; max: number }): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const listeners: Array<() => void> = [];
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
      for (const listener of listeners) listener();
    },
    forget() {
      entries.clear();
    },
    onClear(listener) {
      listeners.push(listener);
    },
    get size() {
      return entries.size;
    },
  };
}
