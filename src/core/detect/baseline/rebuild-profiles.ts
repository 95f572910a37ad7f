import type { GeoEnricher } from '../../enrich/geo-enricher.ts';
import type { NormalizedEvent } from '../../event.ts';
import type { EventStore } from '../../ports.ts';
import type { BaselineDetector, BaselineStatus } from './baseline-detector.ts';

/**
 * Relearns every profile from stored history: events (already in event-time order) are enriched
 * again and learned without raising findings; profiles are written as they are evicted and at the
 * end. The caller empties the store's profiles first.
 */
export async function rebuildProfiles(
  batches: AsyncIterable<NormalizedEvent[]>,
  detector: BaselineDetector,
  enricher: GeoEnricher,
  store: EventStore,
): Promise<BaselineStatus & { events: number }> {
  detector.reset();
  let events = 0;
  for await (const batch of batches) {
    await detector.prepare(batch, store);
    for (const event of batch) {
      enricher.enrich(event);
      detector.learnOnly(event);
    }
    events += batch.length;
  }
  await detector.persist(store);
  return { ...detector.status(), events };
}
