import { z } from 'zod';
import { concertCreatedDataSchema, salesOpenedDataSchema } from '../concert/events.js';
import {
  paymentCompletedDataSchema,
  paymentFailedDataSchema,
  paymentRefundedDataSchema,
  paymentRequestedDataSchema,
} from '../payment/events.js';
import {
  reservationCancelledDataSchema,
  reservationConfirmedDataSchema,
  reservationExpiredDataSchema,
  reservationHeldDataSchema,
} from '../reservation/events.js';
import { scheduleAddedDataSchema } from '../schedule/events.js';
import { seatHeldDataSchema, seatReleasedDataSchema, seatSoldDataSchema } from '../seat/events.js';
import { seatReleasedV1ToV2 } from '../seat/upcasters.js';
import { walletChargedDataSchema, walletCreditedDataSchema, walletDebitedDataSchema } from '../wallet/events.js';
import type { DomainEvent, DomainEventOfType, DomainEventType } from './domain-event.js';
import { EventSchemaError } from './event-schema-error.js';
import type { Upcaster } from './upcaster.js';

export interface EventDefinition<Data> {
  /** The version writers stamp on new events. */
  readonly schemaVersion: number;
  readonly schema: z.ZodType<Data>;
  /** `upcasters[n]` reads version n and returns version n + 1, for every n below schemaVersion. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

type EventDefinitions = {
  readonly [T in DomainEventType]: EventDefinition<DomainEventOfType<T>['data']>;
};

const current = <Data>(schema: z.ZodType<Data>): EventDefinition<Data> => ({ schemaVersion: 1, schema, upcasters: {} });

/** Every event type the system has ever written; the mapped type makes a missing one a compile error. */
export const eventDefinitions: EventDefinitions = {
  ConcertCreated: current(concertCreatedDataSchema),
  ScheduleAdded: current(scheduleAddedDataSchema),
  SalesOpened: current(salesOpenedDataSchema),
  SeatHeld: current(seatHeldDataSchema),
  SeatReleased: { schemaVersion: 2, schema: seatReleasedDataSchema, upcasters: { 1: seatReleasedV1ToV2 } },
  SeatSold: current(seatSoldDataSchema),
  ReservationHeld: current(reservationHeldDataSchema),
  ReservationConfirmed: current(reservationConfirmedDataSchema),
  ReservationCancelled: current(reservationCancelledDataSchema),
  ReservationExpired: current(reservationExpiredDataSchema),
  PaymentRequested: current(paymentRequestedDataSchema),
  PaymentCompleted: current(paymentCompletedDataSchema),
  PaymentFailed: current(paymentFailedDataSchema),
  PaymentRefunded: current(paymentRefundedDataSchema),
  WalletCharged: current(walletChargedDataSchema),
  WalletDebited: current(walletDebitedDataSchema),
  WalletCredited: current(walletCreditedDataSchema),
};

export const domainEventTypes = Object.keys(eventDefinitions) as readonly DomainEventType[];

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.hasOwn(eventDefinitions, type);
}

/** The schema version to store with a newly written event of this type. */
export function currentSchemaVersion(type: DomainEventType): number {
  return eventDefinitions[type].schemaVersion;
}

function issuesOf(error: unknown): readonly string[] {
  if (error instanceof z.ZodError) {
    return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  return [error instanceof Error ? error.message : String(error)];
}

function parseEventOfType<T extends DomainEventType>(
  type: T,
  schemaVersion: number,
  data: unknown,
): DomainEventOfType<T> {
  const definition: EventDefinition<DomainEventOfType<T>['data']> = eventDefinitions[type];
  const context = { eventType: type, schemaVersion };
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > definition.schemaVersion) {
    throw new EventSchemaError(
      'unsupported-schema-version',
      `${type} v${schemaVersion} is not readable: this build knows v1 to v${definition.schemaVersion}`,
      context,
    );
  }
  let upcast = data;
  for (let version = schemaVersion; version < definition.schemaVersion; version++) {
    const upcaster = definition.upcasters[version];
    if (!upcaster) {
      throw new EventSchemaError('unsupported-schema-version', `${type} has no upcaster from v${version}`, context);
    }
    try {
      upcast = upcaster.upcast(upcast);
    } catch (error) {
      throw new EventSchemaError('invalid-event-data', `Invalid ${type} v${version} data`, {
        ...context,
        issues: issuesOf(error),
      });
    }
  }
  const result = definition.schema.safeParse(upcast);
  if (!result.success) {
    throw new EventSchemaError('invalid-event-data', `Invalid ${type} v${schemaVersion} data`, {
      ...context,
      issues: issuesOf(result.error),
    });
  }
  // The mapped registry ties each type to its schema, but TypeScript cannot follow that link
  // through a generic index, so the pairing is asserted here, once.
  return { type, data: result.data } as DomainEventOfType<T>;
}

/**
 * Reads a stored event: validates its data and upcasts older versions to the current one,
 * so that deciders and projectors only ever see current shapes.
 */
export function parseEvent(type: string, schemaVersion: number, data: unknown): DomainEvent {
  if (!isDomainEventType(type)) {
    throw new EventSchemaError('unknown-event-type', `Unknown event type ${type}`, { eventType: type, schemaVersion });
  }
  return parseEventOfType(type, schemaVersion, data);
}
