/**
 * The benchmark orchestrator: `npm run bench` (= `npm run build && tsx bench/run.ts`).
 *
 *   --quick                          a smoke run of a few seconds per phase, fewer sockets
 *   --only nestling,ws,socketio,uws  targets (default: all; uws is uWebSockets.js, skipped with
 *                                    the reason in the report when its binary does not load)
 *   --workloads fanout,crossnode,saturation,storm,idle,chat,chatprobe,poisoned   (default: all;
 *                                    crossnode: the fan-out with its publisher on another Nestling
 *                                    node, on a redis-server of its own; storm: the join storm,
 *                                    Nestling's curve and the peers; idle: every server, Nestling
 *                                    with and without presence; chatprobe: the chat at increasing
 *                                    rates; poisoned: the chat's senders without, then with one
 *                                    user sending U+0000)
 *   --presence-share <0..1>          storm: share of Nestling's sockets asking for presence
 *                                    (default 0.1)
 *   --no-profile                     skip the profiled Nestling fan-out
 *   --budget-s <s>                   wall-time budget of this script (default 1200 full, 420
 *                                    quick, see DEFAULT_BUDGET_S): setup timeouts are cut, and
 *                                    Nestling's idle sockets, so that the phases fit in it
 *   --db-cpus 0|1|0,1                CPUs of Nestling's embedded PostgreSQL when pinning
 *                                    (default 1: with the generator)
 *   --out <file>                     where the Markdown report goes (default: docs/benchmarks.md
 *                                    for a full run of everything, else bench/results/)
 *
 * The same options as environment variables: BENCH_QUICK=1, BENCH_ONLY, BENCH_WORKLOADS,
 * BENCH_PRESENCE_SHARE, BENCH_NO_PROFILE=1, BENCH_BUDGET_S, BENCH_DB_CPUS, BENCH_OUT.
 *
 * The peers run compiled (`dist/bench/peers`, `npm run build:bench`); this script compiles them
 * first when they are missing or older than their sources.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import {
  DEFAULT_BUDGET_S,
  estimateMs,
  fitToBudget,
  planPhases,
  runPhase,
  scaleIdleToBudget,
  usesPlayersFile,
} from './orchestrator/phases.js';
import { installCleanup, tasksetAvailable } from './orchestrator/processes.js';
import { aggregateProfile, loadProfile, type ProfileSummary } from './orchestrator/profile.js';
import { num } from './orchestrator/markdown.js';
import { honestDropPercent, throughputChange } from './orchestrator/poisoned-report.js';
import { type Machine, renderReport, toRow } from './orchestrator/report.js';
import { checkTargets } from './orchestrator/targets.js';
import {
  type PhaseOutcome,
  STORM,
  TARGETS,
  type Target,
  type Workload,
  WORKLOADS,
} from './orchestrator/types.js';
import { ensurePeersBuilt, uwsUnavailable } from './orchestrator/peer-build.js';
import { stormSeconds } from './orchestrator/report.js';
import { highestPassingRate } from './orchestrator/targets.js';

const RESULTS_DIR = 'bench/results';

function list<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T[] {
  if (raw === undefined || raw.trim() === '') return [...allowed];
  const values = raw.split(',').map((v) => v.trim()).filter(Boolean); // prettier-ignore
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new Error(`--${name}: unknown ${JSON.stringify(value)} (one of ${allowed.join(', ')})`);
    }
  }
  return allowed.filter((a) => values.includes(a));
}

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      workloads: { type: 'string' },
      'no-profile': { type: 'boolean' },
      out: { type: 'string' },
      'budget-s': { type: 'string' },
      'db-cpus': { type: 'string' },
      'presence-share': { type: 'string' },
    },
  });
  const env = process.env;
  const quick = values.quick ?? env.BENCH_QUICK === '1';
  const targets = list<Target>('only', values.only ?? env.BENCH_ONLY, TARGETS);
  const workloads = list<Workload>('workloads', values.workloads ?? env.BENCH_WORKLOADS, WORKLOADS);
  const profile = !(values['no-profile'] ?? env.BENCH_NO_PROFILE === '1');
  const everything = targets.length === TARGETS.length && workloads.length === WORKLOADS.length;
  const out =
    values.out ??
    env.BENCH_OUT ??
    (everything && !quick
      ? 'docs/benchmarks.md'
      : path.join(RESULTS_DIR, `benchmarks-${quick ? 'quick' : 'partial'}.md`));
  const budgetS = Number(
    values['budget-s'] ?? env.BENCH_BUDGET_S ?? DEFAULT_BUDGET_S[quick ? 'quick' : 'full'],
  );
  if (!(budgetS > 0)) throw new Error('--budget-s must be a positive number of seconds');
  const dbCpus = values['db-cpus'] ?? env.BENCH_DB_CPUS ?? '1';
  if (!/^\d+(,\d+)*$/.test(dbCpus))
    throw new Error('--db-cpus must be a CPU list such as 0, 1 or 0,1');
  const presenceShare = Number(
    values['presence-share'] ?? env.BENCH_PRESENCE_SHARE ?? STORM.presenceShare,
  );
  if (!(presenceShare >= 0 && presenceShare <= 1))
    throw new Error('--presence-share must be a number from 0 to 1');
  return { quick, targets, workloads, profile, out, budgetS, dbCpus, presenceShare };
}

function machine(pinned: boolean, dbCpus: string): Machine {
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    date: new Date().toISOString(),
    uname: run('uname', ['-a']) ?? `${os.type()} ${os.release()} ${os.arch()}`,
    nproc: Number(run('nproc', []) ?? os.availableParallelism()),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    pinned,
    dbCpus,
  };
}

/** The report as `prettier --write` would leave it, so `npm run format:check` stays green. */
async function formatted(file: string, markdown: string): Promise<string> {
  try {
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(markdown, { ...options, filepath: file });
  } catch (error) {
    log(`prettier failed on the report, written unformatted: ${String(error)}`);
    return markdown;
  }
}

