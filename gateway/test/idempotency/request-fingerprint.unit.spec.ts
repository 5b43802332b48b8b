import { expect } from 'chai';
import { canonicalJson, requestFingerprint } from '../../src/idempotency/index.js';

describe('requestFingerprint', () => {
  it('When two bodies differ only in key order, Then their fingerprints are equal', () => {
    expect(requestFingerprint('POST', '/x', { a: 1, b: { d: [1, { f: 2, e: 3 }], c: 'z' } })).to.equal(
      requestFingerprint('POST', '/x', { b: { c: 'z', d: [1, { e: 3, f: 2 }] }, a: 1 }),
    );
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).to.equal('{"a":[true,null,"x"],"b":1}');
  });

  it('When the method, the path, the query or any value differs, Then the fingerprints differ', () => {
    const base = requestFingerprint('POST', '/payments', { reservationId: 'r1' });
    expect(requestFingerprint('PUT', '/payments', { reservationId: 'r1' })).to.not.equal(base);
    expect(requestFingerprint('POST', '/payments/', { reservationId: 'r1' })).to.not.equal(base);
    expect(requestFingerprint('POST', '/payments?x=1', { reservationId: 'r1' })).to.not.equal(base);
    expect(requestFingerprint('POST', '/payments', { reservationId: 'r2' })).to.not.equal(base);
    expect(requestFingerprint('POST', '/payments', { reservationId: 'r1', extra: 1 })).to.not.equal(base);
    expect(requestFingerprint('POST', '/payments', { amount: 1 })).to.not.equal(
      requestFingerprint('POST', '/payments', { amount: '1' }),
    );
  });
});
