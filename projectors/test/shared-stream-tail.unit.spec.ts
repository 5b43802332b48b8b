import { expect } from 'chai';
import { SharedStreamTail, type LastMessage } from '../src/runner/shared-stream-tail.js';

/** A reader that counts its reads and answers each with the stream sequence it was asked at. */
function countingReader(): { reads: () => number; read: () => Promise<LastMessage> } {
  let reads = 0;
  return {
    reads: () => reads,
    read: () => {
      reads += 1;
      return Promise.resolve({ sequence: reads } as NonNullable<LastMessage>);
    },
  };
}

describe('SharedStreamTail: one read of the stream tail for the projections of a process', () => {
  it('Given several projections asking within the age limit, When they read the tail, Then JetStream is asked once and all get its answer', async () => {
    const reader = countingReader();
    const tail = new SharedStreamTail(reader.read, 60_000);

    const answers = await Promise.all([tail.read(), tail.read(), tail.read()]);
    const later = await tail.read();

    expect(reader.reads()).to.equal(1);
    expect([...answers, later].map((a) => a?.sequence)).to.deep.equal([1, 1, 1, 1]);
  });

  it('Given a read older than the age limit, When a projection asks, Then the tail is read again', async () => {
    const reader = countingReader();
    const tail = new SharedStreamTail(reader.read, 5);

    await tail.read();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await tail.read();

    expect(reader.reads()).to.equal(2);
    expect(again?.sequence).to.equal(2);
  });

  it('Given a read that failed, When a projection asks again within the age limit, Then it gets a new read, not the failure', async () => {
    let reads = 0;
    const tail = new SharedStreamTail(() => {
      reads += 1;
      return reads === 1
        ? Promise.reject(new Error('JetStream timeout'))
        : Promise.resolve({ sequence: 9 } as NonNullable<LastMessage>);
    }, 60_000);

    const failed = await tail.read().then(
      () => 'answered',
      (error: Error) => error.message,
    );
    const next = await tail.read();

    expect(failed).to.equal('JetStream timeout');
    expect(next?.sequence).to.equal(9);
  });
});
