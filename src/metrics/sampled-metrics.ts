import { Counter, Gauge, type Registry } from 'prom-client';

/** One sample: its labels and value. */
export type Sample<L extends string> = [labels: Partial<Record<L, string>>, value: number];

interface SampledOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** The samples at scrape time (every labelled series the metric has now). */
  samples(): Iterable<Sample<L>>;
  registry: Registry;
}

/**
 * A counter whose values are totals kept elsewhere (plain numbers counted where things
 * happen), read at scrape time: prom-client's `collect` sets each series to its total.
 */
export function sampledCounter<L extends string>(options: SampledOptions<L>): Counter<L> {
  const counter: Counter<L> = new Counter<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [options.registry],
    collect() {
      counter.reset();
      for (const [labels, value] of options.samples()) counter.inc(labels, value);
    },
  });
  return counter;
}

/** A gauge read at scrape time. */
export function sampledGauge<L extends string>(options: SampledOptions<L>): Gauge<L> {
  const gauge: Gauge<L> = new Gauge<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [options.registry],
    collect() {
      gauge.reset();
      for (const [labels, value] of options.samples()) gauge.set(labels, value);
    },
  });
  return gauge;
}
