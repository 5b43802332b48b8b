import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const CLI = fileURLToPath(new URL('../src/projections/main.ts', import.meta.url));

function runProjectionsCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('Given the database of DATABASE_URL does not answer', function () {
  this.timeout(60_000);
  const unreachable = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/concert' };

  for (const args of [['status'], ['parked', 'list'], ['rebuild', 'reservations', '--dry-run']]) {
    it(`When an operator runs "projections ${args.join(' ')}", Then it exits 2 naming the server and the variable, with no stack trace`, async () => {
      const { code, stdout, stderr } = await runProjectionsCli(args, unreachable);
      expect(code, stderr).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.include('PostgreSQL is not reachable at 127.0.0.1:1 (DATABASE_URL)');
      expect(stderr).not.to.match(/^\s+at /m);
    });
  }
});
