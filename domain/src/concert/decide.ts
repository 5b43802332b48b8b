import { toInstant } from '../instant.js';
import { validate } from '../validation.js';
import type { ConcertCommand, CreateConcert, OpenSales } from './commands.js';
import { ConcertExistsError, ConcertNotFoundError } from './errors.js';
import {
  concertCreatedDataSchema,
  salesOpenedDataSchema,
  type ConcertCreated,
  type ConcertEvent,
  type SalesOpened,
} from './events.js';
import type { ConcertState } from './state.js';

export function createConcert(command: CreateConcert, state: ConcertState): ConcertCreated[] {
  const data = validate(concertCreatedDataSchema, command.data, 'concert');
  if (state.status !== 'Empty') throw new ConcertExistsError(data.concertId);
  return [{ type: 'ConcertCreated', data }];
}

/** Opening twice is a retry, not a conflict: sales stay open from the first opening. */
export function openSales(command: OpenSales, state: ConcertState): SalesOpened[] {
  const { concertId, now } = command.data;
  const data = validate(salesOpenedDataSchema, { concertId, openedAt: toInstant(now, 'now') }, 'sales opening');
  if (state.status !== 'Created') throw new ConcertNotFoundError(concertId);
  if (state.salesOpenedAt !== null) return [];
  return [{ type: 'SalesOpened', data }];
}

export function decide(command: ConcertCommand, state: ConcertState): ConcertEvent[] {
  switch (command.type) {
    case 'CreateConcert':
      return createConcert(command, state);
    case 'OpenSales':
      return openSales(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown concert command ${JSON.stringify(unknown)}`);
    }
  }
}
