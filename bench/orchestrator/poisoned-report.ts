import type { PoisonedWindows, PoisonReplies, Result } from '../generator/result.js';
import { num, table } from './markdown.js';
import type { Row } from './report.js';
import { POISON_RATE_SHARE, type WindowCpu } from './types.js';

/** The issue's limit: with the poisoner, the honest senders' throughput drops by at most this, %. */
export const MAX_HONEST_DROP_PERCENT = 10;

/**
 * How much the honest senders' acknowledged messages per second dropped with the poisoner, in %
 * of their figure without it (negative when it rose); undefined when either is missing or zero.
 */
export function honestDropPercent(windows: PoisonedWindows): number | undefined {
  const without = windows.honestOnly.acknowledgedPerSec;
  const withPoison = windows.withPoison.acknowledgedPerSec;
  if (!without || withPoison === undefined) return undefined;
  return (1 - withPoison / without) * 100;
}

/** "996 → 981 acknowledged msgs/s" */
export function throughputChange(windows: PoisonedWindows): string {
  const { honestOnly, withPoison } = windows;
  return `${num(honestOnly.acknowledgedPerSec)} → ${num(withPoison.acknowledgedPerSec)} acknowledged msgs/s`;
}

const errorReplies = (poison: PoisonReplies) =>
  Object.values(poison.errors).reduce((sum, n) => sum + n, 0);

/** "5,000 (`invalid_payload` 5,000)": the error replies with their reasons, most first. */
function errorCell(poison: PoisonReplies): string {
  const reasons = Object.entries(poison.errors)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `\`${reason}\` ${num(n)}`);
  return reasons.length === 0 ? '0' : `${num(errorReplies(poison))} (${reasons.join(', ')})`;
}

/** A latency in ms with one decimal (`—` when there were no samples). */
const ms = (value: number | null) => num(value ?? undefined, 1);

const cpuPercent = (cpuUs: number | undefined, cpu: WindowCpu | undefined) =>
  cpuUs === undefined || !cpu?.windowMs ? undefined : cpuUs / 10 / cpu.windowMs;

