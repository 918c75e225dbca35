/**
 * "My data": exports of everything a person put in, built in the background (a job table claimed by
 * compare-and-set), its SQL and routes. Sections are read through each capability (the composition root passes them).
 */
export { createMyDataService, type ExportSection, type MyDataService } from './service.js';
export { createExportStore } from './store.js';
export { myDataRoutes } from './routes.js';
