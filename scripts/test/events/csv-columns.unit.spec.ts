import { expect } from 'chai';
import {
  concertStreamId,
  domainEventTypes,
  paymentStreamId,
  reservationStreamId,
  scheduleStreamId,
  seatStreamId,
  walletStreamId,
} from '@concert/domain';
import { categoryOf } from '@concert/infra';
import { CsvRowBuilder, csvColumns } from '../../src/events/csv-columns.js';
import { eventTypesByCategory } from '../../src/events/event-categories.js';
import type { ExportedEvent } from '../../src/events/exported-event.js';

describe('CSV columns of an export', () => {
  const metadata = [
    'metadata.correlationId',
    'metadata.causationId',
    'metadata.userId',
    'metadata.occurredAt',
    'metadata.schemaVersion',
  ];
  const leading = ['position', 'streamId', 'revision', 'type', 'schemaVersion', 'id', 'time'];

  it('When a category is selected, Then the data columns are the fields of its event types, in schema order, each once', () => {
    expect(csvColumns({ categories: ['concert'] })).to.deep.equal([
      ...leading,
      'data.concertId',
      'data.title',
      'data.venue',
      'data.openedAt',
      ...metadata,
      'extra',
    ]);
  });

  it('When event types are selected, Then only their fields are columns; a stream selects the types of its category', () => {
    expect(csvColumns({ eventTypes: ['WalletCharged'] })).to.deep.equal([
      ...leading,
      'data.userId',
      'data.chargeId',
      'data.amount',
      'data.chargedAt',
      ...metadata,
      'extra',
    ]);
    expect(csvColumns({ streamIds: [scheduleStreamId('s1')] })).to.deep.equal([
      ...leading,
      'data.concertId',
      'data.scheduleId',
      'data.startsAt',
      'data.seats',
      ...metadata,
      'extra',
    ]);
  });

  it('When an event holds fields without a column, Then they land in the extra column as JSON and arrays are JSON cells', () => {
    const builder = new CsvRowBuilder(csvColumns({ categories: ['reservation'] }));
    const event: ExportedEvent = {
      position: '10.20',
      streamId: 'reservation-r1',
      revision: 0,
      type: 'ReservationExpired',
      schemaVersion: 1,
      id: 'e1',
      time: '2026-11-24T10:00:00.000Z',
      data: {
        reservationId: 'r1',
        scheduleId: null,
        seatIds: ['A-1', 'A-2'],
        expiredAt: '2026-11-24T10:00:00.000Z',
        note: 'x,y',
      },
      metadata: {
        correlationId: 'c',
        causationId: 'k',
        occurredAt: '2026-11-24T10:00:00.000Z',
        schemaVersion: 1,
        tenant: 't1',
      },
    };
    const row = builder.row(event);
    const cell = (column: string): string | undefined => row[builder.columns.indexOf(column)];
    expect(cell('data.seatIds')).to.equal('["A-1","A-2"]');
    expect(cell('data.scheduleId')).to.equal('');
    expect(cell('metadata.userId')).to.equal('');
    expect(cell('revision')).to.equal('0');
    expect(JSON.parse(cell('extra')!)).to.deep.equal({ 'data.note': 'x,y', 'metadata.tenant': 't1' });
  });

  it('When the categories are listed, Then every domain event type is in exactly one, named as the stream ids name them', () => {
    const listed = Object.values(eventTypesByCategory).flat();
    expect([...listed].sort()).to.deep.equal([...domainEventTypes].sort());
    const streamCategories = [
      concertStreamId('x'),
      scheduleStreamId('x'),
      seatStreamId('x', 'A-1'),
      reservationStreamId('x'),
      paymentStreamId('x'),
      walletStreamId('x'),
    ].map(categoryOf);
    expect(Object.keys(eventTypesByCategory).sort()).to.deep.equal(streamCategories.sort());
  });
});
