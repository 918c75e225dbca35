import type { Consumer } from '../../events/dispatcher.js';
import type { CaptureService } from './service.js';

const NAMES = {
  'dataset.viewed': 'dataset_viewed',
  'resource.downloaded': 'resource_downloaded',
  'contribution.submitted': 'contribution_submitted',
  'contribution.accepted': 'contribution_accepted',
  'reuse.viewed': 'reuse_viewed',
} as const;
type FootprintType = keyof typeof NAMES;

/**
 * The platform's own footprint: page views of datasets, downloads, contributions and reuse views arrive on the event
 * spine and are stored as captured events (source `platform`, uuid = the domain event's id) in the dispatcher's
 * transaction, so each counts exactly once. Visitors are daily hashes of the actor (or "anonymous").
 */
export function createCaptureFootprintConsumer(capture: CaptureService): Consumer<FootprintType> {
  return {
    name: 'iteration.capture.footprint',
    types: Object.keys(NAMES) as FootprintType[],
    async handle(event, trx) {
      const p = event.payload as { dataset?: string; datasetId?: string };
      const datasetId =
        event.type === 'dataset.viewed'
          ? event.subjectId
          : event.type === 'resource.downloaded'
            ? (p.dataset ?? null)
            : event.type === 'reuse.viewed'
              ? null
              : (p.datasetId ?? null);
      const ts = Date.parse(event.occurredAt);
      await capture.record(trx, [
        {
          source: 'platform',
          uuid: event.id,
          appId: null,
          organizationId: event.organizationId,
          datasetId,
          name: NAMES[event.type],
          ts,
          receivedAt: ts,
          visitor: event.actorId ? await capture.dailyId('platform', event.actorId, trx) : 'anonymous',
          identified: 0,
          path: null,
          referrer: null,
          country: null,
          flags: null,
          properties: null,
        },
      ]);
    },
  };
}
