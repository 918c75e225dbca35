export * from './evaluate.js';
export { FlagsClient, type FlagsClientOptions, type FlagEnvironment } from './client.js';
