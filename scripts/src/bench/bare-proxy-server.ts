/**
 * The two-hop baseline of bench:gateway: a bare node http server that relays every request to
 * the bare express server (its port is the first argument) over an undici keep-alive pool,
 * nothing else: no routing, checks, logs or metrics. What a second HTTP hop costs on this
 * machine at the least. Prints its port.
 */
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import { Pool } from 'undici';

/** Headers of the upstream connection, not of the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

const upstream = new Pool(`http://127.0.0.1:${process.argv[2]}`, { connections: 512 });
const server = createServer((req, res) => {
  upstream.stream(
    { path: req.url ?? '/', method: 'GET' },
    ({ statusCode, headers }) => {
      const kept: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) kept[name] = value;
      res.writeHead(statusCode, kept);
      return res;
    },
    (error) => {
      if (error && !res.headersSent) res.writeHead(502).end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
