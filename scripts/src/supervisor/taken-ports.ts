import { createServer } from 'node:net';

/** Whether something already listens on 127.0.0.1:port (another `npm start`, a stray service). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** One line per port a child would fail to listen on: which child, which port, which variable moves it. */
export async function takenPorts(
  wanted: readonly { name: string; port: number; variable: string }[],
): Promise<string[]> {
  const taken = await Promise.all(wanted.map(async (w) => ((await portTaken(w.port)) ? w : undefined)));
  return taken
    .filter((w) => w !== undefined)
    .map(
      (w) =>
        `Port ${w.port} (${w.name}) is already in use: stop what listens there (another npm start?) or set ${w.variable}.`,
    );
}
