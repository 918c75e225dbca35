import type { Consumer } from '../../events/dispatcher.js';
import type { ReuseService } from './service.js';

/** Reuse views arrive as private `reuse.viewed` events and become a counter, exactly once (in the dispatcher's transaction). */
export function createReuseFootprintConsumer(reuses: ReuseService): Consumer<'reuse.viewed'> {
  return {
    name: 'apps.reuses.footprint',
    types: ['reuse.viewed'],
    async handle(event, trx) {
      if (event.subjectId) await reuses.countView(trx, event.subjectId);
    },
  };
}
