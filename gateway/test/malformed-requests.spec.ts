import { connect } from 'node:net';
import { expect } from 'chai';
import { InProcessGateway, runId, send, token, type Answer } from './gateway-harness.js';

/** Sends raw bytes and returns the status line's code (0 when the connection just closed). */
function rawStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
  });
}

/** docs/api.md, 'Errors common to every endpoint': no request, however malformed, gets a 5xx; each is refused with its 4xx problem. */
describe('gateway: malformed requests are refused with a 4xx, never a 5xx', function () {
  this.timeout(30_000);
  const run = runId();
  let gateway: InProcessGateway;
  let fan: string;

  before(async () => {
    // No upstream is needed: every request here is refused before the proxy.
    gateway = await new InProcessGateway({
      REDIS_KEY_PREFIX: `test:gw-malformed:${run}:`,
      COMMAND_API_URLS: 'http://127.0.0.1:9',
      QUERY_API_URLS: 'http://127.0.0.1:9',
    }).start();
    fan = token(gateway.config, `fan-${run}`);
  });

  after(async () => {
    await gateway?.close();
  });

  const cases: [string, () => Promise<Answer>, number, string?][] = [
    [
      'malformed JSON',
      () =>
        send('POST', `${gateway.url}/wallet/charges`, {
          token: fan,
          body: '{"amount":',
          headers: { 'idempotency-key': 'k1' },
        }),
      400,
      'validation',
    ],
    [
      'a form post',
      () =>
        send('POST', `${gateway.url}/reservations`, {
          token: fan,
          body: 'a=b',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      415,
      'unsupported-media-type',
    ],
    [
      'a body over the limit',
      () =>
        send('POST', `${gateway.url}/reservations`, { token: fan, body: JSON.stringify({ pad: 'x'.repeat(20_000) }) }),
      413,
      'payload-too-large',
    ],
    ['a bad percent-encoding', () => send('GET', `${gateway.url}/reservations/%E0%A4%A`, { token: fan }), 400],
    [
      'an Authorization header that is not Bearer',
      () => send('GET', `${gateway.url}/me/wallet`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      401,
      'unauthenticated',
    ],
    [
      'a bearer token that is not a JWT',
      () => send('GET', `${gateway.url}/me/wallet`, { token: 'not.a.jwt' }),
      401,
      'unauthenticated',
    ],
    [
      'a method the path does not take',
      () => send('PATCH', `${gateway.url}/reservations/r-1`, { token: fan, body: {} }),
      405,
      'method-not-allowed',
    ],
    [
      'a deeply nested body with an Idempotency-Key',
      () =>
        send('POST', `${gateway.url}/wallet/charges`, {
          token: fan,
          body: `${'['.repeat(7000)}${']'.repeat(7000)}`,
          headers: { 'idempotency-key': 'deep' },
        }),
      400,
      'validation',
    ],
    [
      'a deeply nested object body',
      () =>
        send('POST', `${gateway.url}/payments`, {
          token: fan,
          body: `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`,
          headers: { 'idempotency-key': 'deep-object' },
        }),
      400,
      'validation',
    ],
    [
      'a queue entry id that is no id',
      () => send('GET', `${gateway.url}/queue/entries/${'e'.repeat(300)}`, { token: fan }),
      400,
      'validation',
    ],
    [
      'a queue entry for a concert id that is no id',
      () => send('POST', `${gateway.url}/queue/entries`, { token: fan, body: { concertId: 'c'.repeat(300) } }),
      400,
      'validation',
    ],
    [
      'a queue entry body that is an array',
      () => send('POST', `${gateway.url}/queue/entries`, { token: fan, body: [1, 2] }),
      400,
      'validation',
    ],
    [
      'a queue entry body with a nested concert id',
      () => send('POST', `${gateway.url}/queue/entries`, { token: fan, body: { concertId: { $gt: '' } } }),
      400,
      'validation',
    ],
    [
      'an X-Request-Id of 10 KB',
      () =>
        send('GET', `${gateway.url}/queue/entries/${'e'.repeat(300)}`, {
          token: fan,
          headers: { 'x-request-id': 'r'.repeat(10_000) },
        }),
      400,
      'validation',
    ],
    [
      'a bearer token of 10 KB',
      () => send('GET', `${gateway.url}/me/wallet`, { token: 'x'.repeat(10_000) }),
      401,
      'unauthenticated',
    ],
    [
      'an unknown charset',
      () =>
        send('POST', `${gateway.url}/reservations`, {
          token: fan,
          body: '{}',
          headers: { 'content-type': 'application/json; charset=klingon' },
        }),
      415,
      'unsupported-media-type',
    ],
  ];

  for (const [what, request, status, code] of cases) {
    it(`When a client sends ${what}, Then ${status}${code ? ` ${code}` : ''}`, async () => {
      const answer = await request();
      expect(answer.status).to.equal(status);
      if (code) expect(answer.body.code).to.equal(code);
    });
  }

  it('When a command is sent with an absolute URL as its target, Then 400 before any stage could be bypassed', async () => {
    const port = Number(new URL(gateway.url).port);
    const body = JSON.stringify({ scheduleId: 's-1', seatIds: ['A-1'] });
    const status = await rawStatus(
      port,
      `POST http://127.0.0.1:${port}/reservations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${fan}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(status).to.equal(400);
  });

  it('When raw requests break HTTP itself, Then the answer is a 4xx or the connection is closed, never a 5xx', async () => {
    const port = Number(new URL(gateway.url).port);
    const raw = [
      'GET /me/wallet HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      `POST /payments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${fan}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"reservationId":`,
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      'GARBAGE\r\n\r\n',
    ];
    for (const request of raw) {
      const status = await rawStatus(port, request);
      expect(status, request.slice(0, 40)).to.satisfy((s: number) => s === 0 || (s >= 400 && s < 500));
    }
  });
});
