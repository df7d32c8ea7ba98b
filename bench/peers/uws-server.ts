import { createRequire } from 'node:module';
import type * as Uws from 'uwebsockets';
import { isMain, runPeer, type RunningPeer } from './main-guard.js';

/** Every socket is subscribed to this one topic; a broadcast is one `app.publish` to it. */
const TOPIC = 'all';

/**
 * uWebSockets.js (npm `uwebsockets`, a native addon), loaded on demand so that a missing or
 * incompatible binary is an error of `start` (the bench reports the column as unavailable), not
 * of importing this module.
 */
export function loadUws(): typeof Uws {
  return createRequire(import.meta.url)('uwebsockets') as typeof Uws;
}

/**
 * The uWebSockets.js peer, the same protocol as the plain ws peer, written the uWS way: each
 * socket subscribes to one topic when it opens; `{"type":"broadcast",…}` from any client is
 * published to that topic with `app.publish` (every subscriber, sender included, gets the very
 * bytes received); `{"type":"ping","seq":n}` is answered with `{"type":"pong","seq":n}`. No
 * compression, no idle timeout, no automatic pings (as the ws peer), and a backpressure limit
 * high enough that no subscriber is skipped (uWS drops messages to a socket over its limit,
 * 64 KB by default; ws buffers without limit).
 */
export async function start(port = 0): Promise<RunningPeer> {
  const uws = loadUws();
  const app = uws.App();
  app.ws('/*', {
    compression: uws.DISABLED,
    maxPayloadLength: 1024 * 1024,
    idleTimeout: 0,
    sendPingsAutomatically: false,
    maxBackpressure: 256 * 1024 * 1024,
    open: (ws) => {
      ws.subscribe(TOPIC);
    },
    message: (ws, data, isBinary) => {
      if (isBinary) return;
      let message: { type?: unknown; seq?: unknown };
      try {
        message = JSON.parse(Buffer.from(data).toString()) as typeof message;
      } catch {
        return;
      }
      if (message.type === 'broadcast') app.publish(TOPIC, data, false, false);
      else if (message.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong', seq: message.seq }), false, false);
      }
    },
  });
  app.any('/*', (res) => {
    res.writeStatus('404 Not Found').end();
  });
  const listenSocket = await new Promise<Uws.us_listen_socket>((resolve, reject) => {
    app.listen(port, (token) => {
      if (token) resolve(token);
      else reject(new Error(`uWS could not listen on port ${port}`));
    });
  });
  return {
    port: uws.us_socket_local_port(listenSocket),
    close: () => {
      uws.us_listen_socket_close(listenSocket);
      app.close();
      return Promise.resolve();
    },
  };
}

if (isMain(import.meta.url)) runPeer(start);
