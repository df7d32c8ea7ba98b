import { mapWindowed, progress } from '../concurrency.js';
import { postJson } from '../http.js';
import type { Options } from '../options.js';
import { wsBase } from '../options.js';
import { PhoenixSocket, startHeartbeats, startsWith } from '../phoenix-client.js';
import { asksPresence, ensurePlayers } from '../players.js';
import { decodeProbe, encodeProbe } from '../probe.js';
import type { BroadcastSocket, BroadcastTarget, SocketEvents } from './target.js';

const TOPIC = 'notifications';
const SHOUT_HEAD = `[null,null,"${TOPIC}","shout",`;
const SHOUT_HEAD_BYTES = Buffer.from(SHOUT_HEAD);
/** The join payload that asks for presence on `notifications` (opt-in; `{}` does not). */
export const PRESENCE_JOIN = { config: { presence: { enabled: true } } } as const;
const PRESENCE_STATE = Buffer.from(`"${TOPIC}","presence_state",`);
const NULL_COMMA_LENGTH = 'null,'.length;
/** How long a socket that asked for presence waits for its `presence_state` after the join. */
export const PRESENCE_STATE_TIMEOUT_MS = 120_000;

/** A socket that asked for presence got no `presence_state` in time (not worth a retry). */
export class NoPresenceState extends Error {}

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
    const { url, batchSize, playersFile, players } = this.options;
    if (playersFile !== undefined) {
      const create = (i: number) => createPlayer(url, `player${i}`);
      const ids = await ensurePlayers(playersFile, Math.max(sockets, players), create, 50);
      this.playerIds = ids.slice(0, sockets);
      return;
    }
    this.playerIds = await mapWindowed(
      sockets,
      Math.min(batchSize, 50),
      (i) => createPlayer(url, `player${i}`),
      progress('players created', sockets),
    );
  }

  /**
   * Connects with player `index`'s id as `userToken` and joins `notifications`, asking for
   * presence when `presenceShare` says this socket does (then resolving only once its
   * `presence_state` came; none within PRESENCE_STATE_TIMEOUT_MS: NoPresenceState).
   */
  async connect(index: number, events: SocketEvents): Promise<BroadcastSocket> {
    const { url, payloadBytes, presenceShare } = this.options;
    const query = `userToken=${encodeURIComponent(this.playerIds[index])}&vsn=2.0.0`;
    const socket = await PhoenixSocket.connect(`${wsBase(url)}/socket/websocket?${query}`);
    const presence = asksPresence(index, presenceShare);
    const state = presence ? presenceState(socket) : undefined;
    const reply = await socket.join(TOPIC, presence ? PRESENCE_JOIN : {});
    if (reply.status !== 'ok') {
      state?.cancel();
      socket.close();
      throw new Error(`join ${TOPIC} refused: ${JSON.stringify(reply.response)}`);
    }
    if (state) {
      try {
        await state.arrived;
      } catch (error) {
        socket.close();
        throw error;
      }
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

/** Resolves on the socket's first `presence_state` push on `notifications`. */
function presenceState(socket: PhoenixSocket): { arrived: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const cancel = () => {
    clearTimeout(timer);
    socket.onPush = () => undefined;
  };
  const arrived = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => {
      cancel();
      reject(new NoPresenceState(`no presence_state within ${PRESENCE_STATE_TIMEOUT_MS} ms`));
    }, PRESENCE_STATE_TIMEOUT_MS);
    socket.onPush = (data) => {
      // `["<join_ref>",null,"notifications","presence_state",…`: compared in place, undecoded.
      if (!startsWith(data, PRESENCE_STATE, data.indexOf(0x2c) + NULL_COMMA_LENGTH + 1)) return;
      cancel();
      resolve();
    };
  });
  arrived.catch(() => undefined); // a refused join cancels it: never an unhandled rejection
  return { arrived, cancel };
}
