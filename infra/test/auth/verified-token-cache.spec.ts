import { expect } from 'chai';
import { VerifiedTokenCache } from '../../src/auth/verified-token-cache.js';

describe('Given a cache of verified tokens', () => {
  let now = 1_000_000;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('When a token is looked up before its expiry, Then what it proved is served without a new check', () => {
    const cache = new VerifiedTokenCache<string>(10, clock);
    cache.set('token-a', 'alice', now + 60_000);
    now += 59_999;
    expect(cache.get('token-a')).to.equal('alice');
  });

  it('When a token is looked up at or after its expiry, Then nothing is served, so the signature and expiry are checked again', () => {
    const cache = new VerifiedTokenCache<string>(10, clock);
    cache.set('token-a', 'alice', now + 60_000);
    now += 60_000;
    expect(cache.get('token-a')).to.equal(undefined);
    // And the expired entry is gone for good.
    now -= 1;
    expect(cache.get('token-a')).to.equal(undefined);
  });

  it('When more tokens arrive than it holds, Then the least recently used one goes', () => {
    const cache = new VerifiedTokenCache<string>(2, clock);
    cache.set('token-a', 'alice', now + 60_000);
    cache.set('token-b', 'bob', now + 60_000);
    expect(cache.get('token-a')).to.equal('alice');
    cache.set('token-c', 'carol', now + 60_000);
    expect(cache.get('token-b')).to.equal(undefined);
    expect(cache.get('token-a')).to.equal('alice');
    expect(cache.get('token-c')).to.equal('carol');
  });
});
