export type Target = 'nestling' | 'ws' | 'socketio' | 'uws';
export type Workload = 'fanout' | 'idle' | 'storm' | 'chat' | 'chatprobe' | 'poisoned';

export interface Options {
  target: Target;
  workload: Workload;
  /** Base HTTP URL of the server, e.g. http://127.0.0.1:4000. */
  url: string;
  /**
   * Fan-out on Nestling: the senders connect here, as sockets of their own that are not counted
   * as receivers, while the `sockets` receivers connect to `url` (a cluster's other node: the
   * cross-node fan-out). Undefined: the senders are receivers 0..senders-1 on `url`.
   */
  publisherUrl?: string;
  sockets: number;
  /** Messages sent per second, in total over all senders. */
  rate: number;
  durationMs: number;
  payloadBytes: number;
  senders: number;
  /** Chat: members per conversation. */
  groupSize: number;
  /** How long to wait for stragglers after the last send. */
  graceMs: number;
  /** Sockets (and HTTP requests) set up concurrently. */
  batchSize: number;
  /** Idle: hold this long, then stop by itself (0 = until stdin says `stop` or closes). */
  holdMs: number;
  /**
   * Idle: once the target is prepared (Nestling's players created), print
   * `{"prepared":true,"sockets":N}` and connect nothing until a `go` line on stdin.
   */
  awaitGo: boolean;
  /**
   * Chat: send at `rate` for this long before measuring (messages not counted), so that the
   * measured window does not include the server's first runs of the path (JIT, each pool
   * connection's first statements, cold index pages).
   */
  warmupMs: number;
  /**
   * Poisoned chat: send_message pushes per second from the one extra user whose contents hold
   * U+0000, during the second window (default: half of `rate`).
   */
  poisonRate: number;
  /** Unique per run (chat e-mails); defaults to a timestamp. */
  runId: string;
  /**
   * Nestling, idle and storm: the share of sockets (0 to 1) whose join asks for presence
   * (`{"config":{"presence":{"enabled":true}}}`, answered by `presence_state`); the others join
   * with `{}` as the HoloQuest client does. Socket i asks when ⌊(i+1)·share⌋ > ⌊i·share⌋.
   */
  presenceShare: number;
  /**
   * Nestling, idle and storm: a JSON file of stamp-rally player ids kept across the phases of one
   * bench run (one database): the ids in it are reused, only the missing ones created.
   */
  playersFile?: string;
  /** With playersFile: make sure it holds at least this many players (default: sockets). */
  players: number;
  /** Chat probe: the total rates tried in turn (msgs/s), stopping after the first that fails. */
  steps: number[];
  /** Chat probe: how long each step sends, ms. */
  stepMs: number;
  /** Chat probe: a step passes when its p99 is at most this and nothing is lost, rejected or unanswered. */
  maxP99Ms: number;
}

export const USAGE = `usage: tsx bench/generator/main.ts --target nestling|ws|socketio|uws
  --workload fanout|idle|storm|chat|chatprobe|poisoned
  --url http://127.0.0.1:<port>  --sockets N  --rate N (msgs/s in total)  --duration-ms N
  [--payload-bytes 100] [--senders 1] [--group-size 5] [--grace-ms 2000] [--batch-size 200]
  [--hold-ms 0] [--await-go 0|1] [--warmup-ms 0 (chat, poisoned)] [--run-id <id>]
  [--poison-rate <rate/2> (poisoned)] [--publisher-url http://127.0.0.1:<port> (fanout, nestling)]
  poisoned: the chat workload for --duration-ms twice on the same set-up, honest senders only,
  then with one extra user sending U+0000 at --poison-rate msgs/s ({"windowDone":"honest-only"}
  between the two).
  idle --await-go 1: print {"prepared":true,"sockets":N} once the players exist, then wait for
  a "go" line on stdin before connecting; "stop" on stdin ends the idle hold.
  fanout --publisher-url: the --senders senders are sockets of their own on that URL (another
  node of the cluster), not receivers; the --sockets receivers connect to --url.
  storm: connect (and on Nestling join notifications) --sockets sockets, --batch-size in flight,
  timed from the first connect to the last join reply (or presence_state where asked); with
  --await-go 1 it says {"prepared":true,…} first and waits for "go".
  [--presence-share 0..1 (nestling idle, storm)] [--players-file <json> --players N (nestling
  idle, storm: player ids reused across runs)]
  chatprobe: the chat set-up, then --steps 1000,2000,… msgs/s for --step-ms each (default
  4000), stopping after the first step whose p99 exceeds --max-p99-ms (50) or that loses,
  rejects or leaves unanswered any message; {"stepStart":i,…} and {"stepDone":i,…} lines.`;

const TARGETS: readonly Target[] = ['nestling', 'ws', 'socketio', 'uws'];
const WORKLOADS: readonly Workload[] = ['fanout', 'idle', 'storm', 'chat', 'chatprobe', 'poisoned'];

export class OptionsError extends Error {}

