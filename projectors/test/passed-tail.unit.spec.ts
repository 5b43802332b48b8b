import type { JetStreamManager, NatsConnection, JetStreamClient, RecordedEvent } from '@concert/infra';
import { expect } from 'chai';
import { ProjectionFeed } from '../src/runner/projection-feed.js';
import { SharedStreamTail, type LastMessage } from '../src/runner/shared-stream-tail.js';

/** A feed of the wallet and concert categories whose stream ends with an event of `category`; consumers' state as given. */
function feedEndingIn(category: string, pending: { num_pending: number; num_ack_pending: number }) {
  const asked: string[] = [];
  const jsm = {
    consumers: {
      info: (_stream: string, durable: string) => {
        asked.push(durable);
        return Promise.resolve(pending);
      },
    },
  } as unknown as JetStreamManager;
  const last = {
    sequence: 42,
    event: { category, position: { commit: 9n, prepare: 9n } } as RecordedEvent,
  } as NonNullable<LastMessage>;
  const feed = new ProjectionFeed({
    nc: {} as NatsConnection,
    js: {} as JetStreamClient,
    jsm,
    stream: 'S',
    subjectPrefix: 'p',
    consumers: [
      { durable: 'proj_log_wallet', filterSubject: 'p.wallet.>' },
      { durable: 'proj_log_concert', filterSubject: 'p.concert.>' },
    ],
    wholeStream: false,
    batchSize: 16,
    ackWaitMs: 5000,
    tail: new SharedStreamTail(() => Promise.resolve(last), 0),
  });
  return { feed, asked };
}

describe('ProjectionFeed.passedTail: where an idle filtered projection may move its checkpoint', () => {
  it('Given the stream ends with an event of a category it does not read and its consumers have nothing left, When idle, Then it passes the stream end', async () => {
    const { feed, asked } = feedEndingIn('seat', { num_pending: 0, num_ack_pending: 0 });

    expect(await feed.passedTail()).to.deep.equal({ position: { commit: 9n, prepare: 9n }, streamSequence: 42 });
    expect(asked).to.deep.equal(['proj_log_wallet', 'proj_log_concert']);
  });

  it('Given the stream ends with an event of a category it does not read but a consumer has messages pending, When idle, Then it stays', async () => {
    const { feed } = feedEndingIn('seat', { num_pending: 1, num_ack_pending: 0 });

    expect(await feed.passedTail()).to.equal(undefined);
  });

  it('Given the checkpoint already reached the stream end, When idle, Then it stays and asks no consumer', async () => {
    const { feed, asked } = feedEndingIn('seat', { num_pending: 0, num_ack_pending: 0 });

    expect(await feed.passedTail(42)).to.equal(undefined);
    expect(asked).to.deep.equal([]);
  });

  it('Given the checkpoint is before the stream end, When idle, Then it asks its consumers and passes the end', async () => {
    const { feed, asked } = feedEndingIn('seat', { num_pending: 0, num_ack_pending: 0 });

    expect(await feed.passedTail(41)).to.deep.equal({ position: { commit: 9n, prepare: 9n }, streamSequence: 42 });
    expect(asked).to.deep.equal(['proj_log_wallet', 'proj_log_concert']);
  });

  it('Given the stream ends with an event of a category it reads, When idle, Then it leaves the checkpoint to the batch of that event and asks no consumer', async () => {
    const { feed, asked } = feedEndingIn('concert', { num_pending: 0, num_ack_pending: 0 });

    expect(await feed.passedTail()).to.equal(undefined);
    expect(asked).to.deep.equal([]);
  });
});
