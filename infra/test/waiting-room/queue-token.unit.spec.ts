import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { InvalidQueueTokenError, QueueTokens, type QueueTokenClaims } from '../../src/waiting-room/queue-token.js';

describe('Queue tokens', () => {
  const SECRET = 'queue-token-secret-for-tests';
  const tokens = new QueueTokens(SECRET);
  // A minute from when each test runs: the suite loads every file long before it runs this one.
  let claims: QueueTokenClaims;
  beforeEach(() => {
    claims = {
      userId: 'alice',
      concertId: 'concert-1',
      entryId: '7f0c1f44-8c2e-4c59-9a43-2f9f2b0bb001',
      expiresAt: Date.now() + 60_000,
    };
  });
  const expected = { userId: 'alice', concertId: 'concert-1' };

  function refusal(token: string, check = expected): string {
    try {
      tokens.verify(token, check);
    } catch (error) {
      if (error instanceof InvalidQueueTokenError) return error.message;
      throw error;
    }
    throw new Error('expected the queue token to be refused');
  }

  it('When a token is signed for a user and concert, Then it verifies for that user and concert with its claims', () => {
    const verified = tokens.verify(tokens.sign(claims), expected);
    expect(verified).to.deep.equal({ ...claims, expiresAt: Math.floor(claims.expiresAt / 1000) * 1000 });
  });

  it('When the token is presented by another user, Then it is refused', () => {
    expect(refusal(tokens.sign(claims), { userId: 'mallory', concertId: 'concert-1' })).to.match(/another user/);
  });

  it('When the token is presented for another concert, Then it is refused', () => {
    expect(refusal(tokens.sign(claims), { userId: 'alice', concertId: 'concert-2' })).to.match(/another concert/);
  });

  it('When a token already verified once is presented by another user or for another concert, Then it is still refused', () => {
    const token = tokens.sign(claims);
    tokens.verify(token, expected);
    expect(refusal(token, { userId: 'bob', concertId: 'concert-1' })).to.match(/another user/);
    expect(refusal(token, { userId: 'alice', concertId: 'concert-2' })).to.match(/another concert/);
  });

  it('When the token expired, Then it is refused', () => {
    expect(refusal(tokens.sign({ ...claims, expiresAt: Date.now() - 2_000 }))).to.match(/expired/);
  });

  it('When the token was signed with another secret, or its payload was altered, Then it is refused', () => {
    expect(refusal(new QueueTokens('some-other-secret-of-16+').sign(claims))).to.match(/signature/);
    const [header, , signature] = tokens.sign(claims).split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: 'alice', concert: 'concert-1', entry: 'e', exp: 9999999999, aud: 'concert-queue' }),
    ).toString('base64url');
    expect(refusal(`${header}.${forgedPayload}.${signature}`)).to.match(/signature/);
  });

  it('When the token says alg none, or is an access token signed with the same secret, Then it is refused', () => {
    const unsigned = jwt.sign({ concert: 'concert-1', entry: 'e', aud: 'concert-queue' }, '', {
      algorithm: 'none',
      subject: 'alice',
      expiresIn: 60,
    });
    expect(refusal(unsigned)).to.match(/signature|algorithm/);
    const accessToken = jwt.sign({ concert: 'concert-1', entry: 'e', roles: [] }, SECRET, {
      algorithm: 'HS256',
      subject: 'alice',
      expiresIn: 60,
    });
    expect(refusal(accessToken)).to.match(/audience/);
  });

  it('When the token has no expiry or is not a JWT at all, Then it is refused', () => {
    const noExpiry = jwt.sign({ concert: 'concert-1', entry: 'e' }, SECRET, {
      algorithm: 'HS256',
      subject: 'alice',
      audience: 'concert-queue',
    });
    expect(refusal(noExpiry)).to.match(/expiry/);
    expect(refusal('not-a-token')).to.match(/malformed/);
  });

  it('When the secret is shorter than 16 characters, Then no token service is made', () => {
    expect(() => new QueueTokens('short')).to.throw(RangeError);
  });
});
