export { createDataAccessLog, createDataAccessRecorder, type DataAccessLog } from './service.js';
export { createDataAccessStore } from './store.js';
export { dataAccessRoutes } from './routes.js';
