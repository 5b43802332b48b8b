import { expect } from 'chai';
import { concertDecider, concertStreamId, type ConcertEvent } from '../src/index.js';
import { spec } from './decider-specification.js';

const concertId = 'concert-1';
const now = new Date('2030-01-01T10:00:00.000Z');

const given = spec(concertDecider).given;

const created: ConcertEvent = {
  type: 'ConcertCreated',
  data: { concertId, title: 'Spring Tour', venue: 'Olympic Hall' },
};
const salesOpened: ConcertEvent = { type: 'SalesOpened', data: { concertId, openedAt: now.toISOString() } };

const create = { type: 'CreateConcert', data: { concertId, title: 'Spring Tour', venue: 'Olympic Hall' } } as const;
const openSales = { type: 'OpenSales', data: { concertId, now } } as const;

describe('Concert', () => {
  it('When naming a concert stream, then it is the concert category and id', () => {
    expect(concertStreamId('c1')).to.equal('concert-c1');
  });

  describe('CreateConcert', () => {
    it('When the concert does not exist, then it is created', () => {
      given([]).when(create).then([created]);
    });

    it('When the concert exists, then creating it again is refused', () => {
      given([created]).when(create).thenThrows('concert-exists', { concertId });
    });

    it('When the title is blank, then the concert is invalid', () => {
      given([])
        .when({ type: 'CreateConcert', data: { concertId, title: '  ', venue: 'Hall' } })
        .thenThrows('validation');
    });
  });

  describe('OpenSales', () => {
    it('When the concert exists, then sales open', () => {
      given([created]).when(openSales).then([salesOpened]);
    });

    it('When sales are already open, then nothing happens', () => {
      given([created, salesOpened]).when(openSales).thenNothing();
    });

    it('When the concert does not exist, then it is not found', () => {
      given([]).when(openSales).thenThrows('concert-not-found');
    });
  });
});
