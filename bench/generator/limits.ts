import { readFileSync } from 'node:fs';

/** File descriptors the generator needs besides its sockets (stdio, HTTP pool, tsx, …). */
const FD_MARGIN = 64;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The soft and hard "Max open files" of a process (Linux /proc); undefined elsewhere. */
export function openFilesLimit(
  pid: number | 'self' = 'self',
): { soft: number; hard: number } | undefined {
  const line = read(`/proc/${pid}/limits`)
    ?.split('\n')
    .find((l) => l.startsWith('Max open files'));
  const match = line?.match(/^Max open files\s+(\S+)\s+(\S+)/);
  if (!match) return undefined;
  const value = (raw: string) => (raw === 'unlimited' ? Infinity : Number(raw));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/** How many local ports one client IP can use towards one server ip:port. */
export function ephemeralPorts(): number | undefined {
  const match = read('/proc/sys/net/ipv4/ip_local_port_range')?.match(/(\d+)\s+(\d+)/);
  return match ? Number(match[2]) - Number(match[1]) + 1 : undefined;
}

/**
 * Problems that would make `sockets` connections fail: the generator's own fd limit and the
 * local port range. (The server needs as many fds again: its limit is the orchestrator's to
 * check.) Empty when all is well.
 */
export function socketLimitProblems(sockets: number): string[] {
  const problems: string[] = [];
  const fds = openFilesLimit();
  const needed = sockets + FD_MARGIN;
  if (fds !== undefined && fds.soft < needed) {
    const fix =
      fds.hard >= needed
        ? `Raise it with \`ulimit -n ${Math.min(fds.hard, Math.max(needed * 2, 10240))}\` in the shell that starts both processes.`
        : 'The hard limit is too low as well: raise it as root (ulimit -Hn, limits.conf, or LimitNOFILE / docker --ulimit nofile).';
    problems.push(
      `open files limit too low: ${sockets} sockets need about ${needed} file descriptors in ` +
        `the generator (and as many in the server); the soft limit is ${fds.soft}, the hard ` +
        `limit ${fds.hard}. ${fix}`,
    );
  }
  const ports = ephemeralPorts();
  if (ports !== undefined && sockets > ports - 1000) {
    problems.push(
      `${sockets} sockets to one server address need more local ports than ` +
        `net.ipv4.ip_local_port_range offers (${ports}).`,
    );
  }
  return problems;
}
