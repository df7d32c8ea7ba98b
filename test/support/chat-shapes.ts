// Validators for the chat wire shapes the web client checks (spec chat-api.md Part B §3.3–3.4).
// Each `check…` function returns a list of problems ("path: what is wrong"); `[]` means the
// value matches. Like the client's zod schemas, extra keys are allowed.
//
//   expect(checkMessage(payload.message)).toEqual([]);

/** UTC timestamp with a SPACE separator, e.g. "2023-10-05 21:25:49.123Z" (never ISO with `T`). */
export const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type Problems = string[];

type Check = (value: unknown, path: string) => Problems;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isTs = (value: unknown): value is string =>
  typeof value === 'string' && TS.test(value);

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID.test(value);

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

function field(
  value: unknown,
  path: string,
  ok: (v: unknown) => boolean,
  expected: string,
): Problems {
  return ok(value) ? [] : [`${path}: expected ${expected}, got ${show(value)}`];
}

/** Runs `checks` on the keys of an object (or reports that it is not one). */
function object(
  value: unknown,
  path: string,
  checks: Record<string, (v: unknown, p: string) => Problems>,
): Problems {
  if (!isObject(value)) return [`${path}: expected an object, got ${show(value)}`];
  return Object.entries(checks).flatMap(([key, check]) => check(value[key], `${path}.${key}`));
}

function array(value: unknown, path: string, item: Check): Problems {
  if (!Array.isArray(value)) return [`${path}: expected an array, got ${show(value)}`];
  return value.flatMap((v, i) => item(v, `${path}[${i}]`));
}

const uuid: Check = (v, p) => field(v, p, isUuid, 'a uuid');
const ts: Check = (v, p) => field(v, p, isTs, 'a TS "YYYY-MM-DD HH:MM:SS(.sss)Z"');
const string: Check = (v, p) => field(v, p, (x) => typeof x === 'string', 'a string');
const boolean: Check = (v, p) => field(v, p, (x) => typeof x === 'boolean', 'a boolean');
const email: Check = (v, p) =>
  field(v, p, (x) => typeof x === 'string' && EMAIL.test(x), 'an email');
const stringOrNull: Check = (v, p) =>
  field(v, p, (x) => x === null || typeof x === 'string', 'a string or null');
const tsOrNull: Check = (v, p) => field(v, p, (x) => x === null || isTs(x), 'a TS or null');

/** Message = {id: uuid, sender: uuid, content: string, inserted_at: TS, updated_at: TS} */
export function checkMessage(value: unknown, path = 'message'): Problems {
  return object(value, path, {
    id: uuid,
    sender: uuid,
    content: string,
    inserted_at: ts,
    updated_at: ts,
  });
}

/** Conversation = {id: uuid, private: boolean, alias: string|null, inserted_at: TS, updated_at: TS} */
export function checkConversation(value: unknown, path = 'conversation'): Problems {
  return object(value, path, {
    id: uuid,
    private: boolean,
    alias: stringOrNull,
    inserted_at: ts,
    updated_at: ts,
  });
}

/** PublicUser = {id: uuid, email: email, display_name: string} */
export function checkPublicUser(value: unknown, path = 'user'): Problems {
  return object(value, path, { id: uuid, email, display_name: string });
}

/** Page = {items: T[], page_token: string} (`""` at the end; never null). */
export function checkPage(value: unknown, item: Check, path = 'page'): Problems {
  return object(value, path, {
    items: (v, p) => array(v, p, item),
    page_token: string,
  });
}

/**
 * CHANNEL_JOIN_SHAPE = {conversation: Conversation, users: PublicUser[],
 *   messages: Page<Message>, read_times: {<uuid>: TS | null}}
 */
export function checkChannelJoin(value: unknown, path = 'join'): Problems {
  return object(value, path, {
    conversation: checkConversation,
    users: (v, p) => array(v, p, checkPublicUser),
    messages: (v, p) => checkPage(v, checkMessage, p),
    read_times: (v, p) => {
      if (!isObject(v)) return [`${p}: expected an object, got ${show(v)}`];
      return Object.entries(v).flatMap(([key, time]) => [
        ...uuid(key, `${p} key`),
        ...tsOrNull(time, `${p}.${key}`),
      ]);
    },
  });
}

/** `GET /api/messages` body: {messages: Page<Message>} */
export function checkMessagesBody(value: unknown, path = 'body'): Problems {
  return object(value, path, { messages: (v, p) => checkPage(v, checkMessage, p) });
}

/** `new_message` / `update_message` payload: {message: Message} */
export function checkMessageEvent(value: unknown, path = 'payload'): Problems {
  return object(value, path, { message: checkMessage });
}

/** `new_conversation` payload: {conversation: Conversation, user_ids: uuid[]} */
export function checkNewConversation(value: unknown, path = 'payload'): Problems {
  return object(value, path, {
    conversation: checkConversation,
    user_ids: (v, p) => array(v, p, uuid),
  });
}

/** `update_alias` payload: {conversation: Conversation} */
export function checkUpdateAlias(value: unknown, path = 'payload'): Problems {
  return object(value, path, { conversation: checkConversation });
}

/** Throws with every problem listed, for code outside `expect`. */
export function assertShape(problems: Problems, what = 'value'): void {
  if (problems.length > 0)
    throw new Error(`${what} has the wrong shape:\n  ${problems.join('\n  ')}`);
}
