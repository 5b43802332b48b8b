import { expect } from 'chai';
import { verifyWebhookSignature, webhookSignature } from '../src/index.js';

describe('webhook signature: what a receiver checks', () => {
  const secret = 'receiver-shared-secret-16';
  const body = JSON.stringify({ id: 'e-1', kind: 'reservation-held' });
  const now = 1_900_000_000;
  const signed = (timestamp: number, text = body): { timestamp: string; signature: string } => ({
    timestamp: String(timestamp),
    signature: webhookSignature(secret, timestamp, text),
  });

  it('When the body, timestamp and secret match and the timestamp is recent, Then it verifies', () => {
    expect(verifyWebhookSignature({ secret, body, nowS: now, ...signed(now - 10) })).to.equal(true);
  });

  it('When a receiver computes the hex HMAC-SHA256 of "<timestamp>.<body>" itself, Then it gets X-Signature', () => {
    // From `echo -n "1.x" | openssl dgst -sha256 -hmac key`: the format, pinned outside our code.
    expect(webhookSignature('key', 1, 'x')).to.equal(
      'fc4913c41a7bf793267e2a384f3261c9436ec2cd097bd745e7b0d99113f510ec',
    );
  });

  const refused: Array<[string, () => Parameters<typeof verifyWebhookSignature>[0]]> = [
    ['the body was changed', () => ({ secret, body: body.replace('e-1', 'e-2'), nowS: now, ...signed(now) })],
    ['another secret signed it', () => ({ secret: 'some-other-secret-16', body, nowS: now, ...signed(now) })],
    ['it was signed more than five minutes ago (a replay)', () => ({ secret, body, nowS: now, ...signed(now - 301) })],
    [
      'the timestamp was changed',
      () => ({ secret, body, nowS: now, timestamp: String(now - 1), signature: signed(now).signature }),
    ],
    ['the headers are missing', () => ({ secret, body, nowS: now, timestamp: undefined, signature: undefined })],
    [
      'the signature is not hex',
      () => ({ secret, body, nowS: now, timestamp: String(now), signature: 'z'.repeat(64) }),
    ],
  ];
  for (const [situation, check] of refused) {
    it(`When ${situation}, Then it does not verify`, () => {
      expect(verifyWebhookSignature(check())).to.equal(false);
    });
  }
});
