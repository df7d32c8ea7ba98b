import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { PayloadSchema } from './payload-schema.js';

export const CHANNEL_PATTERNS = Symbol('nestling:channel:patterns');
export const CHANNEL_HANDLERS = Symbol('nestling:channel:handlers');
export const SOCKET_AUTHENTICATOR = Symbol('nestling:socket-authenticator');

/** A handler method and the schema its payload must pass first (none: any payload). */
export interface HandlerEntry {
  method: string;
  payload?: PayloadSchema<unknown>;
}

/** Which methods of a channel class handle what. Built by the method decorators. */
export interface ChannelHandlerMap {
  join?: HandlerEntry;
  terminate?: string;
  /** Turns payload issues into the channel's own error reply (see @InvalidPayload). */
  invalidPayload?: string;
  /** Inbound event → handler; `*` handles every event without a handler of its own. */
  events: Map<string, HandlerEntry>;
  /** Outgoing event → method (Phoenix's intercept + handle_out). */
  outgoing: Map<string, string>;
}

function handlerMap(target: object): ChannelHandlerMap {
  let map = Reflect.getOwnMetadata(CHANNEL_HANDLERS, target) as ChannelHandlerMap | undefined;
  if (map === undefined) {
    const inherited = Reflect.getMetadata(CHANNEL_HANDLERS, target) as
      ChannelHandlerMap | undefined;
    map = {
      join: inherited?.join,
      terminate: inherited?.terminate,
      invalidPayload: inherited?.invalidPayload,
      events: new Map(inherited?.events),
      outgoing: new Map(inherited?.outgoing),
    };
    Reflect.defineMetadata(CHANNEL_HANDLERS, map, target);
  }
  return map;
}

function methodDecorator(
  register: (map: ChannelHandlerMap, method: string) => void,
): MethodDecorator {
  return (target, key) => register(handlerMap(target), String(key));
}

/**
 * Declares a channel: the topics it serves, exact (`system:general`) or a prefix ending in `*`
 * (`room:*`). The class is a Nest provider: list it in a module's providers and inject freely.
 */
export function Channel(...patterns: string[]): ClassDecorator {
  for (const pattern of patterns) {
    if (
      pattern.length === 0 ||
      (pattern.indexOf('*') !== pattern.length - 1 && pattern.includes('*'))
    ) {
      throw new Error(`invalid channel pattern "${pattern}": "*" may only end it`);
    }
  }
  return applyDecorators(Injectable(), SetMetadata(CHANNEL_PATTERNS, patterns));
}

/**
 * The join handler: `(params, ctx) => reply`. Return nothing or an object to accept (the object
 * is the reply's response), `error({reason})` to refuse; a throw refuses with "join crashed".
 * Without one, every join is accepted with `{}`. With a schema, params that fail it never reach
 * the handler (see @InvalidPayload) and the handler gets the parsed value.
 */
export const Join = (params?: PayloadSchema<unknown>): MethodDecorator =>
  methodDecorator((map, method) => {
    map.join = { method, payload: params };
  });

/**
 * An inbound event handler: `(payload, ctx, event) => reply`. The return value is the reply:
 * nothing → ok `{}`, an object → ok with it, `error(...)`/`reply(status, ...)`, a Buffer or
 * `binary(...)` → a binary reply, `noReply()` → none. A throw crashes the channel (phx_error)
 * unless the error has `toChannelReply()`. `@On('*')` catches events without a handler.
 *
 * `payload` is the event's contract (`p.object({...})`, see payload-schema.ts): a payload that
 * fails it never reaches the handler, which gets the parsed value; the client gets the
 * channel's @InvalidPayload answer.
 */
export const On = (event: string, payload?: PayloadSchema<unknown>): MethodDecorator =>
  methodDecorator((map, method) => {
    map.events.set(event, { method, payload });
  });

/**
 * Answers payloads that fail a schema or the framework's limits (too deep, binary where JSON is
 * expected): `(issues, payload, ctx, event) => reply`, or a throw with `toChannelReply()`.
 * Without one the reply is `error {"reason": "invalid payload", "errors": {path: [message]}}`.
 * For joins `event` is `phx_join` and the reply refuses the join.
 */
export const InvalidPayload = (): MethodDecorator =>
  methodDecorator((map, method) => {
    map.invalidPayload = method;
  });

/**
 * An outgoing hook (Phoenix's intercept/handle_out): runs for each subscriber receiving a
 * broadcast of one of these events, `(payload, ctx, event) => payload | undefined`. The result
 * is pushed to that subscriber (join_ref set); undefined suppresses it.
 */
export const Outgoing = (...events: string[]): MethodDecorator =>
  methodDecorator((map, method) => {
    for (const event of events) map.outgoing.set(event, method);
  });

/** Runs once when the channel ends for any reason: `(reason, ctx) => void`. */
export const Terminate = (): MethodDecorator =>
  methodDecorator((map, method) => {
    map.terminate = method;
  });

/**
 * Marks a provider implementing SocketAuthenticator. All of them are asked, higher `priority`
 * first (default 0; equal priorities in discovery order); the first that answers decides.
 */
export const Authenticator = (options: { priority?: number } = {}): ClassDecorator =>
  applyDecorators(
    Injectable(),
    SetMetadata(SOCKET_AUTHENTICATOR, { priority: options.priority ?? 0 }),
  );

export function channelHandlers(prototype: object): ChannelHandlerMap {
  return (
    (Reflect.getMetadata(CHANNEL_HANDLERS, prototype) as ChannelHandlerMap | undefined) ?? {
      events: new Map(),
      outgoing: new Map(),
    }
  );
}
