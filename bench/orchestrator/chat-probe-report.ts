import { num, table } from './markdown.js';
import type { Row } from './report.js';
import { highestPassingRate } from './targets.js';
import { CHAT_PROBE } from './types.js';

/** The generator's CPU from which it may be what limits a step, % of its core. */
export const GENERATOR_BOTTLENECK_PERCENT = 90;

/** Steps whose generator used GENERATOR_BOTTLENECK_PERCENT or more of its core. */
export function generatorBoundSteps(row: Row): number[] {
  return (row.probe ?? [])
    .filter((s) => s.result.generatorCpuPercent >= GENERATOR_BOTTLENECK_PERCENT)
    .map((s) => s.rate);
}

/** The chat probe's method, every step tried, and what limited it. */
export function chatProbeSection(row: Row): string[] {
  const steps = row.probe ?? [];
  const stepMs = steps[0]?.result.durationMs;
  const method =
    `The chat's set-up (${num(row.sockets / 5)} conversations × 5 members, every message ` +
    'committed before it is broadcast), warmed up at the first rate, then steps of increasing ' +
    `total rate, ${stepMs ? `${num(stepMs / 1000, 1)} s` : 'a few seconds'} each on the same ` +
    'sockets (each followed by up to 2 s for what is still due), stopping after the first step ' +
    `that fails. A step passes when its p99 is at most ${CHAT_PROBE.maxP99Ms} ms and no message is ` +
    'lost, rejected or left unanswered. "Achieved" is the messages acknowledged per second; CPU ' +
    "is % of one core over the step (the generator's own figure over its sends and grace).";
  const body = steps.map((s) => {
    const r = s.result;
    return [
      num(s.rate),
      num(r.acknowledgedPerSec),
      num(r.deliveredPerSec),
      num(r.latencyMs.p50 ?? undefined, 1),
      num(r.latencyMs.p99 ?? undefined, 1),
      num(r.latencyMs.n),
      num(r.sent),
      num(r.lost),
      num(r.rejected),
      num(r.unanswered ?? undefined),
      num(s.cpu?.serverCpuPercent, 0),
      num(s.cpu?.dbCpuPercent, 0),
      num(r.generatorCpuPercent, 0),
      s.passed ? 'pass' : `fail: ${s.failures.join(', ')}`,
    ];
  });
  const best = highestPassingRate(row);
  const out = [
    method,
    '',
    table(
      [
        'msgs/s asked', 'achieved msgs/s', 'delivered/s', 'p50 ms', 'p99 ms', 'n', 'sent', 'lost',
        'rejected', 'unanswered', 'server CPU %', 'PostgreSQL CPU %', 'generator CPU %', 'step',
      ], // prettier-ignore
      body,
    ),
    '',
    `Highest passing rate: ${best ? `${num(best)} msgs/s` : 'none'}.`,
  ];
  const bound = generatorBoundSteps(row);
  if (bound.length > 0) {
    out.push(
      '',
      `The generator used ${GENERATOR_BOTTLENECK_PERCENT}% or more of its core at ` +
        `${bound.map((r) => num(r)).join(', ')} msgs/s, so it may be the bottleneck there (it ` +
        "shares its core with Nestling's PostgreSQL when that is pinned with it).",
    );
  }
  return out;
}
