import type { Consumer } from '../../events/dispatcher.js';
import type { DataStore } from '../store.js';

/**
 * The footprint of use: views and downloads arrive as events and become counters here, in the
 * dispatcher's transaction, so each event counts exactly once.
 */
export function createFootprintConsumer(store: DataStore): Consumer<'dataset.viewed' | 'resource.downloaded'> {
  return {
    name: 'data.footprint',
    types: ['dataset.viewed', 'resource.downloaded'],
    async handle(event, trx) {
      if (event.type === 'dataset.viewed' && event.subjectId) {
        await store.incrementDatasetCounter(trx, event.subjectId, 'views');
      } else if (event.type === 'resource.downloaded' && event.subjectId) {
        await store.incrementResourceCounter(trx, event.subjectId, 'downloads');
        await store.incrementDatasetCounter(trx, event.payload.dataset, 'downloads');
      }
    },
  };
}
