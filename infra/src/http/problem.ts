import type { Response } from 'express';

export type ProblemExtra = Readonly<Record<string, unknown>>;

export interface HttpProblemInit {
  status: number;
  /** Stable machine-readable code (docs/api.md); clients branch on it, never on `detail`. */
  code: string;
  title?: string;
  detail?: string;
  extra?: ProblemExtra;
  retryAfterSeconds?: number;
  headers?: Readonly<Record<string, string>>;
}

/**
 * An HTTP refusal thrown from handlers; the error handler writes it as problem+json. Like a
 * DomainError it is an answer, not a fault, and carries no stack trace.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly extra: ProblemExtra;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: HttpProblemInit) {
    const title = init.title ?? titleOf(init.code);
    const stackFrames = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(init.detail ?? title);
    Error.stackTraceLimit = stackFrames;
    this.status = init.status;
    this.code = init.code;
    this.title = title;
    this.detail = init.detail ?? title;
    this.extra = init.extra ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.headers = init.headers ?? {};
  }
}

export function isHttpProblem(error: unknown): error is HttpProblem {
  return error instanceof HttpProblem;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extra: string]: unknown;
}

export function problemBody(problem: HttpProblem): ProblemBody {
  // Extra fields go first so a stray `status` or `code` in domain details cannot overwrite
  // the members a client relies on.
  return {
    ...problem.extra,
    type: problemType(problem.code),
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
  };
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  setProblemHeaders(res, problem);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(problem)));
}

/** The headers a problem carries besides its content type: its own (WWW-Authenticate, ...) and Retry-After. */
export function setProblemHeaders(
  res: { setHeader(name: string, value: string): unknown },
  problem: HttpProblem,
): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  if (problem.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(0, Math.ceil(problem.retryAfterSeconds))));
  }
}

/** RFC 9457 wants a URI; a URN keeps it stable without promising a page to dereference. */
export function problemType(code: string): string {
  return `urn:problem-type:concert:${code}`;
}

/** `seat-unavailable` -> `Seat unavailable`: one title per code, as RFC 9457 asks. */
export function titleOf(code: string): string {
  const words = code.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
