import { signDevToken } from '@concert/infra';
import type { RunningSystem } from '../onsale/launch-system.js';

/**
 * Seconds until the system serves again after a fault: every process of the supervisor is
 * running and answers /ready (its dependencies answer), and a read and a queue status through
 * the gateway answer 200. Undefined when that does not happen within `timeoutMs`.
 */
export async function secondsToRecover(
  system: RunningSystem,
  concertId: string,
  timeoutMs = 120_000,
): Promise<number | undefined> {
  const started = Date.now();
  const token = signDevToken(system.config, { userId: 'chaos-recovery-probe', roles: [], expiresInSeconds: 3600 });
  while (Date.now() - started < timeoutMs) {
    if (await serves(system, concertId, token)) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

async function serves(system: RunningSystem, concertId: string, token: string): Promise<boolean> {
  const processes = system.processes();
  if (processes.some((p) => p.pid === undefined)) return false;
  const checks = [
    ...processes.filter((p) => p.kind !== 'gateway').map((p) => get(`http://127.0.0.1:${p.port}/ready`)),
    get(`${system.gatewayUrl}/concerts/${concertId}/schedules?all=true`, token),
    post(`${system.gatewayUrl}/queue/entries`, token, { concertId }),
  ];
  return (await Promise.all(checks)).every(Boolean);
}

async function get(url: string, token?: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function post(url: string, token: string, body: unknown): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(2000),
    });
    await response.arrayBuffer();
    return response.status === 202;
  } catch {
    return false;
  }
}
