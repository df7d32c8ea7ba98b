import { log } from './concurrency.js';
import { socketLimitProblems } from './limits.js';
import { OptionsError, parseOptions, USAGE, type Options } from './options.js';
import { emit } from './output.js';
import type { Result } from './result.js';
import { NestlingTarget } from './targets/nestling.js';
import { SocketIoTarget } from './targets/socketio.js';
import type { BroadcastTarget } from './targets/target.js';
import { WsTarget } from './targets/ws.js';
import { runChat } from './workloads/chat.js';
import { runChatProbe } from './workloads/chatprobe.js';
import { runFanout } from './workloads/fanout.js';
import { runIdle } from './workloads/idle.js';
import { runPoisoned } from './workloads/poisoned.js';
import { runStorm } from './workloads/storm.js';

function targetFor(options: Options): BroadcastTarget {
  switch (options.target) {
    case 'nestling':
      return new NestlingTarget(options);
    case 'ws':
    case 'uws':
      // The uWebSockets.js peer speaks the plain ws peer's protocol.
      return new WsTarget(options);
    case 'socketio':
      return new SocketIoTarget(options);
  }
}

export async function run(options: Options): Promise<Result> {
  switch (options.workload) {
    case 'chat':
      return runChat(options);
    case 'poisoned':
      return runPoisoned(options);
    case 'chatprobe':
      return runChatProbe(options);
    case 'idle':
      return runIdle(targetFor(options), options);
    case 'storm':
      return runStorm(targetFor(options), options);
    case 'fanout': {
      const { publisherUrl } = options;
      const publisher = publisherUrl ? targetFor({ ...options, url: publisherUrl }) : undefined;
      return runFanout(targetFor(options), options, publisher);
    }
  }
}

/** CLI: JSON lines on stdout (`ready`, then `result`, or `error`), progress on stderr. */
async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    emit({ error: error.message });
    return 2;
  }
  const problems = socketLimitProblems(options.sockets);
  if (problems.length > 0) {
    for (const problem of problems) log(`error: ${problem}`);
    emit({ error: problems.join(' ') });
    return 1;
  }
  try {
    const result = await run(options);
    log(
      `delivered ${result.delivered}/${result.expected}, lost ${result.lost}, ` +
        `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
    );
    emit({ result });
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`error: ${message}`);
    emit({ error: message });
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
