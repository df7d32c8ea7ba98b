import { log } from '../concurrency.js';
import type { Options } from '../options.js';
import { emit } from '../output.js';
import { buildResult, type ProbeStep, type Result } from '../result.js';
import { ChatTraffic, emitReady } from './chat.js';

/**
 * Why a probe step fails (none: it passes): anything lost, rejected or left unanswered, a
 * disconnect, no latency sample, or a p99 over `maxP99Ms`.
 */
export function stepFailures(result: Result, maxP99Ms: number): string[] {
  const failures: string[] = [];
  if (result.lost > 0) failures.push(`${result.lost} deliveries lost`);
  if (result.rejected > 0) failures.push(`${result.rejected} sends rejected`);
  if ((result.unanswered ?? 0) > 0) failures.push(`${result.unanswered} sends unanswered`);
  if (result.disconnects > 0) failures.push(`${result.disconnects} sockets disconnected`);
  const p99 = result.latencyMs.p99;
  if (p99 === null) failures.push('no delivery measured');
  else if (p99 > maxP99Ms) failures.push(`p99 ${p99} ms > ${maxP99Ms} ms`);
  return failures;
}

/**
 * Chat throughput probe: the chat set-up and warm-up (at the first step's rate), then each of
 * `steps` (total msgs/s) for `stepMs` on the same members, with `{"stepStart":i,"rate":r}` before
 * and `{"stepDone":i,…}` after each, stopping after the first step that fails (stepFailures).
 * The result is the last step's, with every step in `probe`.
 */
export async function runChatProbe(options: Options): Promise<Result> {
  const setupStart = performance.now();
  const chat = await ChatTraffic.open(options);
  await chat.warmUp({ ...options, rate: options.steps[0] });
  const setupMs = performance.now() - setupStart;
  emitReady(options, chat.members.length, setupMs);
  const steps: ProbeStep[] = [];
  try {
    for (const [index, rate] of options.steps.entries()) {
      const stepOptions = { ...options, rate, durationMs: options.stepMs };
      emit({ stepStart: index, rate });
      const window = await chat.measure(stepOptions);
      const result = buildResult(stepOptions, { ...window, setupMs });
      const failures = stepFailures(result, options.maxP99Ms);
      steps.push({ rate, passed: failures.length === 0, failures, result });
      emit({ stepDone: index, rate, passed: failures.length === 0 });
      log(
        `probe step ${rate}/s: ${result.acknowledgedPerSec ?? 0}/s acknowledged, p99 ` +
          `${result.latencyMs.p99} ms${failures.length ? `; failed: ${failures.join(', ')}` : ''}`,
      );
      if (failures.length > 0) break;
    }
  } finally {
    chat.close();
  }
  return { ...steps[steps.length - 1].result, probe: steps };
}
