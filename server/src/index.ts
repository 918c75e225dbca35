export { buildApp, API_PREFIX, type Multitude, type BuildOptions } from './app.js';
export { loadConfig, type Config } from './config.js';
export { main } from './cli.js';
