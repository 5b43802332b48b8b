import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describeUnreachable, isReachable, type ServiceCheck } from './check-services.js';

/** What `npm start` does about a server that does not answer. */
export type StartDecision =
  | { action: 'start'; command: string; args: string[]; background: boolean }
  | { action: 'install'; aptPackage: string }
  /** On another host, or nothing we know how to start (EventStoreDB): only say how. */
  | { action: 'report' };

/** What is installed on this machine (lookups only; startDecision stays a pure function). */
export interface Installed {
  /** The executable's path, when installed. */
  which(binary: string): string | undefined;
  /** PostgreSQL cluster versions (directories of /etc/postgresql). */
  postgresClusters(): string[];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function startDecision(service: ServiceCheck, installed: Installed): StartDecision {
  const starter = service.starter;
  if (!starter || !LOCAL_HOSTS.has(service.host)) return { action: 'report' };
  const command = installed.which(starter.binary);
  const needsCluster = starter.args.includes('{cluster}');
  const cluster = needsCluster ? installed.postgresClusters()[0] : undefined;
  if (!command || (needsCluster && !cluster)) return { action: 'install', aptPackage: starter.aptPackage };
  const args = starter.args.map((arg) => (arg === '{cluster}' ? cluster! : arg));
  return { action: 'start', command, args, background: starter.background };
}

/** The executables on PATH and in the sbin directories (nats-server is in /usr/sbin), and /etc/postgresql. */
export function installedOnThisMachine(path = process.env.PATH ?? ''): Installed {
  const dirs = [...path.split(delimiter).filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return {
    which(binary) {
      for (const dir of dirs) {
        try {
          accessSync(join(dir, binary), constants.X_OK);
          return join(dir, binary);
        } catch {
          // not in this directory
        }
      }
      return undefined;
    },
    postgresClusters() {
      try {
        return readdirSync('/etc/postgresql').sort();
      } catch {
        return [];
      }
    },
  };
}

/**
 * Starts each unreachable local server that is installed (one line each: "starting it"), and
 * waits until it answers; returns the lines for those it could not start (how to install or
 * start them by hand).
 */
export async function startInstalledServices(
  down: readonly ServiceCheck[],
  log: (line: string) => void,
  installed: Installed = installedOnThisMachine(),
  waitMs = 15_000,
): Promise<string[]> {
  const problems: string[] = [];
  for (const service of down) {
    const decision = startDecision(service, installed);
    if (decision.action === 'report') {
      problems.push(describeUnreachable(service));
      continue;
    }
    if (decision.action === 'install') {
      problems.push(
        `${service.name} is not reachable at ${service.host}:${service.port} (${service.variable}) and is not installed.\n` +
          `  Install it with: sudo apt-get install ${decision.aptPackage} (or set ${service.variable} to a running one)`,
      );
      continue;
    }
    log(
      `${service.name} is not running on ${service.host}:${service.port}: starting it (${[decision.command, ...decision.args].map((arg) => arg || '""').join(' ')})`,
    );
    try {
      await run(decision);
    } catch (error) {
      problems.push(
        `${describeUnreachable(service)}\n  (starting it failed: ${(error as Error).message.split('\n')[0]})`,
      );
      continue;
    }
    if (!(await answersWithin(service, waitMs)))
      problems.push(`${describeUnreachable(service)}\n  (started it, but it did not answer within ${waitMs / 1000} s)`);
  }
  return problems;
}

async function run(decision: Extract<StartDecision, { action: 'start' }>): Promise<void> {
  if (!decision.background) {
    await promisify(execFile)(decision.command, decision.args, { timeout: 30_000 });
    return;
  }
  // A foreground server (nats-server): its own session, no output, not waited for; it outlives npm start like a daemon.
  const storeFlag = decision.args.indexOf('-sd');
  if (storeFlag >= 0 && decision.args[storeFlag + 1]) mkdirSync(decision.args[storeFlag + 1]!, { recursive: true });
  const child = spawn(decision.command, decision.args, { detached: true, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', resolve);
  });
  child.unref();
}

async function answersWithin(service: ServiceCheck, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (await isReachable(service.host, service.port, 500)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
