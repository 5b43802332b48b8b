import { connect, type NatsConnection } from 'nats';

/**
 * A connection that reconnects forever: a NATS restart must pause publishing and consuming,
 * not end the process. `name` shows in the server's connection list (`nats-server -js` monitoring).
 */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // An Error (with its stack) per request, for async stack traces: 7% of the projectors
    // process's CPU in bench:projections (NatsError/BaseRequest, one per relay publish).
    noAsyncTraces: true,
  });
}
