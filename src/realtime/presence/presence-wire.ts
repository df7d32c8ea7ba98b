import { exceedsJsonDepth } from '../../common/json/json-limits.js';
import type { PresenceMeta } from './presence-tracker.js';

/**
 * What nodes tell each other about presence, as JSON on the cluster bus. Topics and keys travel
 * in arrays, never as object keys, so any string (even "__proto__") is safe; metas travel as the
 * owner made them, `phx_ref` included (phoenix.js matches metas by it).
 */

/** A node's changes to one topic since its previous heartbeat. */
export interface TopicDelta {
  topic: string;
  /** `[key, meta]`: metas that joined. */
  joins: Array<[string, PresenceMeta]>;
  /** `[key, phx_ref]`: metas that left (the receivers know the rest of the meta). */
  leaves: Array<[string, string]>;
}

/**
 * Sent by every node every PRESENCE_HEARTBEAT_MS. `version` counts the node's non-empty
 * heartbeats since it booted: a non-empty one takes its entries from `version - 1` to `version`,
 * an empty one says "I am alive, at `version`". Version 0 is the empty set.
 */
export interface Heartbeat {
  version: number;
  topics: TopicDelta[];
}

/** A node's whole set of entries at `version`: topic → key → metas. */
export interface StateTransfer {
  version: number;
  topics: Array<[string, Array<[string, PresenceMeta[]]>]>;
}

export class PresenceWireError extends Error {
  constructor(message: string) {
    super(`malformed presence message: ${message}`);
    this.name = 'PresenceWireError';
  }
}

type WireDelta = [string, Array<[string, PresenceMeta]>, Array<[string, string]>];

export function encodeHeartbeat({ version, topics }: Heartbeat): Buffer {
  const d: WireDelta[] = topics.map(({ topic, joins, leaves }) => [topic, joins, leaves]);
  return Buffer.from(JSON.stringify({ v: version, d }));
}

export function decodeHeartbeat(body: Buffer): Heartbeat {
  const { v, d } = parseObject(body);
  return {
    version: versionOf(v),
    topics: arrayOf(d, 'heartbeat').map((item): TopicDelta => {
      const [topic, joins, leaves] = tuple(item, 3, 'topic delta');
      return {
        topic: stringOf(topic, 'topic'),
        joins: arrayOf(joins, 'joins').map((join): [string, PresenceMeta] => {
          const [key, meta] = tuple(join, 2, 'join');
          return [stringOf(key, 'key'), metaOf(meta)];
        }),
        leaves: arrayOf(leaves, 'leaves').map((leave): [string, string] => {
          const [key, ref] = tuple(leave, 2, 'leave');
          return [stringOf(key, 'key'), stringOf(ref, 'phx_ref')];
        }),
      };
    }),
  };
}

export function encodeState({ version, topics }: StateTransfer): Buffer {
  return Buffer.from(JSON.stringify({ v: version, s: topics }));
}

export function decodeState(body: Buffer): StateTransfer {
  const { v, s } = parseObject(body);
  return {
    version: versionOf(v),
    topics: arrayOf(s, 'state').map((item): [string, Array<[string, PresenceMeta[]]>] => {
      const [topic, keys] = tuple(item, 2, 'topic state');
      return [
        stringOf(topic, 'topic'),
        arrayOf(keys, 'keys').map((entry): [string, PresenceMeta[]] => {
          const [key, metas] = tuple(entry, 2, 'key state');
          return [stringOf(key, 'key'), arrayOf(metas, 'metas').map(metaOf)];
        }),
      ];
    }),
  };
}

function parseObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new PresenceWireError('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PresenceWireError('not an object');
  }
  return value as Record<string, unknown>;
}

function versionOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new PresenceWireError('bad version');
  }
  return value;
}

function arrayOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new PresenceWireError(`${what} is not an array`);
  return value;
}

function tuple(value: unknown, length: number, what: string): unknown[] {
  const items = arrayOf(value, what);
  if (items.length !== length) throw new PresenceWireError(`${what} is not a ${length}-tuple`);
  return items;
}

function stringOf(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new PresenceWireError(`${what} is not a string`);
  return value;
}

function metaOf(value: unknown): PresenceMeta {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PresenceWireError('meta is not an object');
  }
  stringOf((value as Record<string, unknown>).phx_ref, 'phx_ref');
  // It is re-encoded in presence_state and presence_diff: nesting is bounded as for clients.
  if (exceedsJsonDepth(value)) throw new PresenceWireError('meta is nested too deeply');
  return value as PresenceMeta;
}
