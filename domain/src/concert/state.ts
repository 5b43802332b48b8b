import type { ConcertEvent } from './events.js';

export interface NoConcert {
  readonly status: 'Empty';
}

export interface Concert {
  readonly status: 'Created';
  readonly concertId: string;
  readonly title: string;
  readonly venue: string;
  readonly salesOpenedAt: string | null;
}

export type ConcertState = NoConcert | Concert;

export const initialState = (): ConcertState => ({ status: 'Empty' });

export function evolve(state: ConcertState, event: ConcertEvent): ConcertState {
  switch (event.type) {
    case 'ConcertCreated':
      return { status: 'Created', ...event.data, salesOpenedAt: null };
    case 'SalesOpened':
      if (state.status !== 'Created') return state;
      return { ...state, salesOpenedAt: event.data.openedAt };
    default:
      return state;
  }
}
