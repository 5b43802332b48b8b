import type { Response } from 'express';

/**
 * Whether a request may have reached an upstream, as the proxy saw it: every attempt counts
 * as reaching one unless its connection was refused (nothing was sent). The Idempotency-Key
 * stage reads it to decide whether a failed request may be run again at once.
 */
interface UpstreamContact {
  attempts: number;
  refused: number;
}

function contactOf(res: Response): UpstreamContact {
  let contact = res.locals.upstreamContact as UpstreamContact | undefined;
  if (contact === undefined) {
    contact = { attempts: 0, refused: 0 };
    res.locals.upstreamContact = contact;
  }
  return contact;
}

/** The proxy is about to send the request to an instance. */
export function noteUpstreamAttempt(res: Response): void {
  contactOf(res).attempts += 1;
}

/** The request never reached the instance: safe to send anywhere else, whatever the method. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isNotConnected(error: NodeJS.ErrnoException): boolean {
  return NOT_CONNECTED.has(error.code ?? '');
}

/** An attempt failed: when its connection was never made, the instance never saw the request. */
export function noteUpstreamError(res: Response, error: NodeJS.ErrnoException): void {
  if (isNotConnected(error)) contactOf(res).refused += 1;
}

/** False only when no attempt was made or every attempt was refused before sending. */
export function mayHaveReachedUpstream(res: Response): boolean {
  const contact = res.locals.upstreamContact as UpstreamContact | undefined;
  return contact !== undefined && contact.attempts > contact.refused;
}
