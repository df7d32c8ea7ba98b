import {
  AUTH_TOKEN_PREFIX,
  MAX_CONNECT_PARAMS,
  negotiateVsn,
  originAllowed,
  parseConnectParams,
  parseOriginAllowlist,
  parseSubprotocols,
  selectSubprotocol,
} from './handshake.js';

describe('negotiateVsn', () => {
  it('treats a missing vsn as V1', () => {
    expect(negotiateVsn(undefined)).toBe('1.0.0');
  });

  it.each(['1.0.0', '1.0.1', '1.0.42', '1.0.0+build.7'])('maps %p to V1', (vsn) => {
    expect(negotiateVsn(vsn)).toBe('1.0.0');
  });

  it.each(['2.0.0', '2.0.3', '2.0.99999999999999999999', '2.0.0+sha.abc'])(
    'maps %p to V2',
    (vsn) => {
      expect(negotiateVsn(vsn)).toBe('2.0.0');
    },
  );

  it.each([
    '',
    '123.1.1',
    '2.1.0',
    '1.1.0',
    '3.0.0',
    '0.0.1',
    '2.0',
    '2',
    'v2.0.0',
    ' 2.0.0',
    '2.0.0 ',
    '02.0.0',
    '2.00.0',
    '2.0.00',
    '2.0.0-rc.1',
    '2.0.1-rc.1',
    '1.0.0-alpha',
    '2.0.0+',
    'abc',
  ])('refuses %p', (vsn) => {
    expect(negotiateVsn(vsn)).toBeUndefined();
  });

  it('refuses non-string values (e.g. from vsn[]=2.0.0)', () => {
    expect(negotiateVsn(['2.0.0'])).toBeUndefined();
    expect(negotiateVsn({ a: '2.0.0' })).toBeUndefined();
    expect(negotiateVsn(null)).toBeUndefined();
  });
});

describe('parseSubprotocols', () => {
  const token = `${AUTH_TOKEN_PREFIX}czNjcjN0LXRva2Vu`;

  it('returns nothing for a missing header', () => {
    expect(parseSubprotocols(undefined)).toEqual({ offered: [], authToken: undefined });
  });

  it('decodes the spec test vector (browser ", " separator)', () => {
    expect(parseSubprotocols(`phoenix, ${token}`)).toEqual({
      offered: ['phoenix'],
      authToken: 's3cr3t-token',
    });
  });

  it('splits on "," without spaces (Node ws client)', () => {
    expect(parseSubprotocols(`phoenix,${token}`)).toEqual({
      offered: ['phoenix'],
      authToken: 's3cr3t-token',
    });
  });

  it('accepts an array of header values', () => {
    expect(parseSubprotocols(['phoenix, x', token])).toEqual({
      offered: ['phoenix', 'x'],
      authToken: 's3cr3t-token',
    });
  });

  it('trims and drops empty entries', () => {
    expect(parseSubprotocols(' , phoenix ,,\tother ,')).toEqual({
      offered: ['phoenix', 'other'],
      authToken: undefined,
    });
    expect(parseSubprotocols('')).toEqual({ offered: [], authToken: undefined });
  });

  it('accepts the token as the only entry', () => {
    expect(parseSubprotocols(token)).toEqual({ offered: [], authToken: 's3cr3t-token' });
  });

  it('accepts both base64 alphabets, with or without padding', () => {
    // "a?>b~?" is YT8+Yn4/ in standard base64, YT8-Yn4_ in base64url.
    expect(parseSubprotocols(`phoenix, ${AUTH_TOKEN_PREFIX}YT8+Yn4/`).authToken).toBe('a?>b~?');
    expect(parseSubprotocols(`phoenix, ${AUTH_TOKEN_PREFIX}YT8-Yn4_`).authToken).toBe('a?>b~?');
    expect(parseSubprotocols(`${AUTH_TOKEN_PREFIX}YWI=`).authToken).toBe('ab');
    expect(parseSubprotocols(`${AUTH_TOKEN_PREFIX}YWI`).authToken).toBe('ab');
    expect(parseSubprotocols(`${AUTH_TOKEN_PREFIX}YQ==`).authToken).toBe('a');
    expect(parseSubprotocols(`${AUTH_TOKEN_PREFIX}YQ`).authToken).toBe('a');
  });

  it('decodes the token as UTF-8', () => {
    expect(parseSubprotocols(`${AUTH_TOKEN_PREFIX}aMOpbGxv4pyT`).authToken).toBe('héllo✓');
  });

  it.each([
    ['bad characters', `${AUTH_TOKEN_PREFIX}@@@@`],
    ['an empty token', AUTH_TOKEN_PREFIX],
    ['an impossible length', `${AUTH_TOKEN_PREFIX}YWJjZ`],
    ['too much padding', `${AUTH_TOKEN_PREFIX}YWI==`],
    ['padding that does not complete a quantum', `${AUTH_TOKEN_PREFIX}YQ=`],
    ['padding in the middle', `${AUTH_TOKEN_PREFIX}YQ==YQ==`],
    ['bytes that are not UTF-8', `${AUTH_TOKEN_PREFIX}/w`],
    ['two token entries', `${AUTH_TOKEN_PREFIX}YQ, ${AUTH_TOKEN_PREFIX}Yg`],
  ])('flags %s as an invalid token without throwing', (_case, header) => {
    expect(parseSubprotocols(`phoenix, ${header}`)).toEqual({
      offered: ['phoenix'],
      authToken: undefined,
      invalidAuthToken: true,
    });
  });
});

