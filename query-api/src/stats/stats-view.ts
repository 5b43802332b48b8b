import { amountOf } from '../row-values.js';

/** Sums of rm_stats_by_minute over some group, as pg returns them (text: sums of bigint are numeric). */
export interface StatsSumsRow {
  holds: string | null;
  seats_held: string | null;
  expiries: string | null;
  cancellations: string | null;
  confirmations: string | null;
  seats_sold: string | null;
  revenue: string | null;
  holds_confirmed: string | null;
}

/** What /admin/stats answers for a minute, a schedule or the whole range. */
export interface StatsView {
  holds: number;
  seatsHeld: number;
  expiries: number;
  cancellations: number;
  /** Reservations confirmed (paid) in the period, their seats and amount. */
  confirmations: number;
  seatsSold: number;
  revenue: number;
  /** Of the holds MADE in the period, how many were confirmed, whenever that happened. */
  holdsConfirmed: number;
  /** holdsConfirmed / holds; null without holds. */
  conversion: number | null;
  /** Median time from hold to confirmation of the reservations confirmed in the period; null without any. */
  medianHoldToConfirmMs: number | null;
}

const count = (value: string | null): number => (value === null ? 0 : amountOf(value));

export function statsViewOf(sums: StatsSumsRow | undefined, median: number | null | undefined): StatsView {
  const holds = count(sums?.holds ?? null);
  const holdsConfirmed = count(sums?.holds_confirmed ?? null);
  return {
    holds,
    seatsHeld: count(sums?.seats_held ?? null),
    expiries: count(sums?.expiries ?? null),
    cancellations: count(sums?.cancellations ?? null),
    confirmations: count(sums?.confirmations ?? null),
    seatsSold: count(sums?.seats_sold ?? null),
    revenue: count(sums?.revenue ?? null),
    holdsConfirmed,
    conversion: holds === 0 ? null : holdsConfirmed / holds,
    medianHoldToConfirmMs: median ?? null,
  };
}
