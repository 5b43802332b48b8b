import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './api-types.js';

/**
 * A typed client of the public API (openapi-fetch over the generated `paths`): every path,
 * parameter (Queue-Token, Idempotency-Key, X-Consistency-Token included), body and answer is
 * typed from the OpenAPI document. `npm run openapi:client` regenerates the types.
 */
export type ApiClient = Client<paths>;

export function createApiClient(options: ClientOptions): ApiClient {
  return createClient<paths>(options);
}

type Method = 'get' | 'post';
type OperationOf<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type ResponsesOf<P extends keyof paths, M extends Method> =
  OperationOf<P, M> extends { responses: infer R } ? R : never;
/** The named keys of a type, without its index signature (`[name: string]: unknown`). */
type NamedKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };

/** The response headers the document declares for one status of an operation. */
export type DocumentedHeader<P extends keyof paths, M extends Method, S extends keyof ResponsesOf<P, M>> = ResponsesOf<
  P,
  M
>[S] extends { headers: infer H }
  ? NamedKeys<H> & string
  : never;

/**
 * A response header the document declares for this operation and status, read from the
 * answer; a header the document does not name for it is a compile error. Throws when the
 * answer has another status (its headers would be those of another response).
 */
export function documentedHeader<P extends keyof paths, M extends Method, S extends keyof ResponsesOf<P, M> & number>(
  response: Response,
  operation: { path: P; method: M; status: S },
  name: DocumentedHeader<P, M, S>,
): string | undefined {
  if (response.status !== operation.status) {
    throw new Error(
      `${operation.method.toUpperCase()} ${String(operation.path)} answered ${response.status}, not ${operation.status}`,
    );
  }
  return response.headers.get(name) ?? undefined;
}
