/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { path?: string; message?: string }[];
  seatIds?: string[];
}

/** A non-2xx answer, with its problem+json body put in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problemInWords(status, problem));
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One call of the public API through the gateway (same origin). */
export async function api<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    throw new ApiError(0, {
      title: 'Network error',
      detail: `the gateway did not answer (${(error as Error).message}); try again`,
    });
  }
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, (body ?? {}) as Problem);
  return { status: response.status, body: body as T, headers: response.headers };
}

/** "Seat unavailable (409): seats A-1, A-2 are taken" style text for a person. */
export function problemInWords(status: number, problem: Problem): string {
  const title = problem.title ?? (status === 0 ? 'Network error' : `HTTP ${status}`);
  const parts = [status > 0 ? `${title} (${status}${problem.code ? `, ${problem.code}` : ''})` : title];
  if (problem.detail) parts.push(problem.detail);
  if (problem.seatIds?.length) parts.push(`seats: ${problem.seatIds.join(', ')}`);
  for (const error of problem.errors ?? []) parts.push(`${error.path ?? 'field'}: ${error.message ?? 'invalid'}`);
  return parts.join(' — ');
}

/** A random UUID, also on plain-HTTP origins where crypto.randomUUID is missing. */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** POST /auth/token: the development login (404 when AUTH_DEV_LOGIN is off). */
export async function devLogin(userId: string, roles: string[] = []): Promise<string> {
  const answer = await api<{ accessToken: string }>('POST', '/auth/token', { body: { userId, roles } });
  return answer.body.accessToken;
}