describe('selectSubprotocol', () => {
  it('selects nothing when nothing was offered', () => {
    expect(selectSubprotocol([])).toEqual({ ok: true, protocol: undefined });
  });

  it('selects "phoenix" when offered', () => {
    expect(selectSubprotocol(['phoenix'])).toEqual({ ok: true, protocol: 'phoenix' });
    expect(selectSubprotocol(['chat', 'phoenix'])).toEqual({ ok: true, protocol: 'phoenix' });
  });

  it('refuses when only other subprotocols are offered', () => {
    expect(selectSubprotocol(['chat'])).toEqual({ ok: false });
    expect(selectSubprotocol(['Phoenix'])).toEqual({ ok: false });
  });

  it('works on the output of parseSubprotocols', () => {
    const { offered } = parseSubprotocols(`phoenix, ${AUTH_TOKEN_PREFIX}czNjcjN0LXRva2Vu`);
    expect(selectSubprotocol(offered)).toEqual({ ok: true, protocol: 'phoenix' });
  });
});

describe('parseConnectParams', () => {
  it('decodes the JS client serialization example from the spec (Plug semantics)', () => {
    // {a:null, b:undefined, c:[1,2], d:{e:{f:"x y"}}, g:true} serialized by phoenix.js
    const params = parseConnectParams(
      '?&b=undefined&c%5B0%5D=1&c%5B1%5D=2&d%5Be%5D%5Bf%5D=x%20y&g=true&vsn=2.0.0',
    );
    expect(params).toEqual({
      b: 'undefined',
      c: { '0': '1', '1': '2' },
      d: { e: { f: 'x y' } },
      g: 'true',
      vsn: '2.0.0',
    });
    expect(Object.keys(params)).not.toContain('a');
  });

  it('decodes the spec endPointURL example', () => {
    expect(parseConnectParams('token=abc&nested%5Ba%5D=1&vsn=2.0.0')).toEqual({
      token: 'abc',
      nested: { a: '1' },
      vsn: '2.0.0',
    });
  });

  it('keeps the last token for the LongPoll case', () => {
    expect(parseConnectParams('?token=user-tok&vsn=2.0.0&token=session-tok')).toEqual({
      token: 'session-tok',
      vsn: '2.0.0',
    });
  });

  it('accepts the query with or without the leading "?"', () => {
    expect(parseConnectParams('?a=1')).toEqual({ a: '1' });
    expect(parseConnectParams('a=1')).toEqual({ a: '1' });
    expect(parseConnectParams('')).toEqual({});
    expect(parseConnectParams('?')).toEqual({});
  });

  it('tolerates empty segments (null params, trailing "&")', () => {
    expect(parseConnectParams('?&&b=1&&')).toEqual({ b: '1' });
    expect(parseConnectParams('user=u&vsn=2.0.0&')).toEqual({ user: 'u', vsn: '2.0.0' });
  });

  it('gives "" to keys without "=" and keeps "=" inside values', () => {
    expect(parseConnectParams('flag&a=&b=x=y')).toEqual({ flag: '', a: '', b: 'x=y' });
  });

  it('keeps an empty key, like Plug', () => {
    expect(parseConnectParams('=v')).toEqual({ '': 'v' });
  });

  it('decodes "+" as a space and percent escapes as UTF-8 in keys and values', () => {
    expect(parseConnectParams('q=a+b%2Bc&n%C3%A4me=%E2%9C%93&s=x%20y')).toEqual({
      q: 'a b+c',
      näme: '✓',
      s: 'x y',
    });
  });

  it('does not throw on invalid percent-encoding and keeps the raw text', () => {
    expect(parseConnectParams('a=%zz&b=100%&c=%E9&d=%41%zz&e=%&%zz=1&f=%C3%A9%E9&g=a+%zz')).toEqual(
      {
        a: '%zz',
        b: '100%',
        c: '%E9',
        d: 'A%zz',
        e: '%',
        '%zz': '1',
        f: '%C3%A9%E9',
        g: 'a %zz',
      },
    );
  });

  it('builds nested maps from bracket syntax', () => {
    expect(parseConnectParams('u[name]=n&u[address][city]=c&u[address][zip]=z')).toEqual({
      u: { name: 'n', address: { city: 'c', zip: 'z' } },
    });
  });

  it('builds lists from "[]"', () => {
    expect(parseConnectParams('a[]=x&a[]=y')).toEqual({ a: ['x', 'y'] });
    expect(parseConnectParams('a[]=x')).toEqual({ a: ['x'] });
    expect(parseConnectParams('a[]')).toEqual({ a: [''] });
    expect(parseConnectParams('a%5B%5D=1&a%5B%5D=2')).toEqual({ a: ['1', '2'] });
  });

  it('treats explicit indices as map keys', () => {
    expect(parseConnectParams('a[0]=x&a[1]=y&a[1]=z')).toEqual({ a: { '0': 'x', '1': 'z' } });
  });

  it('nests inside lists the way Plug does', () => {
    expect(parseConnectParams('a[][b]=1&a[][c]=2')).toEqual({ a: [{ b: '1', c: '2' }] });
    expect(parseConnectParams('a[][]=1&a[][]=2')).toEqual({ a: [['1', '2']] });
  });

  it('lets the last assignment win between plain, map and list values', () => {
    expect(parseConnectParams('a=1&a[b]=2')).toEqual({ a: { b: '2' } });
    expect(parseConnectParams('a[b]=2&a=1')).toEqual({ a: '1' });
    expect(parseConnectParams('a[]=1&a[b]=2')).toEqual({ a: { b: '2' } });
    expect(parseConnectParams('a[b]=2&a[]=1')).toEqual({ a: ['1'] });
    expect(parseConnectParams('a[b]=1&a[b][c]=2')).toEqual({ a: { b: { c: '2' } } });
    // Plug's corner case: a nested map counts where its level was first created.
    expect(parseConnectParams('a[b]=1&a=x&a[c]=2')).toEqual({ a: 'x' });
  });

  it('keeps keys that are not well-formed bracket syntax literal', () => {
    expect(parseConnectParams('[a]=1&b[c]d=2&e[f=3&g]=4&h[i]j]=5')).toEqual({
      '[a]': '1',
      'b[c]d': '2',
      'e[f': '3',
      'g]': '4',
      h: { 'i]j': '5' },
    });
  });

  it('returns only string values (never numbers or booleans)', () => {
    const params = parseConnectParams('n=1&b=true&z=null');
    expect(params).toEqual({ n: '1', b: 'true', z: 'null' });
  });

  it('ignores pairs beyond the first 100', () => {
    const query = Array.from({ length: 150 }, (_, i) => `p${i}=${i}`).join('&');
    const params = parseConnectParams(query);
    expect(Object.keys(params)).toHaveLength(MAX_CONNECT_PARAMS);
    expect(params.p99).toBe('99');
    expect(params.p100).toBeUndefined();
  });

  it('does not count empty segments towards the limit', () => {
    const query = '&&&&' + Array.from({ length: 100 }, (_, i) => `p${i}=${i}&`).join('&');
    expect(Object.keys(parseConnectParams(query))).toHaveLength(100);
  });

  it('parses at most 5 bracket levels and keeps the rest as one literal key', () => {
    expect(parseConnectParams('a[1][2][3][4][5]=x')).toEqual({
      a: { '1': { '2': { '3': { '4': { '5': 'x' } } } } },
    });
    expect(parseConnectParams('a[1][2][3][4][5][6][7]=x')).toEqual({
      a: { '1': { '2': { '3': { '4': { '5': { '[6][7]': 'x' } } } } } },
    });
  });

  it('does not pollute prototypes', () => {
    const params = parseConnectParams(
      '__proto__[polluted]=1&a[__proto__][polluted]=1&constructor[prototype][polluted]=1' +
        '&b[constructor]=1&prototype=1&__proto__=x&c[][__proto__]=1&ok=1',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(params).toEqual({ ok: '1' });
    expect(Object.keys(params)).toEqual(['ok']);
  });

  it('returns null-prototype maps, so keys cannot shadow Object.prototype', () => {
    const params = parseConnectParams('toString=x&hasOwnProperty=y&n[valueOf]=z');
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(Object.getPrototypeOf(params.n)).toBeNull();
    expect(params.toString).toBe('x');
    expect(params.hasOwnProperty).toBe('y');
    expect(JSON.stringify(params)).toBe(
      '{"toString":"x","hasOwnProperty":"y","n":{"valueOf":"z"}}',
    );
  });
});

describe('originAllowed', () => {
  const list = ['https://example.com', '//another.com:888', '//*.other.com'];

  it('allows a request without Origin', () => {
    expect(originAllowed(undefined, list)).toBe(true);
  });

  it('allows anything when no allowlist is configured', () => {
    expect(originAllowed('https://evil.test', undefined)).toBe(true);
    expect(originAllowed('https://evil.test', [])).toBe(true);
    expect(originAllowed('null', undefined)).toBe(true);
  });

  it('compares scheme and (default) port when the entry has a scheme', () => {
    expect(originAllowed('https://example.com', list)).toBe(true);
    expect(originAllowed('https://example.com/', list)).toBe(true);
    expect(originAllowed('https://example.com:443', list)).toBe(true);
    expect(originAllowed('http://example.com', list)).toBe(false);
    expect(originAllowed('https://example.com:8443', list)).toBe(false);
    expect(originAllowed('https://www.example.com', list)).toBe(false);
    expect(originAllowed('https://example.com.evil.test', list)).toBe(false);
  });

  it('compares the port only when the entry has one, and any scheme without a scheme', () => {
    expect(originAllowed('http://another.com:888', list)).toBe(true);
    expect(originAllowed('https://another.com:888', list)).toBe(true);
    expect(originAllowed('https://another.com', list)).toBe(false);
    expect(originAllowed('http://another.com:889', list)).toBe(false);
    expect(originAllowed('http://localhost:4000', ['//localhost'])).toBe(true);
    expect(originAllowed('https://localhost', ['//localhost'])).toBe(true);
    expect(originAllowed('http://localhost:4000', ['http://localhost:4000'])).toBe(true);
    expect(originAllowed('http://localhost:4001', ['http://localhost:4000'])).toBe(false);
  });

  it('matches subdomains with "*." (and the bare domain, as Phoenix does)', () => {
    expect(originAllowed('https://a.other.com', list)).toBe(true);
    expect(originAllowed('http://b.a.other.com:3000', list)).toBe(true);
    expect(originAllowed('https://other.com', list)).toBe(true);
    expect(originAllowed('https://notother.com', list)).toBe(false);
    expect(originAllowed('https://other.com.evil.test', list)).toBe(false);
    expect(originAllowed('https://a.other.com:8443', ['https://*.other.com'])).toBe(false);
    expect(originAllowed('https://a.other.com', ['https://*.other.com'])).toBe(true);
  });

  it('compares hosts case-insensitively', () => {
    expect(originAllowed('https://EXAMPLE.com', list)).toBe(true);
    expect(originAllowed('HTTPS://Example.COM', list)).toBe(true);
    expect(originAllowed('https://A.Other.Com', list)).toBe(true);
    expect(originAllowed('https://example.com', ['https://EXAMPLE.COM'])).toBe(true);
    expect(originAllowed('https://x.other.com', ['//*.OTHER.com'])).toBe(true);
  });

  it('allows any well-formed origin with "*"', () => {
    expect(originAllowed('https://whatever.test:1234', ['*'])).toBe(true);
    expect(originAllowed('null', ['*'])).toBe(false);
  });

  it('supports IP addresses and IPv6 literals', () => {
    expect(originAllowed('http://127.0.0.1:4000', ['//127.0.0.1'])).toBe(true);
    expect(originAllowed('http://[::1]:4000', ['//[::1]:4000'])).toBe(true);
    expect(originAllowed('http://[::1]:4001', ['//[::1]:4000'])).toBe(false);
  });

  it.each([
    'null',
    '',
    'example.com',
    '//example.com',
    'https://',
    'https:example.com',
    'https://user:pw@example.com',
    'https://example.com/path',
    'https://example.com?q=1',
    'https://example.com#x',
    'https://exa mple.com',
    'not a url',
  ])('refuses the malformed Origin %p when an allowlist is set', (origin) => {
    expect(originAllowed(origin, ['*', ...list])).toBe(false);
  });

  it('ignores malformed allowlist entries instead of throwing', () => {
    expect(originAllowed('https://example.com', ['not-an-origin', 'https://example.com'])).toBe(
      true,
    );
    expect(originAllowed('https://example.com', ['not-an-origin'])).toBe(false);
  });
});

describe('parseOriginAllowlist', () => {
  it('returns undefined when unset or blank', () => {
    expect(parseOriginAllowlist(undefined)).toBeUndefined();
    expect(parseOriginAllowlist('')).toBeUndefined();
    expect(parseOriginAllowlist(' , ,')).toBeUndefined();
  });

  it('splits, trims and keeps valid entries', () => {
    expect(
      parseOriginAllowlist(' https://example.com , //another.com:888,//*.other.com,, * '),
    ).toEqual(['https://example.com', '//another.com:888', '//*.other.com', '*']);
    expect(parseOriginAllowlist('http://localhost:4000/,//[::1]:4000')).toEqual([
      'http://localhost:4000/',
      '//[::1]:4000',
    ]);
  });

  it.each([
    'example.com',
    'localhost:4000',
    'https://',
    '//',
    '//*',
    '//*.',
    '//a.*.com',
    '//*example.com',
    'https://example.com/path',
    'https://example.com?x',
    'https://user@example.com',
    '//example.com:',
    '//example.com:0',
    '//example.com:65536',
    '//example.com:abc',
    'https://exa mple.com',
    '**',
  ])('throws a one-line error naming the bad entry %p', (entry) => {
    const value = `https://ok.example, ${entry}`;
    expect(() => parseOriginAllowlist(value)).toThrow(Error);
    try {
      parseOriginAllowlist(value);
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain(JSON.stringify(entry));
      expect(message).toContain('WS_ALLOWED_ORIGINS');
      expect(message).not.toContain('\n');
    }
  });

  it('produces lists that originAllowed accepts', () => {
    const allowlist = parseOriginAllowlist('https://example.com,//*.other.com');
    expect(originAllowed('https://example.com', allowlist)).toBe(true);
    expect(originAllowed('https://a.other.com', allowlist)).toBe(true);
    expect(originAllowed('https://evil.test', allowlist)).toBe(false);
  });
});
