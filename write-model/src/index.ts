export type { CommandContext } from './command-loop/command-context.js';
export { handleCommand, loadStream, type Handled, type HandleOptions } from './command-loop/handle-command.js';
export { ScheduleCatalog } from './command-loop/schedule-catalog.js';
export type { CommandApiDeps } from './command-loop/command-api-deps.js';
export { createCommandMetrics, type CommandMetrics } from './command-loop/command-metrics.js';
export { createConcert } from './create-concert/create-concert.js';
export { createConcertRoute } from './create-concert/create-concert-route.js';
export { addSchedule } from './add-schedule/add-schedule.js';
export { addScheduleRoute } from './add-schedule/add-schedule-route.js';
export {
  holdSeats,
  releaseSeats,
  type Hold,
  type HoldSeatsDeps,
  type HoldSeatsInput,
} from './hold-seats/hold-seats.js';
export { holdSeatsFastRoute, holdSeatsRoute } from './hold-seats/hold-seats-route.js';
export { cancelReservation } from './cancel-reservation/cancel-reservation.js';
export { cancelReservationRoute } from './cancel-reservation/cancel-reservation-route.js';
export { chargeWallet } from './charge-wallet/charge-wallet.js';
export { chargeWalletRoute } from './charge-wallet/charge-wallet-route.js';
export {
  requestPayment,
  openPayment,
  resumePayment,
  resumePaymentAlone,
  paymentSteps,
  failureSteps,
  type PaymentOutcome,
} from './pay/payment-process.js';
export { payRoute } from './pay/pay-route.js';
export type { PaymentLock } from './pay/payment-lock.js';
export { expireReservation, type ExpiryOutcome } from './expire-reservation/expire-reservation.js';
export { expireReservations, type ExpiryRequest, type ExpiryResult } from './expire-reservation/expire-reservations.js';
export { releaseOrphanSeat, type OrphanSeatOutcome } from './release-orphan-seat/release-orphan-seat.js';
