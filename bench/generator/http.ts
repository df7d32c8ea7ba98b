import { withRetry } from './concurrency.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * POSTs JSON and returns the parsed answer. Network errors, timeouts and 5xx are retried; any
 * other status outside `okStatuses` throws an HttpError.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  okStatuses: readonly number[],
  timeoutMs = 30_000,
): Promise<unknown> {
  return withRetry(
    async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!okStatuses.includes(response.status)) throw new HttpError(response.status, text);
      return JSON.parse(text) as unknown;
    },
    { retryIf: (error) => !(error instanceof HttpError) || error.status >= 500 },
  );
}
