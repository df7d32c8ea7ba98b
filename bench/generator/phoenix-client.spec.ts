import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { PhoenixSocket } from './phoenix-client.js';

/** A server that answers a join ok, then crashes the channel on the next push (`phx_error`). */
describe('PhoenixSocket: a crashed channel', () => {
  let server: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => {
        const [joinRef, ref, topic, event] = JSON.parse(data.toString()) as string[];
        if (event === 'phx_join') {
          ws.send(
            JSON.stringify([joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }]),
          );
        } else {
          ws.send(JSON.stringify([joinRef, joinRef, topic, 'phx_error', { reason: 'crash' }]));
        }
      });
    });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports phx_error by topic and leaves the push unanswered', async () => {
    const socket = await PhoenixSocket.connect(url);
    expect(await socket.join('room:1')).toEqual({ status: 'ok', response: {} });
    const replies: unknown[] = [];
    const crashed = new Promise<string>((resolve) => {
      socket.onChannelError = resolve;
    });
    socket.pushRaw('room:1', 'boom', '{}', (reply) => replies.push(reply));
    expect(await crashed).toBe('room:1');
    expect(replies).toEqual([]);
    socket.close();
  });
});