function integer(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new OptionsError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function flag(name: string, raw: string): boolean {
  if (raw !== '0' && raw !== '1') {
    throw new OptionsError(`--${name} must be 0 or 1, got ${JSON.stringify(raw)}`);
  }
  return raw === '1';
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new OptionsError(`--${name} must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

function share(name: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new OptionsError(`--${name} must be a number from 0 to 1, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** A comma-separated list of positive integers, e.g. `1000,2000,5000`. */
function rates(name: string, raw: string): number[] {
  const values = raw.split(',').map((v) => integer(name, v.trim(), 1));
  if (values.length === 0) throw new OptionsError(`--${name} needs at least one rate`);
  return values;
}

/** An http(s) base URL without its trailing slashes. */
function httpUrl(name: string, raw: string): string {
  const url = raw.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url)) throw new OptionsError(`--${name} must be an http(s) URL`);
  return url;
}

/** Parses `--name value` and `--name=value` flags; throws OptionsError on anything wrong. */
export function parseOptions(argv: readonly string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new OptionsError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined) throw new OptionsError(`${arg} needs a value`);
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  const take = (name: string, fallback?: string): string => {
    const value = flags.get(name) ?? fallback;
    flags.delete(name);
    if (value === undefined) throw new OptionsError(`--${name} is required`);
    return value;
  };

  const target = oneOf('target', take('target'), TARGETS);
  const workload = oneOf('workload', take('workload'), WORKLOADS);
  const url = httpUrl('url', take('url'));
  const publisher = flags.get('publisher-url');
  flags.delete('publisher-url');
  const isIdle = workload === 'idle' || workload === 'storm';
  const isChat = workload === 'chat' || workload === 'poisoned' || workload === 'chatprobe';
  const isProbe = workload === 'chatprobe';
  const options: Options = {
    target,
    workload,
    url,
    sockets: integer('sockets', take('sockets', isChat ? '1000' : undefined), 1),
    rate: integer(
      'rate',
      take('rate', isIdle || isProbe ? '0' : undefined),
      isIdle || isProbe ? 0 : 1,
    ),
    durationMs: integer('duration-ms', take('duration-ms', isIdle || isProbe ? '0' : undefined), 0),
    payloadBytes: integer('payload-bytes', take('payload-bytes', '100'), 0),
    senders: integer('senders', take('senders', '1'), 1),
    groupSize: integer('group-size', take('group-size', '5'), 2),
    graceMs: integer('grace-ms', take('grace-ms', '2000'), 0),
    batchSize: integer('batch-size', take('batch-size', '200'), 1),
    holdMs: integer('hold-ms', take('hold-ms', '0'), 0),
    awaitGo: flag('await-go', take('await-go', '0')),
    warmupMs: integer('warmup-ms', take('warmup-ms', '0'), 0),
    runId: take('run-id', Date.now().toString(36)),
    poisonRate: 0,
    presenceShare: share('presence-share', take('presence-share', '0')),
    players: 0,
    steps: isProbe ? rates('steps', take('steps', '1000,2000,3000,5000,7000,10000')) : [],
    stepMs: integer('step-ms', take('step-ms', '4000'), 1),
    maxP99Ms: Number(take('max-p99-ms', '50')),
    ...(publisher !== undefined && { publisherUrl: httpUrl('publisher-url', publisher) }),
  };
  const playersFile = flags.get('players-file');
  flags.delete('players-file');
  options.players = integer('players', take('players', String(options.sockets)), 0);
  if (playersFile !== undefined) options.playersFile = playersFile;
  if (!(options.maxP99Ms > 0)) throw new OptionsError('--max-p99-ms must be a positive number');
  if (isProbe) options.rate = options.steps[0];
  if (workload === 'poisoned') {
    const half = String(Math.max(1, Math.round(options.rate / 2)));
    options.poisonRate = integer('poison-rate', take('poison-rate', half), 1);
  } else if (flags.has('poison-rate')) {
    throw new OptionsError('--poison-rate needs --workload poisoned');
  }
  if (flags.size > 0) throw new OptionsError(`unknown option --${[...flags.keys()][0]}`);
  if (isChat && target !== 'nestling') {
    throw new OptionsError(`--workload ${workload} needs --target nestling`);
  }
  if (isChat && options.sockets < options.groupSize) {
    throw new OptionsError(
      `--workload ${workload} needs at least --group-size (${options.groupSize}) sockets`,
    );
  }
  if (options.warmupMs > 0 && !isChat) {
    throw new OptionsError('--warmup-ms needs --workload chat or poisoned');
  }
  if (publisher !== undefined && (workload !== 'fanout' || target !== 'nestling')) {
    throw new OptionsError('--publisher-url needs --workload fanout and --target nestling');
  }
  if (options.awaitGo && !isIdle) {
    throw new OptionsError('--await-go 1 needs --workload idle or storm');
  }
  if ((options.presenceShare > 0 || playersFile !== undefined) && target !== 'nestling') {
    throw new OptionsError('--presence-share and --players-file need --target nestling');
  }
  if (options.senders > options.sockets && publisher === undefined) {
    throw new OptionsError('--senders exceeds --sockets');
  }
  return options;
}

/** `http://host:port` → `ws://host:port` (https → wss). */
export function wsBase(url: string): string {
  return url.replace(/^http/, 'ws');
}
