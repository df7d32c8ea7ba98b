// A stand-in for bench/generator/main.ts speaking its stdout protocol: `ready`, then `result`
// (idle: after `stop` on stdin; with `--await-go 1`, `prepared` first and `ready` only after `go`
// on stdin). `--workload chat` prints an error line instead.
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

const finish = () => {
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
    },
  });
  process.exit(0);
};

if (values.workload === 'idle') {
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
  process.stdin.on('end', finish);
  if (awaitGo) emit({ prepared: true, sockets });
  else ready();
} else {
  ready();
  setTimeout(finish, durationMs);
}