function log(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

function describe(outcome: PhaseOutcome): string {
  if (!outcome.ok) return `FAILED: ${outcome.error?.split('\n')[0].slice(0, 300) ?? ''}`;
  const row = toRow(outcome);
  if (outcome.spec.workload === 'storm' && row.storm) {
    const s = row.storm;
    return (
      `${num(s.joined)}/${num(s.sockets)} joined in ${num(stormSeconds(row), 2)} s, ${num(s.failed)} failed, ` +
      `${num(s.retries)} retries; server CPU ${num(row.stormCpuS, 2)} s, peak RSS ${num(row.stormPeakRssMb, 1)} MB`
    );
  }
  if (outcome.spec.workload === 'chatprobe' && row.probe) {
    const steps = row.probe.map(
      (s) =>
        `${num(s.rate)}: p99 ${num(s.result.latencyMs.p99 ?? undefined, 1)} ms ${s.passed ? 'pass' : 'FAIL'}`,
    );
    return `highest passing ${num(highestPassingRate(row))} msgs/s (${steps.join('; ')})`;
  }
  if (outcome.spec.workload === 'idle') {
    const afterGc = row.gcError ? 'not measured' : `${num(row.kbPerIdleSocketAfterGc, 1)} KB`;
    return `${num(row.joined)} sockets, ${afterGc}/socket after GC, ${num(row.kbPerIdleSocket, 1)} KB settled`;
  }
  if (outcome.spec.workload === 'poisoned' && row.poisoned) {
    const { poison } = row.poisoned;
    return (
      `honest ${throughputChange(row.poisoned)} (drop ${num(honestDropPercent(row.poisoned), 1)}%); ` +
      `poisoner: ${num(poison.sent)} pushes, ${num(poison.ok)} ok, ` +
      `${JSON.stringify(poison.errors)} errors, ${num(poison.channelCrashes)} channel crashes, ` +
      `${num(poison.unanswered)} unanswered`
    );
  }
  return (
    `${num(row.deliveredPerSec)} deliveries/s, lost ${num(row.lost)}, p50 ${num(row.p50, 1)} / p99 ` +
    `${num(row.p99, 1)} ms, ${num(row.cpuUsPerDelivery, 2)} µs CPU/delivery, generator ${num(row.generatorCpuPercent)}%`
  );
}

async function main() {
  const opts = options();
  const started = performance.now();
  const pinned = tasksetAvailable();
  if (!pinned) log('taskset unavailable (or < 2 CPUs): running unpinned');
  if (opts.targets.includes('nestling') && !fs.existsSync('dist/src/main.js')) {
    throw new Error('dist/src/main.js is missing: run `npm run build` (npm run bench does)');
  }
  if (!fs.existsSync('bench/generator/main.ts'))
    throw new Error('bench/generator/main.ts is missing');
  if (opts.targets.some((t) => t !== 'nestling')) ensurePeersBuilt(log);
  const unavailable: Partial<Record<Target, string>> = {};
  if (opts.targets.includes('uws')) {
    const why = uwsUnavailable();
    if (why !== undefined) {
      unavailable.uws = why;
      log(`uWebSockets.js unavailable, its phases are skipped: ${why}`);
    }
  }

  const phases = planPhases({
    quick: opts.quick,
    targets: opts.targets.filter((t) => unavailable[t] === undefined),
    workloads: opts.workloads,
    profile: opts.profile,
    presenceShare: opts.presenceShare,
  });
  // Nestling's storm and idle phases share one database: the players are created once.
  const players = Math.max(0, ...phases.filter(usesPlayersFile).map((p) => p.sockets));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-bench-'));
  fs.chmodSync(dataDir, 0o755);
  installCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = path.resolve(RESULTS_DIR, 'profiles');
  if (phases.some((p) => p.profile) && fs.existsSync(profileDir)) {
    // Profiles are large and only the newest is reported: drop the previous runs'.
    for (const file of fs.readdirSync(profileDir)) {
      if (/^nestling-fanout-\d+\.cpuprofile$/.test(file)) fs.rmSync(path.join(profileDir, file));
    }
  }
  const outcomes: PhaseOutcome[] = [];
  try {
    const deadline = started + opts.budgetS * 1000;
    for (const [index, planned] of phases.entries()) {
      const later = phases.slice(index + 1).reduce((sum, p) => sum + estimateMs(p), 0);
      const available = deadline - performance.now() - later;
      const reference = outcomes.find((o) => o.ok && o.spec.id === 'nestling/fanout');
      const scaled = scaleIdleToBudget(
        planned,
        reference && { sockets: reference.spec.sockets, setupMs: reference.timings.setupMs ?? 0 },
        available,
      );
      const spec = scaled === planned ? fitToBudget(planned, available, 0) : scaled;
      const cut =
        spec.plannedSockets !== undefined
          ? ` (cut from ${num(spec.plannedSockets)} sockets: Nestling's joins would not finish within the budget)`
          : spec === planned
            ? ''
            : ` (setup timeout cut to ${num(spec.readyTimeoutMs / 1000)} s by the budget)`;
      log(
        `${index + 1}/${phases.length} ${spec.id}: ${spec.sockets} sockets, rate ${spec.rate}, ${spec.durationMs} ms${cut}`,
      );
      // `nest build` empties dist/ (deleteOutDir): compile the peers again if that happened.
      if (spec.target !== 'nestling') ensurePeersBuilt(log);
      const outcome = await runPhase(spec, {
        pin: pinned,
        dataDir,
        profileDir,
        log,
        dbCpus: opts.dbCpus,
        players: { file: path.join(dataDir, 'bench-players.json'), count: players },
      });
      outcomes.push(outcome);
      log(`  ${describe(outcome)} (${num(outcome.timings.totalMs / 1000, 1)} s)`);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const measured = outcomes.filter((o) => !o.spec.profile);
  const rows = measured.map(toRow);
  const checks = checkTargets(rows);
  const profiled = outcomes.find((o) => o.spec.profile);
  let profile: { summary: ProfileSummary; caption: string } | undefined;
  let profileNote: string | undefined;
  if (profiled?.ok && profiled.profilePath) {
    const summary = aggregateProfile(loadProfile(profiled.profilePath), {
      window: profiled.profileWindowUs,
    });
    const s = profiled.spec;
    const caption =
      `A separate Nestling fan-out under \`--cpu-prof\` (${num(s.sockets)} sockets × ${num(s.rate)} msgs/s, ` +
      `${num(s.durationMs / 1000)} s; \`${path.relative(process.cwd(), profiled.profilePath)}\`), only the samples ` +
      "between the generator's `ready` and its result.";
    profile = { summary, caption };
  } else if (profiled) {
    profileNote = `The profiled fan-out failed: ${profiled.error ?? 'no profile'}`;
  }

  const totalSeconds = (performance.now() - started) / 1000;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const rawFile = path.join(RESULTS_DIR, `bench-${stamp}.json`);
  const info = machine(pinned, opts.dbCpus);
  const raw = {
    machine: info,
    mode: opts.quick ? 'quick' : 'full',
    options: opts,
    totalSeconds,
    phases: outcomes,
    rows,
    checks,
    profile,
    unavailable,
  };
  fs.writeFileSync(rawFile, `${JSON.stringify(raw, null, 2)}\n`);
  fs.copyFileSync(rawFile, path.join(RESULTS_DIR, 'latest.json'));
  const markdown = renderReport({
    machine: info,
    mode: opts.quick ? 'quick' : 'full',
    rows,
    checks,
    profile,
    profileNote,
    phases: outcomes,
    totalSeconds,
    rawFile,
    unavailable,
  });
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, await formatted(opts.out, markdown));

  log(`done in ${num(totalSeconds)} s; report: ${opts.out}; raw: ${rawFile}`);
  for (const c of checks)
    log(`  ${c.status.padEnd(12)} ${c.description}: ${c.measured} (${c.margin})`);
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    log(`${failed.length} phase(s) failed: ${failed.map((f) => f.spec.id).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  log(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
