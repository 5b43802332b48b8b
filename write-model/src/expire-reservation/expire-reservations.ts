import { reservationStreamId, seatStreamId } from '@concert/domain';
import { WrongExpectedVersion, type StreamWrite } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import {
  expireReservation,
  planExpiry,
  planReleases,
  releaseLocks,
  type Expiry,
  type ExpiryPlan,
} from './expire-reservation.js';

/** One reservation to expire, with the context its events are written in (its own correlation). */
export interface ExpiryRequest {
  ctx: CommandContext;
  reservationId: string;
  /**
   * The seats its hold is believed to have (the saga knows them from its seat deadlines): their
   * streams are read in the same query as the reservation's. Only a hint: the seats released are
   * those the reservation's own stream names, and any of those not read with it are read after.
   */
  knownSeats?: ReadonlyArray<{ scheduleId: string; seatId: string }>;
}

/** Per request, in request order: its expiry, or what refused or failed it (hold-not-expired before the deadline). */
export type ExpiryResult = { ok: true; expiry: Expiry } | { ok: false; error: unknown };

/**
 * The expiry saga's timeout command for many reservations at once: on a store with a
 * multi-stream append (PostgreSQL), one read (two where seats were not known) and ONE commit for
 * all of them, each stream with its own expected revision, every ReservationExpired in the same
 * commit as its seats' releases (the release rule). A conflict fails the whole append, so the
 * batch is appended again without the reservation whose stream conflicted, and that one is
 * expired alone (expireReservation, with its own retries). Elsewhere (EventStoreDB),
 * expireReservation one by one. All requests share the store of the first.
 */
export async function expireReservations(requests: readonly ExpiryRequest[]): Promise<ExpiryResult[]> {
  const store = requests[0]?.ctx.store;
  const results = new Map<number, ExpiryResult>();
  const alone: number[] = [];
  if (!store?.appendMany || requests.length === 1) {
    alone.push(...requests.keys());
  } else {
    const appendMany = store.appendMany.bind(store);
    // The reservations and their known seats in one query: each read of 64 streams is under
    // 1 ms in EXPLAIN ANALYZE, but took 80-470 ms to come back to a worker under a wave.
    const read = await store.readStreams([
      ...requests.map((r) => reservationStreamId(r.reservationId)),
      ...requests.flatMap((r) => (r.knownSeats ?? []).map((s) => seatStreamId(s.scheduleId, s.seatId))),
    ]);
    const plans = new Map<number, ExpiryPlan>();
    requests.forEach(({ ctx, reservationId }, i) => {
      try {
        const plan = planExpiry(ctx, reservationId, read.get(reservationStreamId(reservationId)) ?? []);
        if (plan.outcome === 'not-expirable')
          results.set(i, { ok: true, expiry: { outcome: plan.outcome, position: undefined } });
        else plans.set(i, plan);
      } catch (error) {
        results.set(i, { ok: false, error });
      }
    });
    const unread = [...plans.values()].flatMap((p) => p.seatStreams).filter((streamId) => !read.has(streamId));
    const seats = unread.length === 0 ? read : new Map([...read, ...(await store.readStreams(unread))]);
    const writes = new Map<number, StreamWrite[]>();
    const owner = new Map<string, number>();
    for (const [i, plan] of plans) {
      const own = planReleases(requests[i]!.ctx, plan, seats);
      if (own.length === 0) results.set(i, { ok: true, expiry: { outcome: plan.outcome, position: undefined } });
      // Two reservations writing one seat stream cannot share an append: the later goes alone.
      else if (own.some((w) => owner.has(w.streamId))) alone.push(i);
      else {
        writes.set(i, own);
        for (const w of own) owner.set(w.streamId, i);
      }
    }
    while (writes.size > 0) {
      const batch = [...writes];
      try {
        const appended = await appendMany(batch.flatMap(([, own]) => own));
        let next = 0;
        for (const [i, own] of batch) {
          next += own.length;
          const plan = plans.get(i)!;
          results.set(i, { ok: true, expiry: { outcome: plan.outcome, position: appended[next - 1]!.position } });
        }
        // All at once, not one awaited round trip each: under a wave the event loop is busy,
        // and a chain of awaits per reservation took seconds per batch (bench:expiry --profile).
        await Promise.all(batch.map(([i]) => releaseLocks(requests[i]!.ctx, plans.get(i)!)));
        break;
      } catch (error) {
        const conflicting = error instanceof WrongExpectedVersion ? owner.get(error.streamId) : undefined;
        if (conflicting === undefined || !writes.has(conflicting)) throw error;
        requests[conflicting]!.ctx.onConflictRetry?.((error as WrongExpectedVersion).streamId);
        writes.delete(conflicting);
        alone.push(conflicting);
      }
    }
  }
  for (const i of alone) {
    const { ctx, reservationId } = requests[i]!;
    results.set(
      i,
      await expireReservation(ctx, reservationId).then(
        (expiry): ExpiryResult => ({ ok: true, expiry }),
        (error: unknown): ExpiryResult => ({ ok: false, error }),
      ),
    );
  }
  return requests.map((_, i) => results.get(i)!);
}
