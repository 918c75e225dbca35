export { createEventStore, type EventStore } from './store.js';
export { createEventRecorder, type EventRecorder } from './recorder.js';
export { createDispatcher, type Consumer, type Dispatcher } from './dispatcher.js';
export { createActivityService, type Directory, type ActivityService } from './service.js';
export { activityRoutes } from './routes.js';
export type { NewEvent, StoredEvent, Visibility } from './schema.js';
