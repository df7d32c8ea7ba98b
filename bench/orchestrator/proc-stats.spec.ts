import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import {
  clockTicksPerSecond,
  descendants,
  parseProcStat,
  parseStat,
  parseStatus,
  readCpu,
  readCpuUs,
  readMemory,
  readStat,
  readSystemCpu,
  RssSampler,
  settledRssKb,
} from './proc-stats.js';

describe('/proc parsing', () => {
  it('counts stat fields from the last ")" so odd command names do not shift them', () => {
    const fields = Array.from({ length: 40 }, (_, i) => String(i + 3)); // field n holds n
    const stat = parseStat(`4242 (we (ird) name) ${['S', ...fields.slice(1)].join(' ')}`);
    expect(stat).toMatchObject({ pid: 4242, comm: 'we (ird) name', state: 'S', ppid: 4, pgrp: 5 });
    expect([stat.utime, stat.stime, stat.cutime, stat.cstime]).toEqual([14, 15, 16, 17]);
  });

  it('reads VmRSS and VmHWM from status', () => {
    const text = 'Name:\tnode\nVmPeak:\t  999 kB\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n';
    expect(parseStatus(text)).toEqual({ rssKb: 1024, hwmKb: 2048 });
    expect(() => parseStatus('Name:\tx\n')).toThrow(/VmRSS/);
  });

  it('reads the machine-wide CPU line of /proc/stat', () => {
    const hz = clockTicksPerSecond();
    const text = 'cpu  100 1 50 9999 7 2 30 4 0 0\ncpu0 50 0 25 5000 3 1 15 2 0 0\n';
    expect(parseProcStat(text)).toEqual({
      busyUs: ((100 + 1 + 50 + 2 + 30 + 4) * 1e6) / hz,
      softirqUs: (30 * 1e6) / hz,
      stealUs: (4 * 1e6) / hz,
    });
    expect(readSystemCpu().busyUs).toBeGreaterThan(0);
  });

  it('reads this process: pid, CPU growing with work, RSS close to what node reports', () => {
    expect(clockTicksPerSecond()).toBeGreaterThan(0);
    const stat = readStat(process.pid);
    expect(stat.pid).toBe(process.pid);
    expect(stat.ppid).toBe(process.ppid);
    const before = readCpuUs(process.pid);
    const end = Date.now() + 120;
    let x = 0;
    while (Date.now() < end) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const cpu = readCpu(process.pid);
    expect(cpu.userUs + cpu.systemUs - before).toBeGreaterThanOrEqual(50_000);

    const memory = readMemory(process.pid);
    const rssKb = process.memoryUsage().rss / 1024;
    expect(memory.rssKb).toBeGreaterThan(rssKb * 0.8);
    expect(memory.rssKb).toBeLessThan(rssKb * 1.2);
    expect(memory.hwmKb).toBeGreaterThanOrEqual(memory.rssKb);
  });

  it('finds descendants, samples the RSS peak and a settled minimum', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(descendants(process.pid).map((s) => s.pid)).toContain(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
    const sampler = new RssSampler(process.pid, 20).start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { peakKb, samples } = sampler.stop();
    expect(samples).toBeGreaterThanOrEqual(3);
    expect(peakKb).toBeGreaterThan(0);
    const settled = await settledRssKb(process.pid, 3, 10);
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThanOrEqual(readMemory(process.pid).hwmKb);
  });
});
