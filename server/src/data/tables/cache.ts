/**
 * Result cache for the expensive, read-only query shapes (count, facets, aggregates, column stats).
 * Keyed by (physical table name, kind, normalized query). Each resource version has its own table
 * name, so a new version can never be answered from an old one; writes through the store and drops
 * invalidate the table's entries anyway (and a per-table generation stops an in-flight computation
 * started before the write from being stored). Concurrent identical cold queries share one
 * computation. Bounded by entries and by weight (≈ cells held), least recently used evicted first.
 * Cached values are deep-frozen: callers must not mutate them.
 */
export interface QueryCacheOptions {
  maxEntries?: number;
  /** Approximate number of cells held across all entries. */
  maxWeight?: number;
}

interface Entry {
  value: unknown;
  weight: number;
}

export class QueryCache {
  readonly maxEntries: number;
  readonly maxWeight: number;
  #entries = new Map<string, Entry>();
  #weight = 0;
  #generations = new Map<string, number>();
  #inflight = new Map<string, Promise<unknown>>();
  #listeners: Array<(table: string) => void> = [];
  hits = 0;
  misses = 0;

  constructor(options: QueryCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2000;
    this.maxWeight = options.maxWeight ?? 1_000_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  async get<T>(
    table: string,
    key: string,
    compute: () => Promise<T>,
    weigh: (value: T) => number = () => 1,
  ): Promise<T> {
    const full = `${table}\u0000${key}`;
    const hit = this.#entries.get(full);
    if (hit) {
      this.hits += 1;
      this.#entries.delete(full);
      this.#entries.set(full, hit);
      return hit.value as T;
    }
    const pending = this.#inflight.get(full);
    if (pending) return pending as Promise<T>;
    this.misses += 1;
    const generation = this.#generations.get(table) ?? 0;
    const promise: Promise<T> = compute()
      .then((value) => {
        deepFreeze(value);
        if ((this.#generations.get(table) ?? 0) === generation) this.#store(full, value, Math.max(1, weigh(value)));
        return value;
      })
      .finally(() => {
        if (this.#inflight.get(full) === promise) this.#inflight.delete(full);
      });
    this.#inflight.set(full, promise);
    return promise;
  }

  /** A cached value, or undefined (counts as a hit when found). */
  peek<T>(table: string, key: string): T | undefined {
    const full = `${table}\u0000${key}`;
    const hit = this.#entries.get(full);
    if (!hit) return undefined;
    this.hits += 1;
    this.#entries.delete(full);
    this.#entries.set(full, hit);
    return hit.value as T;
  }

  /** The table's write generation: pass it to `put` from before the computation started. */
  generation(table: string): number {
    return this.#generations.get(table) ?? 0;
  }

  /** Stores a value computed outside `get`, unless the table was written since `generation`. */
  put(table: string, key: string, value: unknown, weight: number, generation: number): void {
    this.misses += 1;
    deepFreeze(value);
    if (this.generation(table) === generation) this.#store(`${table}\u0000${key}`, value, Math.max(1, weight));
  }

  /** Hears every local invalidation (the cluster bus passes them to the other instances). */
  onInvalidate(listener: (table: string) => void): void {
    this.#listeners.push(listener);
  }

  /** Forgets everything about a table (call on any write, re-creation or drop); `fromPeer`: heard from another instance. */
  invalidate(table: string, fromPeer = false): void {
    if (!fromPeer) for (const listener of this.#listeners) listener(table);
    this.#generations.set(table, (this.#generations.get(table) ?? 0) + 1);
    const prefix = `${table}\u0000`;
    for (const [key, entry] of this.#entries) {
      if (key.startsWith(prefix)) {
        this.#entries.delete(key);
        this.#weight -= entry.weight;
      }
    }
    for (const key of this.#inflight.keys()) if (key.startsWith(prefix)) this.#inflight.delete(key);
  }

  clear(fromPeer = false): void {
    for (const key of this.#entries.keys()) this.invalidate(key.slice(0, key.indexOf('\u0000')), fromPeer);
  }

  #store(key: string, value: unknown, weight: number): void {
    if (weight > this.maxWeight / 4) return;
    const previous = this.#entries.get(key);
    if (previous) {
      this.#entries.delete(key);
      this.#weight -= previous.weight;
    }
    this.#entries.set(key, { value, weight });
    this.#weight += weight;
    while (this.#entries.size > this.maxEntries || this.#weight > this.maxWeight) {
      const oldest = this.#entries.keys().next().value as string;
      const entry = this.#entries.get(oldest) as Entry;
      this.#entries.delete(oldest);
      this.#weight -= entry.weight;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
