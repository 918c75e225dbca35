/**
 * Draining (issue 16, item 5): on SIGTERM an instance fails `/readyz` first, so that the load balancer takes it
 * out of the pool, while it still answers what it receives meanwhile; then it closes, finishing requests in flight.
 */
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../src/testing/harness.js';

describe('drain', () => {
  it('fails /readyz at once, keeps serving during the delay, then closes', async () => {
    const t = await createTestApp();
    try {
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      const drained = t.drain(400);
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['content-type']).toContain('application/problem+json');
      // Still serving: the balancer may send a few more requests before its health check sees the 503.
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await drained;
      // Closed: the database is no longer reachable through this instance.
      await expect(t.db.ping()).rejects.toThrow();
    } finally {
      await t.cleanup().catch(() => undefined);
    }
  });
});
