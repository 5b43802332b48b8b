import type { Decider } from '../decider.js';
import type { ConcertCommand } from './commands.js';
import { decide } from './decide.js';
import type { ConcertEvent } from './events.js';
import { evolve, initialState, type ConcertState } from './state.js';

export const concertDecider: Decider<ConcertCommand, ConcertEvent, ConcertState> = { decide, evolve, initialState };

export type { ConcertCommand, CreateConcert, OpenSales } from './commands.js';
export {
  concertCreatedDataSchema,
  salesOpenedDataSchema,
  type ConcertCreated,
  type ConcertEvent,
  type SalesOpened,
} from './events.js';
export { ConcertExistsError, ConcertNotFoundError } from './errors.js';
export type { Concert, ConcertState, NoConcert } from './state.js';
export { concertStreamCategory, concertStreamId } from './stream.js';
