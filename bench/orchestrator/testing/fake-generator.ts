// A stand-in for bench/generator/main.ts speaking its stdout protocol: `ready`, then `result`
// (idle: after `stop` on stdin; with `--await-go 1`, `prepared` first and `ready` only after `go`
// on stdin; storm: `prepared`, then on `go` its `ready` and result; chatprobe: `ready`, then two
// steps' `stepStart`/`stepDone` lines, the second failing). `--workload chat` prints an error line
// instead.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    workload: { type: 'string' },
    url: { type: 'string' },
    sockets: { type: 'string' },
    rate: { type: 'string' },
    'duration-ms': { type: 'string' },
    'payload-bytes': { type: 'string' },
    'await-go': { type: 'string' },
    'batch-size': { type: 'string' },
    'presence-share': { type: 'string' },
    'players-file': { type: 'string' },
    players: { type: 'string' },
    'warmup-ms': { type: 'string' },
    steps: { type: 'string' },
    'step-ms': { type: 'string' },
    'max-p99-ms': { type: 'string' },
  },
});
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sockets = Number(values.sockets);
const rate = Number(values.rate);
const durationMs = Number(values['duration-ms']);

if (values.workload === 'chat') {
  emit({ error: 'fake failure' });
  process.exit(1);
}
const response = await fetch(values.url!);
if (response.status !== 200) throw new Error(`server answered ${response.status}`);
const ready = () =>
  emit({ ready: true, target: values.target, workload: values.workload, sockets });

const finish = (more: object = {}) => {
  const sent = Math.round((rate * durationMs) / 1000);
  const delivered = sent * sockets;
  emit({
    result: {
      target: values.target,
      workload: values.workload,
      sockets,
      rate,
      durationMs,
      payloadBytes: Number(values['payload-bytes']),
      sent,
      expected: delivered,
      delivered,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      rejected: 0,
      deliveredPerSec: Math.round((delivered * 1000) / Math.max(1, durationMs)),
      latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 },
      generatorCpuMs: 10,
      generatorCpuPercent: 5,
      ...more,
    },
  });
  process.exit(0);
};

if (values.workload === 'storm') {
  // `prepared` (writing the players file it was given, as the real one does), then on `go` the
  // storm's `ready` with its summary, then the result at once.
  if (values['players-file']) {
    const ids = Array.from({ length: Number(values.players) }, (_, i) => `p${i}`);
    (await import('node:fs')).writeFileSync(values['players-file'], JSON.stringify(ids));
  }
  emit({ prepared: true, sockets });
  process.stdin.setEncoding('utf8');
  let text = '';
  process.stdin.on('data', (chunk: string) => {
    text += chunk;
    if (!text.split('\n').includes('go')) return;
    process.stdin.removeAllListeners('data');
    setTimeout(() => {
      const storm = {
        sockets,
        joined: sockets,
        failed: 0,
        retries: 0,
        presenceAsked: 0,
        presenceShare: Number(values['presence-share'] ?? 0),
        window: Number(values['batch-size']),
        stormMs: 200,
        perSocketMs: { n: sockets, p50: 1, p95: 2, p99: 3, max: 4 },
        errors: [],
      };
      emit({ ready: true, target: values.target, workload: 'storm', sockets, storm });
      finish({ storm });
    }, 200);
  });
} else if (values.workload === 'chatprobe') {
  // `ready`, then each step's `stepStart` and `stepDone` 300 ms apart, the second step failing.
  ready();
  const steps = (values.steps ?? '').split(',').map(Number);
  const probe: object[] = [];
  for (const [index, stepRate] of steps.entries()) {
    emit({ stepStart: index, rate: stepRate });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const passed = index === 0;
    probe.push({ rate: stepRate, passed, failures: passed ? [] : ['p99 80 ms > 50 ms'] });
    emit({ stepDone: index, rate: stepRate, passed });
    if (!passed) break;
  }
  finish({ probe });
} else if (values.workload === 'idle') {
  const awaitGo = values['await-go'] === '1';
  let text = '';
  let going = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    text += chunk;
    if (awaitGo && !going && text.split('\n').includes('go')) {
      going = true;
      ready();
    }
    if (text.split('\n').includes('stop')) finish();
  });
  process.stdin.on('end', () => finish());
  if (awaitGo) emit({ prepared: true, sockets });
  else ready();
} else {
  ready();
  setTimeout(() => finish(), durationMs);
}
