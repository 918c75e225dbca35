/**
 * The event spine, shared infrastructure every capability may import: the outbox, the dispatcher and the public
 * activity feed. Event types and payloads are declared in `catalog.ts`.
 */
/** SQL of the outbox and the consumers' cursors (one per dialect: PostgreSQL orders by writing transaction). */
export { createEventStore, type EventStore } from './store.js';
/** `record(trx, event)`: writes a catalog event in the caller's transaction; it exists iff the change commits. */
export { createEventRecorder, type EventRecorder } from './recorder.js';
/** Delivers events in order to each consumer, exactly once for database effects, with retries and backoff. */
export { createDispatcher, type Consumer, type Dispatcher } from './dispatcher.js';
/** The public activity feed (`GET /api/v1/activity`): public events with their sentence in French or English. */
export { createActivityService, type Directory, type ActivityService } from './service.js';
/** The feed's route, registered under /api/v1. */
export { activityRoutes } from './routes.js';
export type { NewEvent, StoredEvent, Visibility } from './schema.js';