/** The section's body: both windows, the poisoner's replies, the drop, and how it is measured. */
export function poisonedSection(row: Row): string[] {
  const windows = row.poisoned;
  if (!windows) return ['The generator reported no poisoned-chat windows.'];
  const { poison } = windows;
  const windowRow = (label: string, w: Result, cpu: WindowCpu | undefined) => [
    label,
    num(w.sent),
    num(w.acknowledged),
    num(w.acknowledgedPerSec),
    num(w.unanswered ?? undefined),
    num(w.rejected),
    `${num(w.delivered)} / ${num(w.expected)}`,
    num(w.lost),
    num(w.latencyMs.n),
    ms(w.latencyMs.p50),
    ms(w.latencyMs.p95),
    ms(w.latencyMs.p99),
    ms(w.latencyMs.max),
    num(cpuPercent(cpu?.serverCpuUs, cpu), 0),
    num(cpuPercent(cpu?.dbCpuUs, cpu), 0),
    num(w.generatorCpuPercent, 0),
  ];
  const honest = table(
    [
      'run', 'honest sends', 'acknowledged', 'acknowledged msgs/s', 'unanswered', 'rejected',
      'delivered / expected', 'lost', 'n (latency samples)', 'p50 ms', 'p95 ms', 'p99 ms',
      'max ms', 'server CPU %',
      'PostgreSQL CPU %', 'generator CPU %',
    ], // prettier-ignore
    [
      windowRow('honest only', windows.honestOnly, row.windowCpu?.honestOnly),
      windowRow('honest + poisoner', windows.withPoison, row.windowCpu?.withPoison),
    ],
  );
  const poisoner = table(
    ['poisoner', 'pushes', 'answered ok', 'error replies', 'channel crashes (`phx_error`)', 'joins again refused', 'unanswered'], // prettier-ignore
    [
      [
        `${num(poison.rate)} msgs/s`,
        num(poison.sent),
        num(poison.ok),
        errorCell(poison),
        num(poison.channelCrashes),
        num(poison.rejoinsRefused),
        num(poison.unanswered),
      ],
    ],
  );
  const drop = honestDropPercent(windows);
  const met =
    drop === undefined ? 'not measured' : drop <= MAX_HONEST_DROP_PERCENT ? '✅ met' : '❌ missed';
  const p99 = `${ms(windows.honestOnly.latencyMs.p99)} → ${ms(windows.withPoison.latencyMs.p99)} ms`;
  return [
    honest,
    '',
    poisoner,
    '',
    `Honest throughput with the poisoner: ${throughputChange(windows)}, a drop of ${num(drop, 1)}% ` +
      `(target ≤ ${MAX_HONEST_DROP_PERCENT}%: ${met}); honest p99 ${p99}.`,
    '',
    "Both runs share one server and one set-up and follow each other: the chat phase's honest " +
      `senders at its rate (after the same warm-up), ${num(row.durationMs / 1000)} s alone, then ` +
      `${num(row.durationMs / 1000)} s beside one more user, the poisoner, who sends ` +
      '`send_message` with U+0000 at the end of every content (PostgreSQL text cannot hold it) ' +
      `and a fresh \`client_msg_id\`, paced at ${num(poison.rate)} msgs/s ` +
      `(${num(POISON_RATE_SHARE * 100)}% of the honest rate, \`POISON_RATE_SHARE\` in ` +
      '`bench/orchestrator/types.ts`), on one socket. It is alone in a conversation of its own: ' +
      "Nestling stores every conversation's sends through one batch queue (one batch in " +
      'flight, `src/messages/messages.service.ts`), so its sends meet the honest ones there ' +
      'while the honest members receive the same as without it. A channel handles its events ' +
      'one at a time, so at most one of its pushes is being handled at once; when the server ' +
      'crashes its channel (`phx_error`) it joins again at once, as a client would, and ' +
      'carries on. "Acknowledged msgs/s": honest sends answered ok ÷ (first send → last ok ' +
      "reply, at least the run's length); the drop is 1 − with ÷ without. Latency: from the " +
      "push to each member's `new_message`, as in the chat phase. CPU: % of one core over " +
      'each run, split where the generator reports the first run done.',
  ];
}

/** For a missed drop target: what the honest senders and the poisoner saw, and the CPU. */
export function poisonedCause(row: Row): string {
  const windows = row.poisoned;
  if (!windows) return '';
  const { withPoison: w, honestOnly: before, poison } = windows;
  const cpu = row.windowCpu;
  const pending = w.unanswered ? `, ${num(w.unanswered)} still unanswered when the run ended` : '';
  const rejected = w.rejected ? `, ${num(w.rejected)} refused` : '';
  const cpuText = cpu
    ? ` Nestling used ${num(cpuPercent(cpu.withPoison.serverCpuUs, cpu.withPoison), 0)}% of its ` +
      `core (${num(cpuPercent(cpu.honestOnly.serverCpuUs, cpu.honestOnly), 0)}% without the ` +
      `poisoner) and PostgreSQL ${num(cpuPercent(cpu.withPoison.dbCpuUs, cpu.withPoison), 0)}% ` +
      `(${num(cpuPercent(cpu.honestOnly.dbCpuUs, cpu.honestOnly), 0)}%).`
    : '';
  const crashes = poison.channelCrashes
    ? ` Its channel crashed ${num(poison.channelCrashes)} times (\`phx_error\`): its sends failed ` +
      'inside the server instead of being refused on arrival.'
    : '';
  const accepted = poison.ok
    ? ` ${num(poison.ok)} were answered ok: the server accepted messages it cannot store.`
    : '';
  return (
    ` With the poisoner ${num(w.acknowledged)} of the ${num(w.sent)} honest sends were ` +
    `acknowledged${pending}${rejected}; p99 ${ms(before.latencyMs.p99)} → ` +
    `${ms(w.latencyMs.p99)} ms. The poisoner's ${num(poison.sent)} pushes: ${num(poison.ok)} ` +
    `answered ok, error replies ${errorCell(poison)}, ${num(poison.unanswered)} unanswered.` +
    `${crashes}${accepted}${cpuText}`
  );
}
