import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** X-Notification-Id */
  id: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  /** The status this receiver answered. */
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The requests for one notification, in arrival order. */
  requestsFor(id: string): ReceivedRequest[];
  close(): Promise<void>;
}

export interface ReceiverBehaviour {
  /** Answers 500 to the first `failFirst` requests of each notification id (Infinity: always). */
  failFirst?: number;
  /** Waits this long before answering, so that concurrent senders overlap. */
  delayMs?: number;
}

/** A real HTTP receiver on an ephemeral port that records every request it gets. */
export async function startWebhookReceiver(behaviour: ReceiverBehaviour = {}): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const id = header(req, 'x-notification-id') ?? '';
      const seen = requests.filter((r) => r.id === id).length;
      const status = seen < (behaviour.failFirst ?? 0) ? 500 : 204;
      requests.push({
        id,
        timestamp: header(req, 'x-signature-timestamp'),
        signature: header(req, 'x-signature'),
        body,
        status,
        at: Date.now(),
      });
      if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      res.statusCode = status;
      res.end(status === 500 ? 'receiver is down' : undefined);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/notifications`,
    requests,
    requestsFor: (id) => requests.filter((r) => r.id === id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
