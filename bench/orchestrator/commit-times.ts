import { num } from './markdown.js';

/** Nestling's `nestling_chat_send_batch_seconds` histogram (GET /metrics). */
export const COMMIT_HISTOGRAM = 'nestling_chat_send_batch_seconds';

/** A Prometheus histogram as scraped: cumulative counts per upper bound (seconds). */
export interface Histogram {
  bounds: number[];
  cumulative: number[];
  count: number;
  sum: number;
}

/** The chat's send batches in a measured window: how long each took to commit. */
export interface CommitTimes {
  batches: number;
  meanMs: number;
  /** Upper bounds of the buckets the quantiles fall in (ms); Infinity past the last bound. */
  p50LeMs: number;
  p99LeMs: number;
  maxLeMs: number;
}

/** The histogram `name` from a Prometheus text exposition (unlabelled series only). */
export function parseHistogram(text: string, name: string): Histogram | undefined {
  const buckets: Array<[number, number]> = [];
  let count: number | undefined;
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`).exec(line);
    if (bucket) {
      buckets.push([bucket[1] === '+Inf' ? Infinity : Number(bucket[1]), Number(bucket[2])]);
    } else if (line.startsWith(`${name}_count `)) count = Number(line.split(' ')[1]);
    else if (line.startsWith(`${name}_sum `)) sum = Number(line.split(' ')[1]);
  }
  if (buckets.length === 0 || count === undefined || sum === undefined) return undefined;
  buckets.sort((a, b) => a[0] - b[0]);
  return { bounds: buckets.map((b) => b[0]), cumulative: buckets.map((b) => b[1]), count, sum };
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map((c, i) => c - (before.cumulative[i] ?? 0)),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** The upper bound (seconds) of the bucket the q-quantile falls in. */
export function quantileBound(h: Histogram, q: number): number {
  const rank = Math.ceil(q * h.count);
  const at = h.cumulative.findIndex((c) => c >= rank);
  return at < 0 ? Infinity : h.bounds[at];
}

export function commitTimes(h: Histogram): CommitTimes | undefined {
  if (h.count <= 0) return undefined;
  const ms = (s: number) => s * 1000;
  return {
    batches: h.count,
    meanMs: ms(h.sum / h.count),
    p50LeMs: ms(quantileBound(h, 0.5)),
    p99LeMs: ms(quantileBound(h, 0.99)),
    maxLeMs: ms(quantileBound(h, 1)),
  };
}

/** Scrapes Nestling's /metrics (open outside production when METRICS_TOKEN is unset). */
export async function scrapeCommitHistogram(url: string): Promise<Histogram | undefined> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return parseHistogram(await response.text(), COMMIT_HISTOGRAM);
}

/** One sentence for the report: the window's send batches and their commit times. */
export function commitTimesSentence(times: CommitTimes | undefined): string {
  if (times === undefined) return '';
  const le = (v: number) => (Number.isFinite(v) ? `≤ ${num(v, 1)} ms` : `> 2,500 ms`);
  return (
    ` Send batches committed in the window (\`${COMMIT_HISTOGRAM}\`): ${num(times.batches)}, ` +
    `mean ${num(times.meanMs, 2)} ms; p50 ${le(times.p50LeMs)}, p99 ${le(times.p99LeMs)}, ` +
    `slowest ${le(times.maxLeMs)} (bucket bounds): every message waits for its batch's commit, ` +
    'so a slow WAL flush delays all the messages of its batch and of the batches queued behind it.'
  );
}
