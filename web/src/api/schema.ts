/**
 * The API's types, generated from the OpenAPI document (`npm run generate -w sdk` writes sdk/src/schema.ts): the
 * one source of API shapes. New pages take their types from here; a change to a route's schema then breaks the
 * web build until the page follows.
 */
import type { components } from '../../../sdk/src/schema';

export type Schemas = components['schemas'];
