import { Binary } from '../transport/message.js';
import { checkPayload, invalidPayloadReply, issuesByField } from './payload-check.js';
import { p } from './payload-schema.js';

const message = p.object({
  token: p.unknown(),
  content: p.string({ trim: true, min: 1, max: 5 }),
  client_msg_id: p.nullable(p.string({ min: 1, max: 3 })),
  ids: p.optional(p.array(p.uuid(), { max: 2 }), [] as string[]),
  alias: p.orNull(p.nullableString({ trim: true, max: 4 })),
  on: p.optional(p.boolean()),
});

const ID = '0F8FAD5B-D9CB-469F-A165-70867728950E';

describe('payload schemas', () => {
  it('parses a valid payload into the value the handler gets', () => {
    expect(
      message.parse({ token: 't', content: '  hé😀  ', ids: [ID], alias: ' ', extra: 1 }),
    ).toEqual({
      ok: true,
      value: {
        token: 't',
        content: 'hé😀',
        client_msg_id: null,
        ids: [ID.toLowerCase()],
        alias: null,
        on: undefined,
      },
    });
  });

  it('reports every problem with its path, in key order', () => {
    const result = message.parse({
      content: 'x'.repeat(6),
      client_msg_id: 7,
      ids: ['nope', ID],
      on: 'yes',
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: ['content'], message: 'should be at most 5 character(s)' },
        { path: ['client_msg_id'], message: 'is invalid' },
        { path: ['ids', 0], message: 'is invalid' },
        { path: ['alias'], message: "can't be blank" },
        { path: ['on'], message: 'is invalid' },
      ],
    });
  });

  it('counts characters, not UTF-16 units, and checks length after trimming', () => {
    expect(message.parse({ content: '😀😀😀😀😀', alias: null }).ok).toBe(true);
    expect(message.parse({ content: '   ', alias: null })).toEqual({
      ok: false,
      issues: [{ path: ['content'], message: 'should be at least 1 character(s)' }],
    });
  });

  it('refuses strings PostgreSQL cannot store, anywhere', () => {
    expect(message.parse({ content: 'a\u0000b', alias: null })).toEqual({
      ok: false,
      issues: [{ path: ['content'], message: 'contains characters that are not allowed' }],
    });
    expect(message.parse({ content: 'ok', alias: 'x\ud800' })).toEqual({
      ok: false,
      issues: [{ path: ['alias'], message: 'contains characters that are not allowed' }],
    });
    expect(p.record().parse({ a: [{ b: 'fine' }, { c: 'bad\u0000' }] })).toEqual({
      ok: false,
      issues: [{ path: ['a', 1, 'c'], message: 'contains characters that are not allowed' }],
    });
    expect(p.record().parse({ 'key\u0000': 1 }).ok).toBe(false);
  });

  it('refuses binary payloads where JSON is expected, and only takes binary where declared', () => {
    const bytes = Binary.from('raw');
    expect(message.parse(bytes)).toEqual({
      ok: false,
      issues: [{ path: [], message: 'expected a JSON payload, got binary' }],
    });
    expect(p.record().parse(bytes).ok).toBe(false);
    expect(p.binary().parse(bytes)).toEqual({ ok: true, value: bytes });
    expect(p.binary().parse({}).ok).toBe(false);
  });

  it('bounds arrays', () => {
    expect(message.parse({ content: 'x', alias: null, ids: [ID, ID, ID] })).toEqual({
      ok: false,
      issues: [{ path: ['ids'], message: 'should have at most 2 item(s)' }],
    });
  });
});

describe('checkPayload', () => {
  const deep = (levels: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < levels; i++) value = { v: value };
    return value;
  };

  it('refuses nesting deeper than 32 levels before any schema, even without one', () => {
    const issue = { path: [], message: 'is nested too deeply (more than 32 levels)' };
    expect(checkPayload(deep(33), undefined)).toEqual({ ok: false, issues: [issue] });
    expect(checkPayload(deep(33), p.record())).toEqual({ ok: false, issues: [issue] });
    expect(checkPayload(deep(32), undefined)).toEqual({ ok: true, value: deep(32) });
  });

  it('passes any payload, binary included, when the handler declares no schema', () => {
    const bytes = Binary.from('raw');
    expect(checkPayload(bytes, undefined)).toEqual({ ok: true, value: bytes });
    expect(checkPayload('text\u0000', undefined)).toEqual({ ok: true, value: 'text\u0000' });
  });

  it('renders issues as field errors for the default reply', () => {
    const issues = [
      { path: [], message: 'is invalid' },
      { path: ['ids', 0], message: 'is invalid' },
      { path: ['ids', 0], message: 'again' },
    ];
    expect(issuesByField(issues)).toEqual({
      payload: ['is invalid'],
      'ids.0': ['is invalid', 'again'],
    });
    expect(invalidPayloadReply(issues.slice(0, 1))).toEqual(
      expect.objectContaining({
        status: 'error',
        response: { reason: 'invalid payload', errors: { payload: ['is invalid'] } },
      }),
    );
  });
});
