import { expect } from 'chai';
import { inFlightTimeoutOf, IN_FLIGHT_MARGIN_MS } from '../../src/idempotency/create-idempotency-store.js';

describe('Given the gateway upstream timeout and the configured in-flight timeout', () => {
  it('When the configured in-flight timeout is shorter than the upstream timeout, Then a key stays in flight until the upstream timeout plus a margin has passed', () => {
    expect(
      inFlightTimeoutOf({ IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS: 5_000, GATEWAY_UPSTREAM_TIMEOUT_MS: 30_000 }),
    ).to.equal(30_000 + IN_FLIGHT_MARGIN_MS);
  });

  it('When the configured in-flight timeout is longer, Then it applies as configured', () => {
    expect(
      inFlightTimeoutOf({ IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS: 60_000, GATEWAY_UPSTREAM_TIMEOUT_MS: 10_000 }),
    ).to.equal(60_000);
  });
});
