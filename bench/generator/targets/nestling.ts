import { mapWindowed, progress } from '../concurrency.js';
import { postJson } from '../http.js';
import type { Options } from '../options.js';
import { wsBase } from '../options.js';
import { PhoenixSocket, startHeartbeats, startsWith } from '../phoenix-client.js';
import { decodeProbe, encodeProbe } from '../probe.js';
import type { BroadcastSocket, BroadcastTarget, SocketEvents } from './target.js';

const TOPIC = 'notifications';
const SHOUT_HEAD = `[null,null,"${TOPIC}","shout",`;
const SHOUT_HEAD_BYTES = Buffer.from(SHOUT_HEAD);

/** Creates one stamp-rally player; its id is its socket credential. */
export async function createPlayer(url: string, nickname: string): Promise<string> {
  const body = (await postJson(
    `${url}/api/json/accounts/users`,
    { data: { type: 'user', attributes: { nickname } } },
    {
      'Content-Type': 'application/vnd.api+json',
      Accept: 'application/vnd.api+json',
      Authorization: 'Bearer bench',
    },
    [201],
  )) as { data?: { id?: unknown } };
  const id = body.data?.id;
  if (typeof id !== 'string') throw new Error(`player creation answered no id`);
  return id;
}

/**
 * Nestling's stamp-rally `notifications` topic in Phoenix V2 framing: sends are `shout` pushes,
 * measured deliveries the `shout` broadcasts. Error replies to shouts count as rejected.
 */
export class NestlingTarget implements BroadcastTarget {
  readonly replies = true;
  private playerIds: string[] = [];
  private readonly sockets: PhoenixSocket[] = [];

  constructor(private readonly options: Options) {}

  async prepare(sockets: number): Promise<void> {
    const { url, batchSize } = this.options;
    this.playerIds = await mapWindowed(
      sockets,
      Math.min(batchSize, 50),
      (i) => createPlayer(url, `player${i}`),
      progress('players created', sockets),
    );
  }

  async connect(index: number, events: SocketEvents): Promise<BroadcastSocket> {
    const { url, payloadBytes } = this.options;
    const query = `userToken=${encodeURIComponent(this.playerIds[index])}&vsn=2.0.0`;
    const socket = await PhoenixSocket.connect(`${wsBase(url)}/socket/websocket?${query}`);
    const reply = await socket.join(TOPIC);
    if (reply.status !== 'ok') {
      socket.close();
      throw new Error(`join ${TOPIC} refused: ${JSON.stringify(reply.response)}`);
    }
    let closing = false;
    socket.onClose = () => closing || events.closed();
    socket.onBroadcast = (data) => {
      if (!startsWith(data, SHOUT_HEAD_BYTES)) return; // presence_diff and the like
      const probe = decodeProbe(data.toString(), SHOUT_HEAD.length);
      if (probe) events.probe(probe);
    };
    const onReply = (r: { status: string }) => events.replied(r.status === 'ok');
    this.sockets.push(socket);
    return {
      send: (s, seq, t) =>
        socket.pushRaw(TOPIC, 'shout', encodeProbe(s, seq, t, payloadBytes), onReply),
      close: () => {
        closing = true;
        socket.close();
      },
    };
  }

  keepAlive(): () => void {
    return startHeartbeats(this.sockets);
  }
}
