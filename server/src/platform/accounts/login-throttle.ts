/**
 * Brute-force protection on login: failures are counted per account and per client address
 * in a sliding window; past the limit, attempts are refused until the window frees up.
 * In memory (one instance); the count is per process, which bounds an attacker to
 * `limit × instances` tries per window.
 */
export function createLoginThrottle(options: { perAccount?: number; perAddress?: number; windowMs?: number; now?: () => number } = {}) {
  const perAccount = options.perAccount ?? 5;
  const perAddress = options.perAddress ?? 50;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();

  const recent = (key: string) => {
    const cutoff = now() - windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };

  return {
    /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
    retryAfter(account: string, address: string): number {
      const checks: Array<[string, number]> = [[`a:${account}`, perAccount], [`ip:${address}`, perAddress]];
      let wait = 0;
      for (const [key, limit] of checks) {
        const list = recent(key);
        if (list.length >= limit) wait = Math.max(wait, Math.ceil((list[list.length - limit]! + windowMs - now()) / 1000));
      }
      return wait;
    },
    fail(account: string, address: string) {
      for (const key of [`a:${account}`, `ip:${address}`]) failures.set(key, [...recent(key), now()]);
    },
    succeed(account: string) {
      failures.delete(`a:${account}`);
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
