import { payloadTooLargeProblem, unsupportedMediaTypeProblem, validationProblem } from './common-problems.js';
import { HttpProblem } from './problem.js';

/**
 * Errors that express, its router and body-parser raise for bad input (http-errors objects
 * with `status` and `type`) are the client's fault: each must become a 4xx, never a 500.
 */
export function clientErrorProblem(error: unknown): HttpProblem | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, statusCode, expose, limit } = error as Record<string, unknown>;

  switch (type) {
    case 'entity.too.large':
      return payloadTooLargeProblem(
        typeof limit === 'number' ? `request body exceeds ${limit} bytes` : 'request body is too large',
      );
    case 'entity.parse.failed':
      return validationProblem('request body is malformed JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return unsupportedMediaTypeProblem(messageOf(error) ?? 'unsupported body encoding');
    case 'parameters.too.many':
      return payloadTooLargeProblem('too many parameters');
  }

  const code = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  // `expose: false` marks a server fault that merely carries a status, e.g. a stream misuse.
  if (code === undefined || code < 400 || code > 499 || expose === false) return undefined;
  return new HttpProblem({
    status: code,
    code: CODE_BY_STATUS[code] ?? 'bad-request',
    detail: messageOf(error) ?? 'the request could not be processed',
  });
}

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  408: 'request-timeout',
  413: 'payload-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  431: 'headers-too-large',
};

function messageOf(error: object): string | undefined {
  return error instanceof Error && error.message.length > 0 ? error.message : undefined;
}
