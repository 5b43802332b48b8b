import { expect } from 'chai';
import { bucketDelta, bucketsOf, parsePrometheusText, quantileOf, sumOf } from '../../src/metrics/prometheus-text.js';

const TEXT = `# HELP commands_total Commands handled
# TYPE commands_total counter
commands_total{command="hold-seats",outcome="ok",service="command-api"} 40
commands_total{command="hold-seats",outcome="seat-unavailable",service="command-api"} 7
commands_total{command="pay",outcome="ok",service="command-api"} 12
relay_leader 1
http_request_duration_seconds_bucket{le="0.1",method="POST",route="/reservations",status_code="201"} 90
http_request_duration_seconds_bucket{le="0.5",method="POST",route="/reservations",status_code="201"} 99
http_request_duration_seconds_bucket{le="1",method="POST",route="/reservations",status_code="201"} 100
http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/reservations",status_code="201"} 100
label_with_escapes{path="a\\"b\\\\c"} 3
`;

describe('Given the Prometheus text of a process', () => {
  const samples = parsePrometheusText(TEXT);

  it('When parsed, Then every sample keeps its labels (escapes included) and comments are skipped', () => {
    expect(samples).to.have.length(9);
    expect(samples.find((s) => s.name === 'label_with_escapes')?.labels).to.deep.equal({ path: 'a"b\\c' });
    expect(sumOf(samples, 'relay_leader')).to.equal(1);
  });

  it('When summed with a label filter, Then only the matching series count', () => {
    expect(sumOf(samples, 'commands_total', { command: 'hold-seats' })).to.equal(47);
    expect(sumOf(samples, 'commands_total', { command: 'hold-seats', outcome: 'ok' })).to.equal(40);
    expect(sumOf(samples, 'commands_total', { outcome: (o) => o !== 'ok' })).to.equal(7);
  });

  it('When a quantile is taken from the buckets, Then it is interpolated inside its bucket as histogram_quantile does', () => {
    const buckets = bucketsOf(samples, 'http_request_duration_seconds');
    expect(quantileOf(buckets, 0.5)).to.be.closeTo(0.1 * (50 / 90), 1e-9);
    // Rank 99 falls at the top of the 0.1..0.5 bucket.
    expect(quantileOf(buckets, 0.99)).to.be.closeTo(0.5, 1e-9);
    expect(
      quantileOf(
        new Map([
          [0.1, 0],
          [Infinity, 0],
        ]),
        0.99,
      ),
    ).to.equal(undefined);
    // Only the observations between two readings.
    const before = new Map([
      [0.1, 90],
      [0.5, 90],
      [1, 90],
      [Infinity, 90],
    ]);
    expect(quantileOf(bucketDelta(buckets, before), 0.5)).to.be.closeTo(0.1 + 0.4 * (5 / 9), 1e-9);
  });
});
