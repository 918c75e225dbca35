/** What several instances share beyond the database: the cluster bus and the caches tied to it. */
export { createClusterBus, type ClusterBus } from './bus.js';
export { linkCaches } from './caches.js';
