/**
 * POST routes that change nothing (flag evaluations: the context travels in a body) say so in their config:
 * `config: { readOnly: true }`. Hooks guarding mutations — the suspension check — then let them through without
 * the database read they spend on a real mutation.
 */
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    readOnly?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request cannot change anything: a safe method, or a route declaring itself read-only. */
export const changesNothing = (request: FastifyRequest): boolean =>
  SAFE_METHODS.has(request.method) || request.routeOptions.config.readOnly === true;
