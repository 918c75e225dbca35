/**
 * HTTP of the transparency log: the C2SP tlog-tiles endpoints under /log (checkpoint, hash tiles,
 * entry bundles, the note verifier key) and JSON proof endpoints under /api/v1/log for people who
 * do not read tiles.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problems, sendProblem } from '../kernel/http.js';
import { notFound } from '../kernel/errors.js';
import { leafHash, parseTileIndexPath, TILE_WIDTH } from './merkle.js';
import {
  LogCheckpoint,
  LogConsistency,
  LogConsistencyQuery,
  LogCosignatureAccepted,
  LogCosignatureBody,
  LogWitnessed,
  LogEntryList,
  LogEventParams,
  LogHistory,
  LogHistoryQuery,
  LogInclusion,
  LogIndexParams,
  LogSubjectQuery,
} from './schema.js';
import type { Ledger } from './service.js';
import type { StoredCheckpoint } from './store.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

const checkpointJson = (c: StoredCheckpoint) => ({
  size: c.size,
  rootHash: c.rootHash.toString('base64'),
  note: c.note,
});
const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

/** Parses "<N path>[.p/<W>]" into a tile index and width (256 when full); undefined if not canonical. */
export function parseTileTail(tail: string): { index: number; width: number } | undefined {
  const m = /^(.+?)(?:\.p\/([1-9]\d{0,2}))?$/.exec(tail);
  if (!m) return undefined;
  const index = parseTileIndexPath(m[1]!);
  const width = m[2] ? Number(m[2]) : TILE_WIDTH;
  if (index === undefined || width < 1 || width > TILE_WIDTH || (m[2] && width === TILE_WIDTH)) return undefined;
  return { index, width };
}

export async function ledgerRootRoutes(app: FastifyInstance, opts: { ledger: Ledger }) {
  const { ledger } = opts;
  const tags = ['Transparency log'];

  app.get(
    '/log/checkpoint',
    { schema: { tags, summary: 'The latest signed checkpoint (C2SP tlog-checkpoint, signed note)' } },
    async (_request, reply) => {
      const note = await ledger.servedCheckpoint();
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(note);
    },
  );

  app.get(
    '/log/key',
    { schema: { tags, summary: 'The verifier key of the checkpoints (C2SP signed-note: name+hash+base64 key)' } },
    async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(`${ledger.verifierKey}\n`),
  );

  app.get(
    '/log/next-key',
    { schema: { tags, summary: 'During a key rotation, the verifier key that will replace /log/key' } },
    async (request, reply) => {
      if (!ledger.nextVerifierKey) return sendProblem(reply, request, 'not_found', 'No key rotation is under way');
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(`${ledger.nextVerifierKey}\n`);
    },
  );

  app.get(
    '/log/tile/*',
    {
      schema: {
        tags,
        summary:
          'Hash tiles /log/tile/<L>/<N>[.p/<W>] and entry bundles /log/tile/entries/<N>[.p/<W>] (C2SP tlog-tiles)',
      },
    },
    async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const slash = path.indexOf('/');
      const head = path.slice(0, slash);
      const tail = parseTileTail(path.slice(slash + 1));
      const level = /^(0|[1-9]\d?)$/.test(head) ? Number(head) : undefined;
      if (slash < 0 || !tail || (head !== 'entries' && (level === undefined || level > 6))) {
        return sendProblem(reply, request, 'not_found', `No tile at ${path}`);
      }
      const body =
        head === 'entries'
          ? await ledger.entryBundle(tail.index, tail.width)
          : await ledger.tile(level!, tail.index, tail.width);
      if (!body) return sendProblem(reply, request, 'not_found', `The log has no tile ${path} yet`);
      // Full tiles never change; a partial one is replaced by a wider one as the log grows.
      return reply
        .type('application/octet-stream')
        .header('cache-control', tail.width === TILE_WIDTH ? IMMUTABLE : 'public, max-age=60')
        .send(body);
    },
  );
}

