import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A page served from another origin than the gateway's (another port on 127.0.0.1), as a
 * partner's shop or a separate front end would be: the browser treats its calls to the
 * gateway as cross-origin, so CORS preflights and exposed headers are really exercised.
 */
export class OtherOrigin {
  url = '';
  #server: Server | undefined;

  async start(title: string): Promise<this> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>${title}</title></head><body>${title}</body></html>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
