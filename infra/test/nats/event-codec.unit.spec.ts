import { expect } from 'chai';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { EventDecodeError, decodeEvent, encodeEvent } from '../../src/nats/event-codec.js';
import { eventSubject } from '../../src/nats/event-subject.js';

const event: RecordedEvent = {
  id: '6f1c7b8e-2a44-4c55-9c1e-0f3c5b1a2d3e',
  type: 'SeatHeld',
  data: { reservationId: 'r-1', holdExpiresAt: '2026-01-01T00:05:00.000Z', nested: { list: [1, 'два', null] } },
  metadata: {
    correlationId: 'c',
    causationId: 'k',
    userId: 'u-1',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 2,
    extra: { kept: true },
  },
  streamId: 'seat-s1.A-12',
  category: 'seat',
  // Above 2^53: a JSON number would round these.
  revision: 9_007_199_254_740_993n,
  position: { commit: 18_446_744_073_709_551_615n, prepare: 9_007_199_254_740_995n },
  recordedAt: new Date('2026-01-01T00:00:00.123Z'),
};

describe('NATS event codec', () => {
  it('When an event is encoded and decoded, Then it comes back exactly (bigints, date, extra metadata)', () => {
    const back = decodeEvent(encodeEvent(event));
    expect(back).to.deep.equal(event);
    expect(back.recordedAt).to.be.instanceOf(Date);
    expect(back.position.commit).to.equal(18_446_744_073_709_551_615n);
  });

  it('When the bytes are not an event, Then decoding fails with EventDecodeError', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(() => decodeEvent(bytes('nope'))).to.throw(EventDecodeError);
    expect(() => decodeEvent(bytes('{"id":"x"}'))).to.throw(EventDecodeError);
    const json = JSON.parse(new TextDecoder().decode(encodeEvent(event))) as Record<string, unknown>;
    expect(() => decodeEvent(bytes(JSON.stringify({ ...json, revision: 12 })))).to.throw(EventDecodeError, /revision/);
  });

  it('When an event has a subject, Then it is <prefix>.<category>.<type> with unsafe characters replaced', () => {
    expect(eventSubject('events', 'seat', 'SeatHeld')).to.equal('events.seat.SeatHeld');
    expect(eventSubject('events', 'a.b *>', '')).to.equal('events.a_b___._');
  });
});
