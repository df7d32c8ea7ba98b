// Checks frames a running server really sent against an AsyncAPI document (docs/asyncapi*.yaml):
// which documented operation each frame belongs to, and whether its payload validates against
// that operation's message schema (JSON Schema draft-07, checked with Ajv).
import { readFileSync } from 'node:fs';
import {
  type AsyncAPIDocumentInterface,
  type ChannelInterface,
  type Diagnostic,
  type MessageInterface,
  Parser,
} from '@asyncapi/parser';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { Socket } from 'phoenix';

/** A frame the client received; `replyTo` is, for a phx_reply, the event of the push it answers. */
export interface CapturedFrame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
  replyTo?: string;
}

interface OutgoingPush {
  topic: string;
  event: string;
  ref?: string | null;
}

/**
 * Records every frame `socket` receives into `frames`, in order. The pushes the client sends are
 * remembered by topic and ref, so each phx_reply names the event it answers (the reply itself
 * does not): that is what picks the documented reply schema.
 */
export function captureFrames(socket: Socket, frames: CapturedFrame[]): void {
  const pushed = new Map<string, string>();
  const client = socket as unknown as { push(data: OutgoingPush): void };
  const send = client.push.bind(socket);
  client.push = (data) => {
    if (data.ref) pushed.set(`${data.topic} ${data.ref}`, data.event);
    send(data);
  };
  socket.onMessage((message) => {
    const frame = message as CapturedFrame;
    frames.push(
      frame.event === 'phx_reply'
        ? { ...frame, replyTo: pushed.get(`${frame.topic} ${frame.ref}`) }
        : { ...frame },
    );
  });
}

/** What one frame was checked against. */
export interface FrameCheck {
  /** The documented operations the frame belongs to (empty: undocumented). */
  operations: string[];
  /** Why it does not match: empty when the payload validates against one of their messages. */
  problems: string[];
}

/** DiagnosticSeverity.Error (see test/asyncapi.e2e-spec.ts for why it is typed this way). */
const ERROR: Diagnostic['severity'] = 0;

/** `conversation:{conversation_id}` → /^conversation:[^:]+$/ */
function addressPattern(address: string): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^${address
      .split(/\{[^}]+\}/)
      .map(escape)
      .join('[^:]+')}$`,
  );
}

export class AsyncApiFrames {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  /** By payload schema object (the parser hands out new wrappers on every call). */
  private readonly validators = new WeakMap<object, ValidateFunction>();

  private constructor(readonly document: AsyncAPIDocumentInterface) {
    // A CommonJS module: its default import is the plugin, which also carries itself as `default`.
    ajvFormats.default(this.ajv);
  }

  /** Parses the document; throws on any parser error. */
  static async load(path: string): Promise<AsyncApiFrames> {
    const { document, diagnostics } = await new Parser().parse(readFileSync(path, 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === ERROR);
    if (!document || errors.length > 0)
      throw new Error(`${path}: ${errors.map((d) => `${d.path.join('.')}: ${d.message}`).join()}`);
    return new AsyncApiFrames(document);
  }

  /**
   * The operation ids of the document, sorted: with `tag`, those tagged with it; without, those
   * with no tag. The chat document tags the encrypted protocol's own operations `encrypted`, so
   * the plain session (asyncapi-frames) covers the untagged ones and the encrypted session
   * (chat-encrypted-asyncapi) the tagged ones.
   */
  operationIds(tag?: string): string[] {
    return this.document
      .operations()
      .all()
      .filter((op) => {
        const tags = op
          .tags()
          .all()
          .map((t) => t.name());
        return tag === undefined ? tags.length === 0 : tags.includes(tag);
      })
      .map((op) => op.id() ?? '')
      .sort();
  }

  /** The documented operations `frame` belongs to, and whether its payload validates. */
  check(frame: CapturedFrame): FrameCheck {
    const channels = this.document
      .channels()
      .all()
      .filter((c) => addressPattern(c.address() ?? '').test(frame.topic));
    const onChannel = (c: ChannelInterface) => channels.some((ch) => ch.id() === c.id());
    const isReply = frame.event === 'phx_reply';
    if (isReply && frame.replyTo === undefined)
      return { operations: [], problems: [`a reply on ${frame.topic} to a push not seen`] };
    const event = isReply ? frame.replyTo : frame.event;
    const operations = this.document
      .operations()
      .all()
      .filter(
        (op) =>
          op.action() === (isReply ? 'receive' : 'send') &&
          op.channels().all().some(onChannel) &&
          op
            .messages()
            .all()
            .some((m) => m.name() === event),
      );
    const what = isReply ? `the reply to ${event}` : event;
    if (operations.length === 0)
      return { operations: [], problems: [`${what} on ${frame.topic} is not documented`] };
    const messages = operations.flatMap((op) =>
      isReply
        ? (op.reply()?.messages().all() ?? [])
        : op
            .messages()
            .all()
            .filter((m) => m.name() === event),
    );
    const failures: string[] = [];
    for (const message of messages) {
      const validate = this.validator(message);
      if (validate(frame.payload))
        return { operations: operations.map((op) => op.id() ?? ''), problems: [] };
      failures.push(
        `${message.id()}: ${this.ajv.errorsText(validate.errors, { dataVar: 'payload' })}`,
      );
    }
    if (messages.length === 0) failures.push(`no message documented for ${what}`);
    return {
      operations: operations.map((op) => op.id() ?? ''),
      problems: [
        `${what} on ${frame.topic}: ${JSON.stringify(frame.payload)} → ${failures.join('; ')}`,
      ],
    };
  }

  private validator(message: MessageInterface): ValidateFunction {
    const schema: object = message.payload()?.json() ?? {};
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

/** Checks every frame: the problems found, and the operations the frames covered. */
export function checkAll(
  doc: AsyncApiFrames,
  frames: readonly CapturedFrame[],
): { problems: string[]; covered: string[] } {
  const problems: string[] = [];
  const covered = new Set<string>();
  for (const frame of frames) {
    const result = doc.check(frame);
    problems.push(...result.problems);
    if (result.problems.length === 0) result.operations.forEach((id) => covered.add(id));
  }
  return { problems, covered: [...covered].sort() };
}
