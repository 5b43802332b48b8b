import { ErrorCode } from 'nats';

/**
 * JetStream API error codes (`err_code` of the server's ApiError) that callers act on.
 * Names follow nats-server's errors.json.
 */
export const JetStreamErrorCode = {
  StreamNotFound: 10059,
  StreamNameInUse: 10058,
  ConsumerNotFound: 10014,
  ConsumerNameExists: 10013,
  ConsumerAlreadyExists: 10148,
  NoMessageFound: 10037,
  WrongLastSequence: 10071,
  WrongLastMsgId: 10070,
} as const;

export type JetStreamErrorCode = (typeof JetStreamErrorCode)[keyof typeof JetStreamErrorCode];

/** The `err_code` of a JetStream API error, or undefined for anything else (timeouts, closed connections). */
export function jetStreamErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('api_error' in error)) return undefined;
  const apiError = (error as { api_error?: { err_code?: unknown } }).api_error;
  return typeof apiError?.err_code === 'number' ? apiError.err_code : undefined;
}

export function isJetStreamError(error: unknown, ...codes: readonly JetStreamErrorCode[]): boolean {
  const code = jetStreamErrorCode(error);
  return code !== undefined && (codes as readonly number[]).includes(code);
}

/** The connection was closed (by us, or for good): retrying on it is pointless. */
export function isConnectionClosed(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === ErrorCode.ConnectionClosed;
}
