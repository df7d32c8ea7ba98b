import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';

/** docs/asyncapi.yaml: the chat product's Phoenix Channels (no app needed). */
const DOC_PATH = fileURLToPath(new URL('../docs/asyncapi.yaml', import.meta.url));

/**
 * DiagnosticSeverity.Error. Typed through Diagnostic: the parser's exported enum comes from another
 * copy of @stoplight/types than spectral-core's, so the two enums don't compare.
 */
const ERROR: Diagnostic['severity'] = 0;

const SYSTEM = 'system:general';
const USER = 'user:{user_id}';
const CONVERSATION = 'conversation:{conversation_id}';

/** Client → server events (operations with `action: receive`), answered with a phx_reply. */
const INBOUND: Array<[string, string]> = [
  [SYSTEM, 'phx_join'],
  [SYSTEM, 'set_hidden'],
  [SYSTEM, 'set_display_name'],
  [SYSTEM, 'start_conversation'],
  [USER, 'phx_join'],
  [CONVERSATION, 'phx_join'],
  [CONVERSATION, 'send_message'],
  [CONVERSATION, 'edit_message'],
  [CONVERSATION, 'delete_message'],
  [CONVERSATION, 'start_typing'],
  [CONVERSATION, 'finish_typing'],
  [CONVERSATION, 'read_conversation'],
  [CONVERSATION, 'change_alias'],
  [CONVERSATION, 'modify_conversation'],
  [CONVERSATION, 'leave_conversation'],
];

/** Server → client events (operations with `action: send`). */
const OUTBOUND: Array<[string, string]> = [
  [SYSTEM, 'presence_state'],
  [SYSTEM, 'presence_diff'],
  [SYSTEM, 'update_display_name'],
  [USER, 'new_conversation'],
  [CONVERSATION, 'new_message'],
  [CONVERSATION, 'update_message'],
  [CONVERSATION, 'delete_message'],
  [CONVERSATION, 'start_typing'],
  [CONVERSATION, 'finish_typing'],
  [CONVERSATION, 'read_conversation'],
  [CONVERSATION, 'update_alias'],
  [CONVERSATION, 'leave_conversation'],
];

/** The operations of `doc` on `address` with `action` whose messages include the event `name`. */
function operationsIn(
  doc: AsyncAPIDocumentInterface,
  address: string,
  action: 'send' | 'receive',
  name: string,
) {
  return doc
    .operations()
    .all()
    .filter(
      (op) =>
        op.action() === action &&
        op
          .channels()
          .all()
          .some((c) => c.address() === address) &&
        op
          .messages()
          .all()
          .some((m) => m.name() === name),
    );
}

describe('AsyncAPI document: chat channels', () => {
  let document: AsyncAPIDocumentInterface | undefined;
  let diagnostics: Diagnostic[];

  beforeAll(async () => {
    const yaml = readFileSync(DOC_PATH, 'utf8');
    ({ document, diagnostics } = await new Parser().parse(yaml));
  });

  const operationsFor = (address: string, action: 'send' | 'receive', name: string) =>
    operationsIn(document!, address, action, name);

  it('parses as AsyncAPI 3.0.0 without errors', () => {
    const errors = diagnostics.filter((d) => d.severity === ERROR);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
  });

  it('describes the Phoenix socket server', () => {
    const server = document!.servers().get('local');
    expect(server).toBeDefined();
    expect(server!.protocol()).toBe('ws');
    expect(server!.host()).toBe('localhost:4000');
    expect(server!.pathname()).toBe('/socket/websocket');
    expect(document!.info().description()).toMatch(/\[join_ref, ref, topic, event, payload\]/);
  });

  it('has the three chat channels, with their parameters', () => {
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses).toEqual(expect.arrayContaining([SYSTEM, USER, CONVERSATION]));

    const parameters = (address: string) =>
      document!
        .channels()
        .all()
        .find((c) => c.address() === address)!
        .parameters()
        .all()
        .map((p) => p.id());
    expect(parameters(USER)).toEqual(['user_id']);
    expect(parameters(CONVERSATION)).toEqual(['conversation_id']);
  });

  it.each(INBOUND)('receives %s %s and replies with phx_reply', (address, event) => {
    const [operation, ...others] = operationsFor(address, 'receive', event);
    expect(operation).toBeDefined();
    expect(others).toEqual([]);
    const reply = operation.reply();
    expect(reply).toBeDefined();
    expect(
      reply!
        .messages()
        .all()
        .map((m) => m.name()),
    ).toContain('phx_reply');
  });

  it.each(OUTBOUND)('sends %s %s', (address, event) => {
    expect(operationsFor(address, 'send', event)).toHaveLength(1);
  });

  it('documents the shared schemas', () => {
    const schemas = document!
      .components()
      .schemas()
      .all()
      .map((s) => s.id());
    expect(schemas).toEqual(
      expect.arrayContaining(['Conversation', 'Message', 'PublicUser', 'MessagePage', 'Timestamp']),
    );
  });
});

