export interface CpuReading {
  cpuMs: number;
  wallMs: number;
  /** cpuMs / wallMs, in percent of one core. */
  percent: number;
}

/** Starts measuring this process's CPU (user + system); call the result to stop. */
export function startCpuMeter(): () => CpuReading {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const wallMs = performance.now() - wall;
    return {
      cpuMs: Math.round(cpuMs),
      wallMs,
      percent: wallMs > 0 ? Math.round((cpuMs / wallMs) * 1000) / 10 : 0,
    };
  };
}
