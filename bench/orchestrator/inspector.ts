import { WebSocket } from 'ws';

/**
 * A full garbage collection in a node process started with `--inspect=127.0.0.1:<port>`, forced
 * from outside through the V8 inspector protocol: `HeapProfiler.enable`, then
 * `HeapProfiler.collectGarbage` (`rounds` times: objects freed by the first round's finalizers
 * and weak callbacks go in the next). The server under test needs no code for it. Resolves once
 * every call is answered; rejects with what went wrong (no inspector, no target, an error reply,
 * a timeout). Takes no more than `timeoutMs` in all.
 */
export async function collectGarbage(
  port: number,
  { rounds = 2, timeoutMs = 30_000 }: { rounds?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const url = await debuggerUrl(port, Math.max(1, Math.min(5000, timeoutMs)));
  const calls = [
    'HeapProfiler.enable',
    ...Array.from({ length: rounds }, () => 'HeapProfiler.collectGarbage'),
  ];
  await callInOrder(url, calls, Math.max(1, deadline - Date.now()));
}

interface InspectorTarget {
  type?: string;
  webSocketDebuggerUrl?: string;
}

/** The `webSocketDebuggerUrl` of the first target listed by the inspector on `port`. */
async function debuggerUrl(port: number, timeoutMs: number): Promise<string> {
  const list = `http://127.0.0.1:${port}/json/list`;
  let targets: unknown;
  try {
    const response = await fetch(list, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    targets = await response.json();
  } catch (error) {
    throw new Error(`inspector on port ${port}: GET /json/list failed: ${message(error)}`, {
      cause: error,
    });
  }
  const first = Array.isArray(targets) ? (targets as InspectorTarget[])[0] : undefined;
  if (typeof first?.webSocketDebuggerUrl !== 'string') {
    throw new Error(
      `inspector on port ${port}: no target with a webSocketDebuggerUrl in ${JSON.stringify(targets).slice(0, 200)}`,
    );
  }
  return first.webSocketDebuggerUrl;
}

/** Sends each method (ids 1, 2, …) once the previous one is answered; closes the socket. */
function callInOrder(url: string, methods: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    let next = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      const what = next < methods.length ? methods[next] : 'the connection';
      finish(new Error(`inspector ${url}: no answer to ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const send = () => {
      socket.send(JSON.stringify({ id: next + 1, method: methods[next] }));
    };
    socket.on('open', send);
    socket.on('message', (data) => {
      let reply: { id?: unknown; error?: { message?: unknown } };
      try {
        const bytes = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(new Uint8Array(data));
        reply = JSON.parse(bytes.toString('utf8')) as typeof reply;
      } catch {
        return;
      }
      if (reply.id !== next + 1) return; // an event, or not ours
      if (reply.error) {
        const why = typeof reply.error.message === 'string' ? reply.error.message : 'error';
        finish(new Error(`inspector ${url}: ${methods[next]} failed: ${why}`));
        return;
      }
      next += 1;
      if (next === methods.length) finish();
      else send();
    });
    socket.on('error', (error) => finish(new Error(`inspector ${url}: ${error.message}`)));
    socket.on('close', () =>
      finish(new Error(`inspector ${url}: closed before ${methods[next] ?? 'the end'}`)),
    );
  });
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