/** docs/asyncapi-stamp-rally.yaml: the stamp-rally product's Phoenix Channel (no app needed). */
const RALLY_DOC_PATH = fileURLToPath(new URL('../docs/asyncapi-stamp-rally.yaml', import.meta.url));

/** The two topics: identical behaviour, both documented in full. */
const RALLY_TOPICS = ['notifications', 'notifications:scans'];

/** Client → server events on each topic, answered with a phx_reply. */
const RALLY_INBOUND = ['phx_join', 'collected', 'rally-completed', 'ping', 'pong', 'shout'];

/** Server → client events on each topic. */
const RALLY_OUTBOUND = [
  'collected-broadcast',
  'rally-completed',
  'shout',
  'msg',
  'presence_state',
  'presence_diff',
];

const perTopic = (events: string[]): Array<[string, string]> =>
  RALLY_TOPICS.flatMap((topic) => events.map((event): [string, string] => [topic, event]));

describe('AsyncAPI document: stamp-rally channels', () => {
  let document: AsyncAPIDocumentInterface | undefined;
  let diagnostics: Diagnostic[];

  beforeAll(async () => {
    const yaml = readFileSync(RALLY_DOC_PATH, 'utf8');
    ({ document, diagnostics } = await new Parser().parse(yaml));
  });

  const operationsFor = (address: string, action: 'send' | 'receive', name: string) =>
    operationsIn(document!, address, action, name);

  const schema = (id: string) => document!.components().schemas().get(id)!;

  it('parses as AsyncAPI 3.0.0 without errors', () => {
    const errors = diagnostics.filter((d) => d.severity === ERROR);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
  });

  it('describes the Phoenix socket server and its userToken credential', () => {
    const server = document!.servers().get('local');
    expect(server).toBeDefined();
    expect(server!.protocol()).toBe('ws');
    expect(server!.host()).toBe('localhost:4000');
    expect(server!.pathname()).toBe('/socket/websocket');
    expect(document!.info().description()).toMatch(/\[join_ref, ref, topic, event, payload\]/);

    const query = server!.bindings().get('ws')!.value<{ query: { required: string[] } }>().query;
    expect(query.required).toEqual(['userToken', 'vsn']);
    const scheme = document!.components().securitySchemes().get('userToken')!;
    expect([scheme.type(), scheme.name(), scheme.in()]).toEqual([
      'httpApiKey',
      'userToken',
      'query',
    ]);
  });

  it('has the notifications and notifications:scans channels, with the same messages', () => {
    const channels = document!.channels().all();
    expect(channels.map((c) => c.address())).toEqual(expect.arrayContaining(RALLY_TOPICS));
    const messages = RALLY_TOPICS.map((topic) => {
      const channel = channels.find((c) => c.address() === topic)!;
      expect(channel.parameters().all()).toEqual([]);
      return channel
        .messages()
        .all()
        .map((m) => m.name());
    });
    expect(messages[1]).toEqual(messages[0]);
  });

  it.each(perTopic(RALLY_INBOUND))(
    'receives %s %s and replies with phx_reply',
    (address, event) => {
      const [operation, ...others] = operationsFor(address, 'receive', event);
      expect(operation).toBeDefined();
      expect(others).toEqual([]);
      const reply = operation.reply();
      expect(reply).toBeDefined();
      expect(
        reply!
          .messages()
          .all()
          .map((m) => m.name()),
      ).toContain('phx_reply');
    },
  );

  it.each(perTopic(RALLY_OUTBOUND))('sends %s %s', (address, event) => {
    expect(operationsFor(address, 'send', event)).toHaveLength(1);
  });

  it('documents every error reason', () => {
    expect(schema('ErrorReason').enum()).toEqual(
      expect.arrayContaining([
        'unauthorized',
        'unknown topic',
        'invalid payload',
        'rate limited',
        'payload too large',
        'unknown event',
      ]),
    );
  });

  it('keys presence by an opaque player key, never the player id', () => {
    const key = new RegExp(schema('PresenceKey').pattern()!);
    expect(key.test('681adb8b-be3d-4fca-8858-2827609d9b22')).toBe(false);
    expect(key.test('Qm9vZ2llV29vZ2llMTIzNA')).toBe(true);
    expect(schema('PresenceMeta').required()).toEqual(['nickname', 'online_at', 'phx_ref']);
  });

  it('documents the targeted msg payload', () => {
    const msg = document!.components().messages().get('Msg')!;
    expect(msg.name()).toBe('msg');
    expect(msg.payload()!.required()).toEqual(['user_id', 'message']);
  });
});
