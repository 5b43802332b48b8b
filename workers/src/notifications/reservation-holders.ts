import { parseEvent, reservationStreamId } from '@concert/domain';
import type { EventStore } from '@concert/infra';

/**
 * The user who held each reservation, read from its stream's ReservationHeld in the event
 * store: the source of truth, so the answer does not depend on the order in which worker
 * instances took the events. Reservations never held (a crash before ReservationHeld, later
 * expired by the saga) have nobody to tell and are absent from the map.
 */
export async function reservationHolders(
  store: EventStore,
  reservationIds: readonly string[],
): Promise<Map<string, string>> {
  const holders = new Map<string, string>();
  if (reservationIds.length === 0) return holders;
  const unique = [...new Set(reservationIds)];
  const streams = await store.readStreams(unique.map(reservationStreamId));
  for (const reservationId of unique) {
    const held = streams.get(reservationStreamId(reservationId))?.find((e) => e.type === 'ReservationHeld');
    if (!held) continue;
    try {
      const event = parseEvent(held.type, held.metadata.schemaVersion, held.data);
      if (event.type === 'ReservationHeld') holders.set(reservationId, event.data.userId);
    } catch {
      // An unreadable hold names nobody; retrying the batch would not make it readable.
    }
  }
  return holders;
}
