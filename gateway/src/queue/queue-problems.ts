import { HttpProblem } from '@concert/infra';

/** The waiting room's refusals (docs/api.md codes); the queue token's are infra's common problems. */

export function notFound(code: `${string}-not-found`, detail: string): HttpProblem {
  return new HttpProblem({ status: 404, code, detail });
}
