import { parsePrometheusText, type Sample } from '@concert/infra';

/** What one process shows of itself on its own port: readiness (with each check) and metrics. */
export interface ProcessProbe {
  name: string;
  kind: 'gateway' | 'command-api' | 'query-api' | 'projectors' | 'workers';
  url: string;
  ready: boolean;
  /** The checks its /ready names, or why it did not answer. */
  checks: Record<string, string>;
  samples: Sample[];
}

const PROBE_TIMEOUT_MS = 3000;

/** GET {url}/ready and {url}/metrics, each bounded; a process that does not answer is reported down, never thrown. */
export async function probeProcess(kind: ProcessProbe['kind'], name: string, url: string): Promise<ProcessProbe> {
  const [ready, metrics] = await Promise.all([readinessOf(url), metricsOf(url)]);
  return { name, kind, url, ...ready, samples: metrics };
}

async function readinessOf(url: string): Promise<{ ready: boolean; checks: Record<string, string> }> {
  try {
    const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await response.json()) as { checks?: Record<string, string> };
    return { ready: response.status === 200, checks: body.checks ?? {} };
  } catch (error) {
    return { ready: false, checks: { process: `no answer: ${(error as Error).message}` } };
  }
}

async function metricsOf(url: string): Promise<Sample[]> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok ? parsePrometheusText(await response.text()) : [];
  } catch {
    return [];
  }
}
