import { socketsPerSecond } from '../generator/workloads/storm.js';
import { num, table } from './markdown.js';
import { type Row, stormSeconds } from './report.js';
import { STORM, TARGET_LABEL } from './types.js';

/** How the storm's time grows from one point of the curve to the next: 1 linear, 2 quadratic. */
export function growthExponent(from: Row, to: Row): number | undefined {
  const a = stormSeconds(from);
  const b = stormSeconds(to);
  if (a === undefined || b === undefined || a <= 0 || to.sockets === from.sockets) return undefined;
  return Math.log(b / a) / Math.log(to.sockets / from.sockets);
}

const percentiles = (r: Row) => {
  const s = r.storm?.perSocketMs;
  return s ? `${num(s.p50 ?? undefined, 0)} / ${num(s.p99 ?? undefined, 0)} (n ${num(s.n)})` : '—';
};

/** The join storm's method, its table (every server and socket count) and Nestling's curve. */
export function stormSection(list: readonly Row[]): string[] {
  const rows = [...list].sort(
    (a, b) =>
      Number(a.target === 'nestling') - Number(b.target === 'nestling') || a.sockets - b.sockets,
  );
  const nestling = rows.filter((r) => r.target === 'nestling');
  const window = rows[0]?.storm?.window ?? STORM.window;
  const share = nestling[0]?.presenceShare ?? STORM.presenceShare;
  const method =
    `Each server is fresh. The generator opens the sockets as fast as it can with ${num(window)} ` +
    "connects in flight (below Node's default listen backlog of 511), each socket retried up to " +
    '4 attempts in all; a socket that still fails is counted as failed, and any failure fails the ' +
    'storm targets. Nestling: stamp-rally players (created beforehand over HTTP, once per bench ' +
    'run, not timed) connect with `userToken` and join `notifications`; ' +
    `${num(share * 100)}% of them (every ${share > 0 ? num(1 / share) : '—'}th) ask for presence ` +
    '(`{"config":{"presence":{"enabled":true}}}`) and count as done only when their ' +
    '`presence_state` has come, the others join with `{}` as the HoloQuest client does. The ' +
    'peers only accept the connection (socket.io: its handshake is its connect). "Seconds" runs ' +
    'from the first connect to the last socket done; server CPU and peak RSS are read from ' +
    '`/proc` between the orchestrator\'s `go` and the generator\'s `ready`. "Per socket" is each ' +
    "socket's own time from its first connect attempt to done (ms, n sockets).";
  const body = rows.map((r) => {
    const s = r.storm;
    return [
      TARGET_LABEL[r.target],
      num(r.sockets),
      r.target === 'nestling' ? num(s?.presenceAsked) : '—',
      s ? `${num(s.joined)} / ${num(s.failed)} / ${num(s.retries)}` : '—',
      num(stormSeconds(r), 2),
      s ? num(socketsPerSecond(s)) : '—',
      num(r.stormCpuS, 2),
      num(r.stormPeakRssMb, 1),
      percentiles(r),
      num(r.generatorCpuPercent, 0),
    ];
  });
  const out = [
    method,
    '',
    table(
      [
        'server', 'sockets', 'asked for presence', 'joined / failed / retries', 'seconds',
        'sockets/s', 'server CPU s', 'peak RSS MB', 'per socket p50 / p99 ms (n)', 'generator CPU %',
      ], // prettier-ignore
      body,
    ),
  ];
  if (nestling.length > 1) {
    const curve = nestling.map((r, i) => [
      num(r.sockets),
      num(stormSeconds(r), 2),
      r.storm ? num(socketsPerSecond(r.storm)) : '—',
      num(r.stormCpuS, 2),
      r.stormCpuS !== undefined && r.storm?.joined
        ? num((r.stormCpuS * 1e6) / r.storm.joined)
        : '—',
      num(r.stormPeakRssMb, 1),
      i === 0 ? '—' : num(growthExponent(nestling[i - 1], r), 2),
    ]);
    out.push(
      '',
      'Nestling\'s curve (a fresh server each; "growth": the exponent k in time ∝ N^k from the ' +
        'previous point, 1 linear, 2 quadratic):',
      '',
      table(
        [
          'sockets',
          'seconds',
          'sockets/s',
          'server CPU s',
          'server CPU µs/socket',
          'peak RSS MB',
          'growth',
        ],
        curve,
      ),
    );
  }
  const errors = rows.filter((r) => (r.storm?.errors.length ?? 0) > 0);
  for (const r of errors) {
    out.push(
      '',
      `${TARGET_LABEL[r.target]} at ${num(r.sockets)}: errors seen (first few): ${r.storm!.errors.map((e) => `\`${e.replace(/`/g, "'")}\``).join('; ')}`,
    );
  }
  return out;
}
