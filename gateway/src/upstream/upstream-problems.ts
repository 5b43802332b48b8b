import { HttpProblem, unavailableProblem } from '@concert/infra';

/** How long a client should wait when no instance is healthy: about one probe round. */
const NO_INSTANCE_RETRY_AFTER_S = 1;

export function noHealthyInstanceProblem(kind: string): HttpProblem {
  return unavailableProblem(`no healthy ${kind} instance; retry shortly`, NO_INSTANCE_RETRY_AFTER_S);
}

export function badGatewayProblem(kind: string): HttpProblem {
  return new HttpProblem({ status: 502, code: 'bad-gateway', detail: `the ${kind} instance failed to answer` });
}

export function upstreamTimeoutProblem(kind: string, timeoutMs: number): HttpProblem {
  return new HttpProblem({
    status: 504,
    code: 'upstream-timeout',
    detail: `the ${kind} instance did not answer within ${timeoutMs} ms`,
  });
}
