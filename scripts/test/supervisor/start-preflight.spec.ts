import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { freePort } from '@concert/infra/testing';

/** `npm start` refuses to start, in a line or two and without a stack trace, when it cannot work. */
describe('npm start: an unreachable server or a taken port is reported in one or two lines', function () {
  this.timeout(60_000);

  function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'scripts/src/start.ts'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('When Redis does not answer and is not installed (not on PATH), Then it says which server, at which address and variable, and how to install it, and exits 1 having started nothing', async () => {
    const port = await freePort();
    // An installed one would be started (start-service.spec.ts); with no PATH, redis-server is not found.
    const result = await start({ REDIS_URL: `redis://127.0.0.1:${port}`, PATH: '' });

    expect(result.code).to.equal(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).to.have.length(2);
    expect(lines[0]).to.equal(`Redis is not reachable at 127.0.0.1:${port} (REDIS_URL) and is not installed.`);
    expect(lines[1]).to.match(/^ {2}Install it with: sudo apt-get install redis-server /);
    expect(result.stderr).to.not.match(/\n\s+at /);
    expect(result.stdout).to.not.include('[supervisor]');
  });

  it('When a port a process needs is taken, Then it names the port, the process and the variable, and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      // Every other port free (other runs on this machine may hold the defaults).
      const [c1, c2, q1, q2, workers, gateway, gatewayAdmin] = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7].map(() => freePort()),
      );
      const result = await start({
        PROJECTORS_PORT: String(port),
        COMMAND_API_URLS: `http://127.0.0.1:${c1},http://127.0.0.1:${c2}`,
        QUERY_API_URLS: `http://127.0.0.1:${q1},http://127.0.0.1:${q2}`,
        WORKERS_PORT: String(workers),
        GATEWAY_PORT: String(gateway),
        GATEWAY_ADMIN_PORT: String(gatewayAdmin),
      });
      expect(result.code).to.equal(1);
      expect(result.stderr.trim()).to.equal(
        `Port ${port} (projectors) is already in use: stop what listens there (another npm start?) or set PROJECTORS_PORT.`,
      );
      expect(result.stdout).to.not.include('[supervisor]');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
