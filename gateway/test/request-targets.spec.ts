import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { deleteRedisPrefix, InProcessGateway, runId, token } from './gateway-harness.js';

interface RawAnswer {
  status: number;
  text: string;
}

/** Sends the request line as written (fetch would normalise the target) and reads the answer. */
function raw(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string>,
  body: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const lines = [
      `${method} ${target} HTTP/1.1`,
      'Host: 127.0.0.1',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), text: answer }));
  });
}

/**
 * The waiting room's gate decides from exactly the path the router matches and the proxy
 * forwards: every odd spelling of POST /reservations and POST /payments (fragments, dot
 * segments, doubled slashes, percent-encoded letters, backslashes, `;` parameters, other case)
 * is refused (400, 404) or meets the gate (401 queue-token-required); none reaches an upstream.
 */
describe('Given a gateway in front of an upstream that records every request', function () {
  this.timeout(60_000);
  const run = runId();
  const prefix = `test:gw-targets:${run}:`;
  let upstream: Server;
  let gateway: InProcessGateway;
  let port: number;
  let fan: string;
  /** Requests that reached the upstream (readiness probes aside). */
  const reached: string[] = [];

  before(async () => {
    upstream = createServer((req, res) => {
      if (req.url !== '/ready') reached.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(req.url === '/ready' ? 200 : 201, {
        'content-type': 'application/json',
        location: '/reservations/r-1',
      });
      res.end(JSON.stringify({ status: 'ready', reservationId: 'r-1', concertId: 'c-1' }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    gateway = await new InProcessGateway({
      REDIS_KEY_PREFIX: prefix,
      COMMAND_API_URLS: url,
      QUERY_API_URLS: url,
    }).start();
    port = Number(new URL(gateway.url).port);
    fan = token(gateway.config, `fan-${run}`);
  });

  after(async () => {
    await gateway?.close();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    if (gateway) await deleteRedisPrefix(gateway.config, prefix);
  });

  const spellings = (path: string): string[] => {
    const name = path.slice(1);
    const first = name.charCodeAt(0).toString(16);
    return [
      `${path}#x`,
      `${path}#`,
      `${path}?a=1#x`,
      `/.${path}`,
      `/x/..${path}`,
      `${path}/.`,
      `${path}/x/..`,
      `/%2e${path}`,
      `/%2E%2E${path}`,
      `${path}/%2e`,
      `/${path}`,
      `${path}//`,
      `/a/${path}`,
      `/%${first}${name.slice(1)}`,
      `/%${first.toUpperCase()}${name.slice(1)}`,
      `${path.slice(0, -1)}%${path.charCodeAt(path.length - 1).toString(16)}`,
      `${path}\\`,
      `/\\${name}`,
      `${path};x`,
      `${path};jsessionid=1`,
      `/${name.toUpperCase()}`,
      `/${name[0]!.toUpperCase()}${name.slice(1)}`,
      `${path}/`,
      `${path}%2f`,
      `${path}%2F`,
      `${path}%00`,
      `${path}%20`,
      `${path}%23x`,
      `${path}%3f`,
      `${path}.`,
      `${path}%09`,
    ];
  };

  const cases: [string, string][] = [
    ['/reservations', JSON.stringify({ scheduleId: 's-1', seatIds: ['A-1'] })],
    ['/payments', JSON.stringify({ reservationId: 'r-1' })],
  ];

  for (const [path, body] of cases) {
    it(`When POST ${path} is spelled oddly without a Queue-Token, Then every spelling is refused or meets the gate, and none reaches the upstream`, async () => {
      const passed: string[] = [];
      for (const target of spellings(path)) {
        reached.length = 0;
        const answer = await raw(
          port,
          'POST',
          target,
          {
            authorization: `Bearer ${fan}`,
            'content-type': 'application/json',
            'idempotency-key': `k-${run}-${target}`,
          },
          body,
        );
        const gated = answer.status === 401 && answer.text.includes('queue-token-required');
        const refused = answer.status === 400 || answer.status === 404;
        if (!(gated || refused) || reached.length > 0)
          passed.push(`${target} -> ${answer.status}, upstream saw ${JSON.stringify(reached)}`);
      }
      expect(passed).to.deep.equal([]);
    });
  }

  it('When POST /reservations is sent plainly or with a query string, Then the gate asks for a Queue-Token', async () => {
    for (const target of ['/reservations', '/reservations?x=1']) {
      const answer = await raw(
        port,
        'POST',
        target,
        { authorization: `Bearer ${fan}`, 'content-type': 'application/json' },
        '{"scheduleId":"s-1","seatIds":["A-1"]}',
      );
      expect(answer.status, target).to.equal(401);
      expect(answer.text).to.include('queue-token-required');
    }
  });
});
