/**
 * The Idempotency DB's contract (IETF draft-ietf-httpapi-idempotency-key-header-07, Stripe):
 * the first request with a key runs and is recorded in flight; a repeat either waits its turn
 * (in-flight), gets the recorded answer (completed) or is refused for carrying another payload
 * under the same key (mismatch).
 */

/** The response a repeat gets back: only the headers worth replaying, and the exact body bytes. */
export interface StoredResponse {
  status: number;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

/** Proof that this request owns the key; completing or releasing it needs the proof. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  /** Changes when an abandoned request is taken over, so the old owner can no longer settle it. */
  lockId: string;
}

export type BeginResult =
  | { kind: 'started'; claim: IdempotencyClaim }
  | { kind: 'in-flight' }
  | { kind: 'completed'; response: StoredResponse }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /**
   * Atomically claims (user, key) for a request whose fingerprint is given. An in-flight record
   * older than the in-flight timeout, or a record past its retention, is taken over ('started').
   */
  begin(userId: string, key: string, fingerprint: string): Promise<BeginResult>;
  /** Records the final response; false when the claim was lost (taken over meanwhile). */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean>;
  /** Forgets an in-flight claim so the client may retry with the same key; false when lost. */
  release(claim: IdempotencyClaim): Promise<boolean>;
  /** Deletes records whose retention ended at or before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
  close(): Promise<void>;
}
