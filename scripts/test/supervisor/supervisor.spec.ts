import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { waitFor } from '@concert/infra/testing';

/**
 * The supervisor behind `npm start`, with real processes: a supervisor process (the same
 * supervise() and signal handling as start.ts) running small HTTP children.
 */
describe('supervisor: restarts crashed children, and Ctrl-C leaves no process behind', function () {
  this.timeout(60_000);
  const base = 19500 + Math.floor(Math.random() * 200) * 2;
  const ports = [base, base + 1];
  let parent: ChildProcess | undefined;
  let output = '';

  /** The pid the supervisor last reported for a child, from its "started (pid N)" lines. */
  const pidsOf = (name: string): number[] =>
    [...output.matchAll(new RegExp(`\\[supervisor\\] ${name} started \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));

  before(async () => {
    parent = spawn(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'scripts/test/supervisor/fixtures/supervised-system.ts'],
      {
        env: { ...process.env, CHILD_PORTS: ports.join(',') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    parent.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    parent.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (const port of ports)
      await waitFor(`child on ${port} healthy`, () => healthyPid(port).then((pid) => pid !== undefined), 30_000, 100);
  });

  after(() => {
    // Only if a test failed half-way: nothing of ours may outlive the run.
    if (parent && parent.exitCode === null) parent.kill('SIGKILL');
    for (const pid of [...pidsOf('child-1'), ...pidsOf('child-2')]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('When a child is killed (SIGKILL), Then it is started again with a new pid and answers /health again; the other child is untouched', async () => {
    const [first, other] = [pidsOf('child-1').at(-1)!, pidsOf('child-2').at(-1)!];
    expect(await healthyPid(ports[0]!)).to.equal(first);

    process.kill(first, 'SIGKILL');
    await waitFor('the killed child is gone', () => !alive(first), 30_000, 100);
    await waitFor('the supervisor restarts child-1', () => pidsOf('child-1').length === 2, 30_000, 100);
    const restarted = pidsOf('child-1').at(-1)!;
    expect(restarted).to.not.equal(first);
    await waitFor(
      'the restarted child answers /health',
      async () => (await healthyPid(ports[0]!)) === restarted,
      30_000,
      100,
    );

    expect(output).to.match(/\[supervisor\] child-1 exited \(SIGKILL\); restarting in \d+ ms/);
    expect(pidsOf('child-2')).to.deep.equal([other]);
    expect(await healthyPid(ports[1]!)).to.equal(other);
  });

  it('When the supervisor gets SIGINT (Ctrl-C), Then it stops every child and exits 0, and none of their pids is left', async () => {
    const children = [pidsOf('child-1').at(-1)!, pidsOf('child-2').at(-1)!];
    expect(children.every(alive), 'both children run before Ctrl-C').to.equal(true);

    const exited = new Promise<number | null>((resolve) => parent!.once('exit', (code) => resolve(code)));
    const before = output.length;
    parent!.kill('SIGINT');
    expect(await exited).to.equal(0);

    expect(children.filter(alive), 'children still running after the supervisor exited').to.deep.equal([]);
    expect([...pidsOf('child-1'), ...pidsOf('child-2')].filter(alive)).to.deep.equal([]);
    expect(output.slice(before), 'nothing is restarted while stopping').to.not.include('restarting in');
    for (const port of ports) expect(await healthyPid(port), `nothing answers on ${port}`).to.equal(undefined);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function healthyPid(port: number): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return response.status === 200 ? ((await response.json()) as { pid: number }).pid : undefined;
  } catch {
    return undefined;
  }
}

describe('supervisor: when the supervisor itself is killed (SIGKILL), its children stop on their own', function () {
  this.timeout(60_000);
  const port = 19950 + Math.floor(Math.random() * 40);
  let parent: ChildProcess | undefined;
  let output = '';

  after(() => {
    if (parent && parent.exitCode === null) parent.kill('SIGKILL');
  });

  it('When the supervisor is SIGKILLed, Then within seconds no child it started is left', async () => {
    parent = spawn(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'scripts/test/supervisor/fixtures/supervised-system.ts'],
      {
        env: { ...process.env, CHILD_PORTS: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    parent.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the child answers /health', async () => (await healthyPid(port)) !== undefined, 30_000, 100);
    const child = (await healthyPid(port))!;

    const exited = new Promise((resolve) => parent!.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;

    await waitFor('the orphaned child stops itself', () => !alive(child), 15_000, 100);
    expect(await healthyPid(port)).to.equal(undefined);
  });
});

describe('supervisor: Ctrl-C in the terminal (SIGINT to the whole foreground process group) lets every child drain', function () {
  this.timeout(60_000);
  const port = 19900 + Math.floor(Math.random() * 40);
  let parent: ChildProcess | undefined;
  let output = '';

  after(() => {
    if (parent && parent.exitCode === null) process.kill(-parent.pid!, 'SIGKILL');
  });

  it('When the terminal sends SIGINT to the supervisor and its children at once, Then each child finishes its graceful shutdown (no "second signal")', async () => {
    // Its own process group, as a shell gives `npm start`: a negative pid signals the whole group, as Ctrl-C does.
    parent = spawn(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'scripts/test/supervisor/fixtures/supervised-system.ts'],
      {
        env: {
          ...process.env,
          CHILD_PORTS: String(port),
          CHILD_ENTRY: 'scripts/test/supervisor/fixtures/draining-child.ts',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    parent.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    parent.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the child answers /health', async () => (await healthyPid(port)) !== undefined, 30_000, 100);

    const exited = new Promise<number | null>((resolve) => parent!.once('exit', (code) => resolve(code)));
    process.kill(-parent.pid!, 'SIGINT');
    expect(await exited).to.equal(0);

    expect(output, output).to.not.include('second signal during shutdown');
    expect(output, output).to.include('[child-1] drained');
  });
});
