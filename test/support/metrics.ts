import request from 'supertest';
import { sleep } from './phoenix-client.js';

/** GET /metrics (200 expected): the Prometheus text. */
export async function scrape(baseUrl: string, token?: string): Promise<string> {
  const req = request(baseUrl).get('/metrics');
  if (token !== undefined) void req.set('authorization', `Bearer ${token}`);
  const res = await req.expect(200);
  return res.text;
}

/**
 * The value of one series, matched on its whole line: `series` is the metric name with its
 * labels as prom-client writes them (`nestling_connections{transport="websocket"}`); undefined
 * when there is no such line.
 */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Scrapes until `check` holds for the text (counters are read as they are: no fixed wait). */
export async function scrapeUntil(
  baseUrl: string,
  check: (text: string) => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await scrape(baseUrl);
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} in:\n${text}`);
    await sleep(20);
  }
}
