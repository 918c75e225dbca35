/**
 * Routes whose answer may scan a whole table (filters and their counts, full-text search, facets, aggregates,
 * statistics, downloads) say so in their config: `config: { expensive: true }`, or a test of the query string when
 * only some requests are. Anonymous callers get a separate, tighter rate limit on them (apps/limits).
 */
export type Expensive = boolean | ((query: Record<string, unknown>) => boolean);

declare module 'fastify' {
  interface FastifyContextConfig {
    expensive?: Expensive;
  }
}

export function isExpensive(expensive: Expensive | undefined, query: unknown): boolean {
  if (typeof expensive === 'function') return expensive((query ?? {}) as Record<string, unknown>);
  return expensive === true;
}
