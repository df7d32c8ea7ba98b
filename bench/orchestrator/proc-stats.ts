import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** The fields of `/proc/<pid>/stat` the benchmark needs (times in clock ticks). */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may itself contain
 * spaces and parentheses, so the fields are counted from the last `)`.
 */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`unexpected /proc stat line: ${text.slice(0, 80)}`);
  // After ")": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8) flags(9) minflt(10)
  // cminflt(11) majflt(12) cmajflt(13) utime(14) stime(15) cutime(16) cstime(17) ...
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    pgrp: field(5),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

export interface ProcMemory {
  /** Resident set size now, in kB. */
  rssKb: number;
  /** Peak resident set size over the process's life ("high water mark"), in kB. */
  hwmKb: number;
}

/** Parses `VmRSS` and `VmHWM` (kB) out of `/proc/<pid>/status`. */
export function parseStatus(text: string): ProcMemory {
  const kb = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    if (!match) throw new Error(`/proc status has no ${name} line`);
    return Number(match[1]);
  };
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK` (the unit of utime/stime), normally 100; 100 when getconf is missing. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function ticksToUs(ticks: number): number {
  return (ticks * 1_000_000) / clockTicksPerSecond();
}

export function readStat(pid: number): ProcStat {
  return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

export interface CpuUs {
  userUs: number;
  systemUs: number;
}

/** CPU time (all threads) the process has used so far, user and system, in µs. */
export function readCpu(pid: number): CpuUs {
  const stat = readStat(pid);
  return { userUs: ticksToUs(stat.utime), systemUs: ticksToUs(stat.stime) };
}

/** CPU time (user + system, all threads) the process has used so far, in µs. */
export function readCpuUs(pid: number): number {
  const cpu = readCpu(pid);
  return cpu.userUs + cpu.systemUs;
}

export function readMemory(pid: number): ProcMemory {
  return parseStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Machine-wide CPU time from the `cpu` line of `/proc/stat`, in µs. */
export interface SystemCpu {
  /** user + nice + system + irq + softirq + steal (all CPUs). */
  busyUs: number;
  softirqUs: number;
  stealUs: number;
}

/** Parses the aggregate `cpu` line of `/proc/stat` (user nice system idle iowait irq softirq steal …). */
export function parseProcStat(text: string): SystemCpu {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const ticks = (n: number | undefined) => ticksToUs(n ?? 0);
  return {
    busyUs: ticks(user + nice + system + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)),
    softirqUs: ticks(softirq),
    stealUs: ticks(steal),
  };
}

export function readSystemCpu(): SystemCpu {
  return parseProcStat(fs.readFileSync('/proc/stat', 'utf8'));
}

/** Every live process whose parent chain leads to `pid` (not `pid` itself). */
export function descendants(pid: number): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.push(readStat(Number(entry)));
    } catch {
      // The process ended while we listed /proc.
    }
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const found: ProcStat[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/**
 * CPU used by the descendants of `pid` (for Nestling: the embedded PostgreSQL), in µs: each live
 * descendant's own time plus what its already reaped children used.
 */
export function readDescendantsCpuUs(pid: number): number {
  const ticks = descendants(pid).reduce(
    (sum, s) => sum + s.utime + s.stime + s.cutime + s.cstime,
    0,
  );
  return ticksToUs(ticks);
}

/** The executable of a process (`/proc/<pid>/exe`), or undefined when it cannot be read. */
export function readExe(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS at a fixed interval and keeps the peak. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = 0;
  private count = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops sampling (after one last sample); the peak RSS seen, in kB. */
  stop(): { peakKb: number; samples: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return { peakKb: this.peak, samples: this.count };
  }

  private sample() {
    try {
      this.peak = Math.max(this.peak, readMemory(this.pid).rssKb);
      this.count += 1;
    } catch {
      // The process is gone; keep what was seen.
    }
  }
}

/** The minimum RSS (kB) over `count` samples `gapMs` apart: the least noisy "settled" figure. */
export async function settledRssKb(pid: number, count: number, gapMs: number): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    min = Math.min(min, readMemory(pid).rssKb);
  }
  return min;
}
