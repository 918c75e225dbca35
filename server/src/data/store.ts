import { createDatasetStore } from './datasets/store.js';
import { createResourceStore } from './resources/store.js';

export type { DatasetRow, DatasetSearch } from './datasets/store.js';
export type { JobRow, ResourceRow, VersionRow } from './resources/store.js';

/** The data capability's SQL: datasets, and resources with their versions and jobs (services use both). */
export function createDataStore() {
  return { ...createDatasetStore(), ...createResourceStore() };
}
export type DataStore = ReturnType<typeof createDataStore>;
