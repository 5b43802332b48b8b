import { forbiddenProblem, HttpProblem } from '@concert/infra';

/** The refusals of the read side that infra's common problems do not cover. */

export function notFound(code: `${string}-not-found`, detail: string): HttpProblem {
  return new HttpProblem({ status: 404, code, detail });
}

/** Owner-only resources: docs/api.md answers 403 for someone else's, 404 only when it does not exist. */
export function assertOwner(ownerId: string, callerId: string, what: string): void {
  if (ownerId !== callerId) throw forbiddenProblem(`this ${what} belongs to another user`);
}

export const READ_MODEL_LAGGING_RETRY_AFTER_S = 1;

export function readModelLaggingProblem(waitedMs: number): HttpProblem {
  return new HttpProblem({
    status: 503,
    code: 'read-model-lagging',
    detail: `the read model did not reach your consistency token within ${waitedMs} ms; retry shortly`,
    retryAfterSeconds: READ_MODEL_LAGGING_RETRY_AFTER_S,
  });
}
