import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import * as ws from 'ws';
import { type Frame, SplicedFrame } from './message.js';
import { WriteBatcher } from './write-batcher.js';
import { textHeader, wireBytes } from './wire-frame.js';

interface Received {
  data: Buffer;
  binary: boolean;
}

/** A real ws server and `count` real clients; the server side's sockets, in connect order. */
async function pair(count: number) {
  const server = new WebSocketServer({ port: 0, perMessageDeflate: false, clientTracking: false });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const serverSide: WebSocket[] = [];
  const clients: WebSocket[] = [];
  const received: Received[][] = [];
  for (let i = 0; i < count; i++) {
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    const inbox: Received[] = [];
    client.on('message', (data: Buffer, binary: boolean) => inbox.push({ data, binary }));
    await new Promise((resolve) => client.once('open', resolve));
    serverSide.push(await accepted);
    clients.push(client);
    received.push(inbox);
  }
  const close = async () => {
    for (const c of clients) c.terminate();
    for (const s of serverSide) s.terminate();
    await new Promise((resolve) => server.close(resolve));
  };
  return { serverSide, clients, received, close };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const text = (s: string): Frame => ({ data: s, binary: false });

describe('WriteBatcher', () => {
  it('frames every payload size as ws would, text and binary, in order', async () => {
    const { serverSide, received, close } = await pair(1);
    try {
      const batcher = new WriteBatcher();
      const sizes = [0, 1, 125, 126, 127, 65535, 65536, 70000];
      const frames: Frame[] = [];
      for (const size of sizes) {
        frames.push(text('é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2)));
        frames.push({ data: Buffer.alloc(size, size % 251), binary: true });
      }
      // One per turn, then a burst in one turn (corked, then uncorked together).
      for (const frame of frames.slice(0, 6)) {
        expect(batcher.write(serverSide[0], frame, 1 << 30)).toBe(true);
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const frame of frames.slice(6)) batcher.write(serverSide[0], frame, 1 << 30);
      await until(() => received[0].length === frames.length);
      received[0].forEach((got, i) => {
        const sent = frames[i];
        expect(got.binary).toBe(sent.binary);
        const bytes = typeof sent.data === 'string' ? Buffer.from(sent.data) : sent.data;
        expect(got.data.equals(bytes)).toBe(true);
      });
    } finally {
      await close();
    }
  });

  it("keeps order with ws's own frames, and frames a shared frame once for every socket", async () => {
    const { serverSide, clients, received, close } = await pair(3);
    try {
      const batcher = new WriteBatcher();
      const pongs: string[] = [];
      clients[0].on('ping', (data: Buffer) => pongs.push(`ping:${data.toString()}`));
      const shared = text('{"shared":true}');
      for (let i = 0; i < 50; i++) {
        for (const ws of serverSide) batcher.write(ws, shared, 1 << 30);
        batcher.write(serverSide[0], text(String(i)), 1 << 30);
        if (i === 25) serverSide[0].send('via ws itself');
      }
      expect(wireBytes(shared)).toBe(shared.wire);
      await until(() => received[0].length === 101 && received[2].length === 50);
      const first = received[0].map((r) => r.data.toString());
      const expected: string[] = [];
      for (let i = 0; i < 50; i++) {
        expected.push('{"shared":true}', String(i));
        if (i === 25) expected.push('via ws itself');
      }
      expect(first).toEqual(expected);
      for (const inbox of received.slice(1))
        expect(inbox.map((r) => r.data.toString())).toEqual(Array(50).fill('{"shared":true}'));
      serverSide[0].ping('after');
      batcher.write(serverSide[0], text('last'), 1 << 30);
      await until(() => received[0].length === 102 && pongs.length === 1);
      expect(received[0][101].data.toString()).toBe('last');
    } finally {
      await close();
    }
  });

  it('writes spliced frames part by part, the shared part never copied, as whole messages', async () => {
    const { serverSide, received, close } = await pair(2);
    try {
      const batcher = new WriteBatcher();
      const shared = Buffer.from(JSON.stringify({ state: 'é'.repeat(40_000) }));
      for (const [i, socket] of serverSide.entries()) {
        batcher.write(
          socket,
          new SplicedFrame([Buffer.from(`["${i}",null,"t","e",`), shared, Buffer.from(']')]),
          1 << 30,
        );
        batcher.write(
          socket,
          new SplicedFrame([Buffer.from('['), Buffer.alloc(0), Buffer.from(']')]),
          1 << 30,
        );
      }
      await until(() => received.every((inbox) => inbox.length === 2));
      received.forEach((inbox, i) => {
        expect(JSON.parse(inbox[0].data.toString())).toEqual([
          String(i),
          null,
          't',
          'e',
          JSON.parse(shared.toString()),
        ]);
        expect(inbox[1].data.toString()).toBe('[]');
      });
    } finally {
      await close();
    }
  });

  it("builds text headers as ws's Sender does, for every length class", () => {
    const { Sender } = ws as unknown as {
      Sender: { frame(data: Buffer, options: object): Buffer[] };
    };
    for (const length of [0, 1, 125, 126, 65535, 65536, 70_000, 2 ** 32 + 5]) {
      const data = { length } as Buffer; // unmasked: Sender reads only the length
      const [expected] = Sender.frame(data, {
        fin: true,
        rsv1: false,
        opcode: 1,
        mask: false,
        readOnly: false,
      });
      expect(textHeader(length)).toEqual(expected);
    }
  });

  it('refuses, on the first frame of a turn, a socket holding more than the limit', async () => {
    const { serverSide, clients, close } = await pair(1);
    try {
      const batcher = new WriteBatcher();
      const raw = (clients[0] as unknown as { _socket: Socket })._socket;
      raw.pause(); // the client stops reading: the server's buffers fill
      const big: Frame = { data: Buffer.alloc(256 * 1024), binary: true };
      let refused = false;
      let turns = 0;
      while (!refused && turns++ < 200) {
        refused = !batcher.write(serverSide[0], big, 1024 * 1024);
        // Later frames of the turn are not checked: a burst to a reading client is no sign.
        if (!refused)
          for (let i = 0; i < 3; i++) expect(batcher.write(serverSide[0], big, 1)).toBe(true);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(refused).toBe(true);
      expect(serverSide[0].bufferedAmount).toBeGreaterThan(1024 * 1024);
    } finally {
      await close();
    }
  });
});
