import type { Frame } from '../transport/message.js';

/**
 * A broadcast on the bus: `[u8 binary][u16 topic bytes][u16 event bytes][topic][event][frame]`,
 * the frame being the origin's V2 encoding (text or binary), written unchanged to V2 sockets.
 */
export function encodeWireBroadcast(topic: string, event: string, frame: Frame): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const eventBytes = Buffer.from(event, 'utf8');
  const data = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
  const head = Buffer.allocUnsafe(5);
  head[0] = frame.binary ? 1 : 0;
  head.writeUInt16BE(topicBytes.length, 1);
  head.writeUInt16BE(eventBytes.length, 3);
  return Buffer.concat([head, topicBytes, eventBytes, data]);
}

export function decodeWireBroadcast(body: Buffer): { topic: string; event: string; frame: Frame } {
  const topicLength = body.readUInt16BE(1);
  const eventLength = body.readUInt16BE(3);
  const topicEnd = 5 + topicLength;
  const eventEnd = topicEnd + eventLength;
  return {
    topic: body.toString('utf8', 5, topicEnd),
    event: body.toString('utf8', topicEnd, eventEnd),
    frame: { data: body.subarray(eventEnd), binary: body[0] === 1 },
  };
}
