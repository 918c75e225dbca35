/** The server package's entry points. */
/** The composition root: builds a whole app (Fastify server, capabilities, dispatcher) on a database. */
export { buildApp, API_PREFIX, type Multitude, type BuildOptions } from './app.js';
/** Settings from environment variables and CLI flags. */
export { loadConfig, type Config } from './config.js';
/** The `multitude` command. */
export { main } from './cli.js';
