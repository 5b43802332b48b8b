import { expect } from 'chai';
import {
  EventSchemaError,
  currentSchemaVersion,
  domainEventTypes,
  parseEvent,
  type DomainEvent,
} from '../src/index.js';

const seatReleasedV1 = { scheduleId: 'sched-1', seatId: 'A-12', reservationId: 'res-1' };

function schemaError(action: () => unknown): EventSchemaError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(EventSchemaError);
    return error as EventSchemaError;
  }
  expect.fail('expected an EventSchemaError');
}

describe('Event registry', () => {
  it('When an event of the current version is read, then it comes back typed and unchanged', () => {
    const data = {
      scheduleId: 'sched-1',
      seatId: 'A-12',
      reservationId: 'res-1',
      holdExpiresAt: '2030-01-01T10:05:00.000Z',
    };
    expect(parseEvent('SeatHeld', 1, data)).to.deep.equal({ type: 'SeatHeld', data });
  });

  it('When a SeatReleased v1 (before cancellation existed) is read, then it is upcast to v2 with reason "expired"', () => {
    expect(parseEvent('SeatReleased', 1, seatReleasedV1)).to.deep.equal({
      type: 'SeatReleased',
      data: { ...seatReleasedV1, reason: 'expired' },
    });
  });

  it('When a SeatReleased v2 is read, then its own reason is kept', () => {
    const data = { ...seatReleasedV1, reason: 'cancelled' };
    expect(parseEvent('SeatReleased', 2, data)).to.deep.equal({ type: 'SeatReleased', data });
  });

  it('When a SeatReleased is written now, then it is stamped with version 2', () => {
    expect(currentSchemaVersion('SeatReleased')).to.equal(2);
    expect(currentSchemaVersion('SeatHeld')).to.equal(1);
  });

  it('When a SeatReleased v1 is malformed, then the error names the v1 data', () => {
    const error = schemaError(() => parseEvent('SeatReleased', 1, { scheduleId: 'sched-1', seatId: 'A-12' }));
    expect(error.code).to.equal('invalid-event-data');
    expect(error.message).to.equal('Invalid SeatReleased v1 data');
    expect(error.issues).to.have.length(1);
    expect(error.issues[0]).to.match(/^reservationId: /);
  });

  it('When the event type is unknown, then it is refused', () => {
    const error = schemaError(() => parseEvent('SeatTeleported', 1, {}));
    expect(error.code).to.equal('unknown-event-type');
    expect(error.eventType).to.equal('SeatTeleported');
  });

  it('When an inherited property name is given as a type, then it is unknown', () => {
    expect(schemaError(() => parseEvent('toString', 1, {})).code).to.equal('unknown-event-type');
  });

  for (const version of [0, 3, 1.5]) {
    it(`When a SeatReleased claims version ${version}, then the version is refused`, () => {
      expect(schemaError(() => parseEvent('SeatReleased', version, seatReleasedV1)).code).to.equal(
        'unsupported-schema-version',
      );
    });
  }

  it('When event data breaks its schema, then it is refused with the issues', () => {
    const data = {
      reservationId: 'res-1',
      userId: 'user-1',
      scheduleId: 'sched-1',
      seatIds: ['A-1'],
      amount: -5,
      expiresAt: 'tomorrow',
    };
    const error = schemaError(() => parseEvent('ReservationHeld', 1, data));
    expect(error.code).to.equal('invalid-event-data');
    expect(error.issues.map((issue) => issue.split(':')[0])).to.deep.equal(['amount', 'expiresAt']);
  });

  it('When data is missing entirely, then it is refused', () => {
    expect(schemaError(() => parseEvent('WalletDebited', 1, undefined)).code).to.equal('invalid-event-data');
  });

  it('When event data has an unknown extra field, then the field is dropped', () => {
    const data = { userId: 'u1', paymentId: 'p1', amount: 5, debitedAt: '2030-01-01T10:00:00.000Z' };
    expect(parseEvent('WalletDebited', 1, { ...data, note: 'x' })).to.deep.equal({ type: 'WalletDebited', data });
  });

  it('When the registry is listed, then it holds every event type of every stream', () => {
    expect([...domainEventTypes].sort()).to.deep.equal(
      [
        'ConcertCreated',
        'ScheduleAdded',
        'SalesOpened',
        'SeatHeld',
        'SeatReleased',
        'SeatSold',
        'ReservationHeld',
        'ReservationConfirmed',
        'ReservationCancelled',
        'ReservationExpired',
        'PaymentRequested',
        'PaymentCompleted',
        'PaymentFailed',
        'PaymentRefunded',
        'WalletCharged',
        'WalletDebited',
        'WalletCredited',
      ].sort(),
    );
  });

  it('When an event goes through JSON and back, then parseEvent returns it equal (instants stay ISO strings)', () => {
    const event: DomainEvent = {
      type: 'ReservationExpired',
      data: { reservationId: 'res-1', scheduleId: null, seatIds: [], expiredAt: '2030-01-01T10:05:00.000Z' },
    };
    const stored = JSON.parse(JSON.stringify(event.data)) as unknown;
    expect(parseEvent(event.type, currentSchemaVersion(event.type), stored)).to.deep.equal(event);
  });
});
