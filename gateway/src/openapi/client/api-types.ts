/**
 * Generated from the gateway's OpenAPI document by openapi-typescript: do not edit.
 * Regenerate with `npm run openapi:client` (gateway/src/openapi/client/client-types.ts).
 */
export interface paths {
  '/admin/concerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a concert (admin) */
    post: operations['createConcert'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/concerts/{concertId}/schedules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Add a date with its seat map (admin) */
    post: operations['addSchedule'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/concerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List concerts */
    get: operations['listConcerts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/concerts/{concertId}/schedules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the dates of a concert (only dates with seats left unless all=true) */
    get: operations['listSchedules'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/schedules/{scheduleId}/seats': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Seats of a date and their status */
    get: operations['listSeats'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/queue/entries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enter the waiting room of a concert
     * @description The same user and concert get the same entry while it is WAITING or ADMITTED; once it is EXPIRED or COMPLETED, a new entry at the back of the line.
     */
    post: operations['enterQueue'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/queue/entries/{entryId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Status of a waiting-room entry; its queueToken once ADMITTED
     * @description Polling has its own rate budget (RATE_LIMIT_POLLS_PER_MINUTE).
     */
    get: operations['getQueueEntry'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/queue/entries/{entryId}/leave': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Leave the waiting room (owner)
     * @description Ends the entry: an ADMITTED fan's slot goes to the next in line at once, a WAITING fan gives up their place. The entry is then COMPLETED; entering again starts at the back. Leaving an entry that is already over changes nothing.
     */
    post: operations['leaveQueue'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/reservations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Hold 1 to 4 seats */
    post: operations['holdSeats'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/reservations/{reservationId}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a held reservation (owner) */
    post: operations['cancelReservation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/reservations/{reservationId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A reservation (owner) */
    get: operations['getReservation'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/me/reservations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's reservations, newest first */
    get: operations['listMyReservations'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/wallet/charges': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Charge the caller's wallet */
    post: operations['chargeWallet'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/me/wallet': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's balance */
    get: operations['getMyWallet'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/payments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Pay a held reservation from the wallet (owner)
     * @description A refused payment is recorded: its 409/422 carries `paymentId` and `reservationId`, and an X-Consistency-Token.
     */
    post: operations['pay'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/payments/{paymentId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A payment (owner) */
    get: operations['getPayment'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/me/notifications': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's notifications, newest first (when no webhook is configured) */
    get: operations['listMyNotifications'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/stats/concerts/{concertId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Per-minute statistics of a concert over its schedules (admin) */
    get: operations['getConcertStats'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/stats/schedules/{scheduleId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Per-minute statistics of a schedule (admin) */
    get: operations['getScheduleStats'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/console/snapshot': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The ops console's live data (admin)
     * @description Waiting rooms, seats and sales per schedule, rates and p99 by route, projection lag, relay, expiry and process health, aggregated from every process's /ready and /metrics (docs/api.md).
     */
    get: operations['getConsoleSnapshot'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/console/parked/{id}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Apply a parked projection event again (admin) */
    post: operations['retryParkedEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mint a token (development login; 404 when AUTH_DEV_LOGIN is off) */
    post: operations['mintDevToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The gateway process is alive */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every dependency of the gateway answers */
    get: operations['getReadiness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This document */
    get: operations['getOpenApiDocument'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Problem: {
      /** @description `urn:problem-type:concert:<code>` */
      type: string;
      title: string;
      status: number;
      detail: string;
      /** @description Stable: what clients branch on (`detail` is for people and may change). */
      code: string;
      /** @description RFC 9457: a reference to this occurrence, when one is given. */
      instance?: string;
      /** @description On 400 `validation`: the failing fields. */
      errors?: {
        /** @description Dotted path into the input, e.g. `seatIds.0`; empty for the input as a whole. */
        path: string;
        message: string;
      }[];
    } & {
      [key: string]: unknown;
    };
    Concert: {
      concertId: string;
      title: string;
      venue: string;
    };
    ConcertCreated: {
      concertId: string;
    };
    CreateConcertRequest: {
      title: string;
      venue: string;
    };
    Schedule: {
      scheduleId: string;
      /** Format: date-time */
      startsAt: string;
      totalSeats: number;
      availableSeats: number;
    };
    ScheduleAdded: {
      scheduleId: string;
    };
    AddScheduleRequest: {
      /** Format: date-time */
      startsAt: string;
      seats: {
        seatId: string;
        grade: string;
        price: number;
      }[];
    };
    Seat: {
      seatId: string;
      grade: string;
      price: number;
      /** @enum {string} */
      status: 'AVAILABLE' | 'HELD' | 'SOLD';
    };
    QueueEntry: {
      entryId?: string;
      /** @enum {string} */
      status: 'WAITING' | 'ADMITTED' | 'EXPIRED' | 'COMPLETED';
      position: number;
      peopleAhead?: number;
      estimatedWaitSeconds: number;
      queueToken?: string;
      /** Format: date-time */
      expiresAt?: string;
    };
    QueueEntryRequest: {
      concertId: string;
    };
    HoldSeatsRequest: {
      scheduleId: string;
      seatIds: string[];
    };
    ReservationHeld: {
      reservationId: string;
      /** @enum {string} */
      status: 'HELD';
      scheduleId: string;
      seatIds: string[];
      amount: number;
      /** Format: date-time */
      expiresAt: string;
    };
    CancelReservationRequest: Record<string, never>;
    ReservationCancelled: {
      reservationId: string;
      /** @enum {string} */
      status: 'CANCELLED';
    };
    Reservation: {
      reservationId: string;
      scheduleId?: string;
      /** @enum {string} */
      status: 'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
      seatIds: string[];
      amount: number;
      /** Format: date-time */
      expiresAt: string | null;
      paymentId?: string;
    };
    ChargeWalletRequest: {
      amount: number;
    };
    WalletBalance: {
      balance: number;
    };
    PayRequest: {
      reservationId: string;
    };
    Payment: {
      paymentId: string;
      reservationId: string;
      /** @enum {string} */
      status: 'REQUESTED' | 'COMPLETED' | 'FAILED' | 'REFUNDED';
      amount: number;
    };
    Notification: {
      /** @description the id of the event it reports: at most one notification per event */
      id: string;
      kind: string;
      reservationId: string;
      occurredAt: string;
      payload: {
        [key: string]: unknown;
      };
    };
    Stats: {
      concertId: string;
      scheduleId?: string;
      from: string;
      to: string;
      totals: {
        holds: number;
        seatsHeld: number;
        expiries: number;
        cancellations: number;
        confirmations: number;
        seatsSold: number;
        revenue: number;
        holdsConfirmed: number;
        conversion: number | null;
        medianHoldToConfirmMs: number | null;
      };
      minutes: {
        minute: string;
        holds: number;
        seatsHeld: number;
        expiries: number;
        cancellations: number;
        confirmations: number;
        seatsSold: number;
        revenue: number;
        holdsConfirmed: number;
        conversion: number | null;
        medianHoldToConfirmMs: number | null;
      }[];
      schedules?: {
        scheduleId: string;
        totals: {
          holds: number;
          seatsHeld: number;
          expiries: number;
          cancellations: number;
          confirmations: number;
          seatsSold: number;
          revenue: number;
          holdsConfirmed: number;
          conversion: number | null;
          medianHoldToConfirmMs: number | null;
        };
      }[];
    };
    DevTokenRequest: {
      userId: string;
      /** @default [] */
      roles: string[];
    };
    DevToken: {
      accessToken: string;
      expiresIn: number;
    };
    Health: {
      status: string;
    };
  };
  responses: {
    /** @description Problem: `validation`. */
    ValidationFailed: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `unauthenticated`. */
    Unauthenticated: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        'WWW-Authenticate': components['headers']['WWW-Authenticate'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `forbidden`. */
    Forbidden: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `payload-too-large`. */
    PayloadTooLarge: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `unsupported-media-type`. */
    UnsupportedMediaType: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `rate-limited`. */
    RateLimited: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        'Retry-After': components['headers']['Retry-After'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `bad-gateway`. */
    BadGateway: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `unavailable`. */
    Unavailable: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        'Retry-After': components['headers']['Retry-After'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Problem: `upstream-timeout`. */
    UpstreamTimeout: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description Request Header Fields Too Large: the request headers exceed the server limit (no body). */
    HeadersTooLarge: {
      headers: {
        [name: string]: unknown;
      };
      content?: never;
    };
    /** @description Not Modified: the If-None-Match ETag still matches. */
    NotModified: {
      headers: {
        'X-Request-Id': components['headers']['X-Request-Id'];
        ETag: components['headers']['ETag'];
        Vary: components['headers']['Vary'];
        'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
        'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
        RateLimit: components['headers']['RateLimit'];
        'RateLimit-Policy': components['headers']['RateLimit-Policy'];
        'Cache-Control': components['headers']['Cache-Control'];
        [name: string]: unknown;
      };
      content?: never;
    };
  };
  parameters: {
    /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
    IdempotencyKey: string;
    /** @description Required here (400 `idempotency-key-required` without it): a unique value per operation, reused on retries (1-255 printable ASCII characters). */
    IdempotencyKeyRequired: string;
    /** @description The `queueToken` of an ADMITTED waiting-room entry for the concert (401 `queue-token-required` / `queue-token-invalid`). */
    QueueToken: string;
    /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
    ConsistencyToken: string;
    /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
    IfNoneMatch: string;
    /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
    RequestId: string;
  };
  requestBodies: never;
  headers: {
    /** @description The request's id: the client's X-Request-Id when it sent one, generated otherwise. */
    'X-Request-Id': string;
    /** @description A weak validator of the body. Send it back as If-None-Match on the same GET: 304 without a body while the answer is unchanged. */
    ETag: string;
    /** @description Where the events this command wrote are (`<commit>.<prepare>`). Send it on a later query to read your own write. */
    'X-Consistency-Token': string;
    /** @description The path of the resource this request created. */
    Location: string;
    /** @description Present when there is a next page: pass it as `cursor` (with the same `limit`). */
    'X-Next-Cursor': string;
    /** @description The next page, `<path?limit=&cursor=>; rel="next"`, when there is one (RFC 8288). */
    Link: string;
    /** @description Seconds to wait before trying again. */
    'Retry-After': number;
    /** @description Present (`true`) when this answer is the stored answer to an earlier request with the same Idempotency-Key. */
    'Idempotent-Replayed': 'true';
    /** @description The bearer challenge (RFC 6750), with the reason when a token was sent. */
    'WWW-Authenticate': string;
    /** @description Reads: `no-cache` for the catalog (any cache may keep it, revalidated with its ETag on every use), `private, no-cache` for a user's data and the statistics. `no-store` on the development token, /ready and the console snapshot. */
    'Cache-Control': string;
    /** @description On a request that spent a rate budget (every POST behind authentication, queue status polls), what is left of each: `"commands-user";r=117;t=42` (r requests left, t seconds until the window ends); r=0 on the 429. Absent while the limits are skipped (Redis unreachable). */
    RateLimit: string;
    /** @description With RateLimit, the budgets the request spent: `"commands-user";q=120;w=60` (q requests per window of w seconds). */
    'RateLimit-Policy': string;
    /** @description `Origin` whenever CORS is on (CORS_ORIGINS), so that a cache never hands one origin's answer to another. */
    Vary: string;
    /** @description CORS: the request's Origin, echoed when it is one of CORS_ORIGINS (never `*`; no credentials). */
    'Access-Control-Allow-Origin': string;
    /** @description CORS: the response headers a page on an allowed origin may read. */
    'Access-Control-Expose-Headers': string;
  };
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  createConcert: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateConcertRequest'];
      };
    };
    responses: {
      /** @description Created; Location: its dates. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          Location: components['headers']['Location'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConcertCreated'];
        };
      };
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `idempotency-key-in-use`, `concurrent-update`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      503: components['responses']['Unavailable'];
      504: components['responses']['UpstreamTimeout'];
    };
  };
  addSchedule: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
      };
      path: {
        concertId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AddScheduleRequest'];
      };
    };
    responses: {
      /** @description Added; Location: its seat map. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          Location: components['headers']['Location'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ScheduleAdded'];
        };
      };
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `concert-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `idempotency-key-in-use`, `concurrent-update`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      503: components['responses']['Unavailable'];
      504: components['responses']['UpstreamTimeout'];
    };
  };
  listConcerts: {
    parameters: {
      query?: {
        /** @description Items per page. */
        limit?: number;
        /** @description The X-Next-Cursor of the previous page. */
        cursor?: string;
      };
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of concerts. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'X-Next-Cursor': components['headers']['X-Next-Cursor'];
          Link: components['headers']['Link'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Concert'][];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  listSchedules: {
    parameters: {
      query?: {
        all?: 'true' | 'false';
      };
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path: {
        concertId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Its dates. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Schedule'][];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      /** @description Problem: `concert-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  listSeats: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path: {
        scheduleId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Its seats. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Seat'][];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      /** @description Problem: `schedule-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  enterQueue: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['QueueEntryRequest'];
      };
    };
    responses: {
      /** @description The entry; while it is WAITING, Retry-After says when to poll its status. */
      202: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueueEntry'];
        };
      };
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      /** @description Problem: `concert-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `idempotency-key-in-use`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      503: components['responses']['Unavailable'];
    };
  };
  getQueueEntry: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
      };
      path: {
        entryId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The entry; while it is WAITING, Retry-After says when to poll again (half the estimated wait, 1 to 30 s). */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueueEntry'];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `entry-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      503: components['responses']['Unavailable'];
    };
  };
  leaveQueue: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
      };
      path: {
        entryId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The entry, now over. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueueEntry'];
        };
      };
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `entry-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `idempotency-key-in-use`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      503: components['responses']['Unavailable'];
    };
  };
  holdSeats: {
    parameters: {
      query?: never;
      header: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
        /** @description The `queueToken` of an ADMITTED waiting-room entry for the concert (401 `queue-token-required` / `queue-token-invalid`). */
        'Queue-Token': components['parameters']['QueueToken'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['HoldSeatsRequest'];
      };
    };
    responses: {
      /** @description Held. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          Location: components['headers']['Location'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReservationHeld'];
        };
      };
      400: components['responses']['ValidationFailed'];
      /** @description Problem: `unauthenticated`, `queue-token-required`, `queue-token-invalid`. */
      401: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `schedule-not-found`, `seat-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `idempotency-key-in-use`, `concurrent-update`, `seat-unavailable`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      503: components['responses']['Unavailable'];
      504: components['responses']['UpstreamTimeout'];
    };
  };
  cancelReservation: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
      };
      path: {
        reservationId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['CancelReservationRequest'];
      };
    };
    responses: {
      /** @description Cancelled. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReservationCancelled'];
        };
      };
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `reservation-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `idempotency-key-in-use`, `concurrent-update`, `reservation-not-held`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      503: components['responses']['Unavailable'];
      504: components['responses']['UpstreamTimeout'];
    };
  };
  getReservation: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path: {
        reservationId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The reservation. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Reservation'];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `reservation-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  listMyReservations: {
    parameters: {
      query?: {
        /** @description Items per page. */
        limit?: number;
        /** @description The X-Next-Cursor of the previous page. */
        cursor?: string;
      };
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of reservations. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'X-Next-Cursor': components['headers']['X-Next-Cursor'];
          Link: components['headers']['Link'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Reservation'][];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  chargeWallet: {
    parameters: {
      query?: never;
      header: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description Required here (400 `idempotency-key-required` without it): a unique value per operation, reused on retries (1-255 printable ASCII characters). */
        'Idempotency-Key': components['parameters']['IdempotencyKeyRequired'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ChargeWalletRequest'];
      };
    };
    responses: {
      /** @description The new balance; Location: the wallet. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          Location: components['headers']['Location'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WalletBalance'];
        };
      };
      /** @description Problem: `validation`, `idempotency-key-required`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      401: components['responses']['Unauthenticated'];
      /** @description Problem: `idempotency-key-in-use`, `concurrent-update`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      503: components['responses']['Unavailable'];
      504: components['responses']['UpstreamTimeout'];
    };
  };
  getMyWallet: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The balance. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WalletBalance'];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  pay: {
    parameters: {
      query?: never;
      header: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description Required here (400 `idempotency-key-required` without it): a unique value per operation, reused on retries (1-255 printable ASCII characters). */
        'Idempotency-Key': components['parameters']['IdempotencyKeyRequired'];
        /** @description The `queueToken` of an ADMITTED waiting-room entry for the concert (401 `queue-token-required` / `queue-token-invalid`). */
        'Queue-Token': components['parameters']['QueueToken'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PayRequest'];
      };
    };
    responses: {
      /** @description Paid. */
      201: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          Location: components['headers']['Location'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Payment'];
        };
      };
      /** @description Problem: `validation`, `idempotency-key-required`. */
      400: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `unauthenticated`, `queue-token-required`, `queue-token-invalid`. */
      401: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      403: components['responses']['Forbidden'];
      /** @description Problem: `reservation-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `idempotency-key-in-use`, `concurrent-update`, `reservation-not-held`, `reservation-expired`, `payment-in-progress`, `already-paid`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`, `insufficient-funds`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'X-Consistency-Token': components['headers']['X-Consistency-Token'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      503: components['responses']['Unavailable'];
      504: components['responses']['UpstreamTimeout'];
    };
  };
  getPayment: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path: {
        paymentId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The payment. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Payment'];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `payment-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  listMyNotifications: {
    parameters: {
      query?: {
        /** @description Items per page. */
        limit?: number;
        /** @description The X-Next-Cursor of the previous page. */
        cursor?: string;
      };
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of notifications. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'X-Next-Cursor': components['headers']['X-Next-Cursor'];
          Link: components['headers']['Link'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Notification'][];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  getConcertStats: {
    parameters: {
      query?: {
        from?: string;
        to?: string;
      };
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path: {
        concertId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Minutes and totals. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Stats'];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `concert-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  getScheduleStats: {
    parameters: {
      query?: {
        from?: string;
        to?: string;
      };
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
        /** @description A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write. */
        'X-Consistency-Token'?: components['parameters']['ConsistencyToken'];
      };
      path: {
        scheduleId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Minutes and totals. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Stats'];
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `schedule-not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      431: components['responses']['HeadersTooLarge'];
      502: components['responses']['BadGateway'];
      /** @description Problem: `unavailable`, `read-model-lagging`. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      504: components['responses']['UpstreamTimeout'];
    };
  };
  getConsoleSnapshot: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One snapshot. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            at: string;
          } & {
            [key: string]: unknown;
          };
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      431: components['responses']['HeadersTooLarge'];
      503: components['responses']['Unavailable'];
    };
  };
  retryParkedEvent: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`. */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What became of it. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            projection: string;
            /** @enum {string} */
            outcome: 'applied' | 'failed';
            error?: string;
          };
        };
      };
      400: components['responses']['ValidationFailed'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Problem: `not-found`. */
      404: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Problem: `idempotency-key-in-use`. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Retry-After': components['headers']['Retry-After'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      /** @description Problem: `idempotency-key-reused`. */
      422: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          RateLimit: components['headers']['RateLimit'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          'Idempotent-Replayed': components['headers']['Idempotent-Replayed'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      429: components['responses']['RateLimited'];
      431: components['responses']['HeadersTooLarge'];
      503: components['responses']['Unavailable'];
    };
  };
  mintDevToken: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['DevTokenRequest'];
      };
    };
    responses: {
      /** @description A token. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DevToken'];
        };
      };
      400: components['responses']['ValidationFailed'];
      413: components['responses']['PayloadTooLarge'];
      415: components['responses']['UnsupportedMediaType'];
      431: components['responses']['HeadersTooLarge'];
    };
  };
  getHealth: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description `{status: "ok"}`. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
      304: components['responses']['NotModified'];
      431: components['responses']['HeadersTooLarge'];
    };
  };
  getReadiness: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description `{status: "ready"}`. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
      304: components['responses']['NotModified'];
      431: components['responses']['HeadersTooLarge'];
      /** @description `{status: "unavailable"}`: a dependency does not answer. */
      503: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          'Cache-Control': components['headers']['Cache-Control'];
          'Retry-After': components['headers']['Retry-After'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
    };
  };
  getOpenApiDocument: {
    parameters: {
      query?: never;
      header?: {
        /** @description A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes. */
        'X-Request-Id'?: components['parameters']['RequestId'];
        /** @description The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`. */
        'If-None-Match'?: components['parameters']['IfNoneMatch'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The OpenAPI 3.1 document. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['X-Request-Id'];
          ETag: components['headers']['ETag'];
          Vary: components['headers']['Vary'];
          'Access-Control-Allow-Origin': components['headers']['Access-Control-Allow-Origin'];
          'Access-Control-Expose-Headers': components['headers']['Access-Control-Expose-Headers'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            openapi: string;
          } & {
            [key: string]: unknown;
          };
        };
      };
      304: components['responses']['NotModified'];
      400: components['responses']['ValidationFailed'];
      431: components['responses']['HeadersTooLarge'];
    };
  };
}