export async function ledgerRoutes(base: FastifyInstance, opts: { ledger: Ledger }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { ledger } = opts;
  const tags = ['Transparency log'];
  app.addSchema(LogCheckpoint);
  app.addSchema(LogInclusion);
  app.addSchema(LogConsistency);
  app.addSchema(LogEntryList);
  app.addSchema(LogHistory);
  app.addSchema(LogWitnessed);

  const inclusionJson = (r: Awaited<ReturnType<Ledger['byEventId']>>) => ({
    index: r.index,
    eventId: r.eventId,
    entry: r.entry,
    leafHash: b64(leafHash(Buffer.from(r.entry, 'utf8'))),
    proof: r.proof ? r.proof.map(b64) : null,
    checkpoint: checkpointJson(r.checkpoint),
  });

  app.get(
    '/log/entries/:index',
    {
      schema: {
        tags,
        summary: 'A log entry and its inclusion proof against the latest checkpoint',
        params: LogIndexParams,
        response: { 200: LogInclusion, ...problems(400, 404) },
      },
    },
    async (request) => inclusionJson(await ledger.entry(request.params.index)),
  );

  app.post(
    '/log/cosignatures',
    {
      schema: {
        tags,
        summary: 'A witness hands in its cosignature of a checkpoint (C2SP tlog-cosignature)',
        description:
          'Accepted from the witnesses the instance is configured with (MULTITUDE_LOG_WITNESSES) only; the cosignature is then published under the checkpoint at /log/checkpoint and /api/v1/log/witnessed. `multitude log witness` does this.',
        body: LogCosignatureBody,
        response: { 200: LogCosignatureAccepted, 201: LogCosignatureAccepted, ...problems(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await ledger.addCosignature(request.body.size, request.body.cosignature);
      return reply.status(result.added ? 201 : 200).send(result);
    },
  );

  app.get(
    '/log/witnessed',
    {
      schema: {
        tags,
        summary: 'The largest checkpoint witnesses cosigned, with their cosignatures',
        response: { 200: LogWitnessed, ...problems(404) },
      },
    },
    async () => {
      const witnessed = await ledger.witnessed();
      if (!witnessed) throw notFound('A cosigned checkpoint (no witness has cosigned this log yet)');
      return witnessed;
    },
  );

  app.get(
    '/log/entries',
    {
      schema: {
        tags,
        summary: 'The entries about a subject (a dataset, a contribution, an app…), newest first',
        querystring: LogSubjectQuery,
        response: { 200: LogEntryList, ...problems(400) },
      },
    },
    async (request) => ({ items: await ledger.bySubject(request.query.subject, request.query._limit ?? 20) }),
  );

  app.get(
    '/log/history',
    {
      schema: {
        tags,
        summary: 'The log’s size at the end of each day (the largest checkpoint signed that day)',
        querystring: LogHistoryQuery,
        response: { 200: LogHistory, ...problems(400) },
      },
    },
    async (request) => ({ items: await ledger.history(request.query.days ?? 90) }),
  );

  app.get(
    '/log/events/:eventId',
    {
      schema: {
        tags,
        summary: 'Where an event sits in the log, with its inclusion proof',
        params: LogEventParams,
        response: { 200: LogInclusion, ...problems(400, 404) },
      },
    },
    async (request) => inclusionJson(await ledger.byEventId(request.params.eventId)),
  );

  app.get(
    '/log/consistency',
    {
      schema: {
        tags,
        summary: 'Consistency proof between two tree sizes (the older tree is a prefix of the newer)',
        querystring: LogConsistencyQuery,
        response: { 200: LogConsistency, ...problems(400, 404) },
      },
    },
    async (request) => {
      const r = await ledger.consistency(request.query.from, request.query.to);
      return {
        from: r.from,
        to: r.to,
        fromRoot: b64(r.fromRoot),
        toRoot: b64(r.toRoot),
        proof: r.proof.map(b64),
        checkpoint: checkpointJson(r.checkpoint),
      };
    },
  );
}
