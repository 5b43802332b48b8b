import type { ConcertEvent } from '../concert/events.js';
import type { PaymentEvent } from '../payment/events.js';
import type { ReservationEvent } from '../reservation/events.js';
import type { ScheduleEvent } from '../schedule/events.js';
import type { SeatEvent } from '../seat/events.js';
import type { WalletEvent } from '../wallet/events.js';

export type DomainEvent = ConcertEvent | ScheduleEvent | SeatEvent | ReservationEvent | PaymentEvent | WalletEvent;

export type DomainEventType = DomainEvent['type'];

export type DomainEventOfType<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
