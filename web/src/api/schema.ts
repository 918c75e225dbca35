/**
 * The API's types, generated from the OpenAPI document (`npm run generate -w sdk` writes sdk/src/schema.ts): the
 * one source of API shapes for the web app. Pages never declare an API shape by hand: they name a response, a
 * request body or a part of one through the helpers below (usually via the resource modules beside this file).
 * `npx tsc -p web` checks every page against these types, so a change to a route's schema breaks the web build
 * until the page follows.
 */
import type { FetchOptions } from 'openapi-fetch';
import type { components, paths } from '../../../sdk/src/schema';

export type { components, paths };
export type Schemas = components['schemas'];

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** Paths that have the given method. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends Record<M, infer Op> ? (Op extends undefined ? never : P) : never;
}[keyof paths];

type Operation<P extends keyof paths, M extends Method> = paths[P] extends Record<M, infer Op> ? Op : never;

/** What a call to `method path` accepts: typed `params` (path, query), `body`, `signal`, …. */
export type CallInit<P extends keyof paths, M extends Method> = FetchOptions<Operation<P, M>>;

type Responses<P extends keyof paths, M extends Method> = Operation<P, M> extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type SuccessCodes = 200 | 201 | 202 | 203;

/** The decoded body of a successful `method path` (undefined for 204 answers). */
export type ResponseData<P extends keyof paths, M extends Method> = [
  JsonOf<Responses<P, M>[SuccessCodes & keyof Responses<P, M>]>,
] extends [never]
  ? undefined
  : JsonOf<Responses<P, M>[SuccessCodes & keyof Responses<P, M>]>;

/** The JSON body `method path` takes. */
export type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The query parameters of `GET path`. */
export type QueryOf<P extends PathsWith<'get'>> = NonNullable<
  Operation<P, 'get'> extends { parameters: { query?: infer Q } } ? Q : never
>;

/** The items of a list answer (`{ items: [...] }`). */
export type ItemOf<T> = T extends { items: Array<infer I> } ? I : never;
