/**
 * Pure helpers for the Phoenix WebSocket / LongPoll handshake: protocol version negotiation,
 * `Sec-WebSocket-Protocol` parsing (including the auth token), connect-params decoding with
 * Plug semantics, and the Origin check. No I/O, no NestJS; the transport calls these before it
 * accepts an upgrade. See ../../../../shared/spec/phoenix-protocol.md sections 2.1 to 2.7.
 */
import { isUtf8 } from 'node:buffer';

// ---------------------------------------------------------------------------------------------
// 1. Protocol version (`vsn`), spec 2.3
// ---------------------------------------------------------------------------------------------

/** The two framings this server speaks. */
export type Vsn = '1.0.0' | '2.0.0';

/** SemVer 2.0.0: MAJOR.MINOR.PATCH, no leading zeros, optional -pre-release and +build. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Picks the framing for the `vsn` connect param, like Phoenix's default serializer list
 * `[{V1, "~> 1.0.0"}, {V2, "~> 2.0.0"}]`:
 * - missing (`undefined`) → "1.0.0";
 * - any 1.0.x → "1.0.0", any 2.0.x → "2.0.0" (build metadata such as "2.0.0+abc" is ignored,
 *   as SemVer precedence ignores it);
 * - anything else (unparseable, "", "123.1.1", "2.1.0", "1.1.0", a non-string such as an array
 *   from `vsn[]=...`) → undefined: the caller refuses (WebSocket: HTTP 403; LongPoll: status 403).
 *
 * Pre-releases never match. "2.0.0-rc.1" sorts before 2.0.0, so Elixir's `~> 2.0.0` rejects
 * it too; Elixir would accept a pre-release of a later patch ("2.0.1-rc.1"), which we refuse
 * on purpose: no official client sends one, and refusing is the safer reading.
 *
 * The parameter is `unknown` (wider than `string | undefined`) so a caller can pass
 * `params.vsn` straight from parseConnectParams.
 */
export function negotiateVsn(vsn: unknown): Vsn | undefined {
  if (vsn === undefined) return '1.0.0';
  if (typeof vsn !== 'string') return undefined;
  const m = SEMVER.exec(vsn);
  if (m === null || m[4] !== undefined) return undefined;
  const [, major, minor] = m;
  if (minor !== '0') return undefined;
  if (major === '1') return '1.0.0';
  if (major === '2') return '2.0.0';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// 2. and 3. Subprotocols and the auth token, spec 2.5
// ---------------------------------------------------------------------------------------------

/** The subprotocol entry that carries the auth token (`phoenix.js` option `authToken`). */
export const AUTH_TOKEN_PREFIX = 'base64url.bearer.phx.';

/** The only subprotocol this server selects. */
export const PHOENIX_SUBPROTOCOL = 'phoenix';

export interface ParsedSubprotocols {
  /** The offered subprotocols, in order, without the auth-token entry. */
  offered: string[];
  /** The decoded auth token, when exactly one valid token entry was offered. */
  authToken: string | undefined;
  /**
   * Present (true) when a token entry was offered but is unusable: bad base64, empty, not
   * UTF-8, or more than one token entry. The caller should refuse the connection.
   */
  invalidAuthToken?: true;
}

const BASE64_TOKEN = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Decodes a token encoded with either base64 alphabet (standard `+/` or URL-safe `-_`, even
 * mixed), with or without `=` padding, into a UTF-8 string. Undefined when it is not valid.
 */
function decodeAuthToken(encoded: string): string | undefined {
  if (!BASE64_TOKEN.test(encoded)) return undefined;
  const body = encoded.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined; // no byte sequence encodes to this length
  if (body.length !== encoded.length && encoded.length % 4 !== 0) return undefined; // bad padding
  const bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!isUtf8(bytes)) return undefined;
  return bytes.toString('utf8');
}

/**
 * Splits a `Sec-WebSocket-Protocol` request header (Node's `ws` joins entries with ",",
 * browsers with ", "; an array is also accepted) on commas, trims, drops empty entries, and
 * takes out the `base64url.bearer.phx.<B64>` entry. Despite the name, phoenix.js encodes the
 * token with standard base64 without padding (`"s3cr3t-token"` ↔
 * `base64url.bearer.phx.czNjcjN0LXRva2Vu`); both alphabets and optional padding are accepted.
 * The token is returned as a UTF-8 string. Never throws.
 */
export function parseSubprotocols(header: string | string[] | undefined): ParsedSubprotocols {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const offered: string[] = [];
  const tokens: string[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const entry = part.trim();
      if (entry === '') continue;
      if (entry.startsWith(AUTH_TOKEN_PREFIX)) tokens.push(entry.slice(AUTH_TOKEN_PREFIX.length));
      else offered.push(entry);
    }
  }
  if (tokens.length === 0) return { offered, authToken: undefined };
  // Two token entries are ambiguous: refuse rather than guess which one counts.
  const authToken = tokens.length === 1 ? decodeAuthToken(tokens[0]) : undefined;
  if (authToken === undefined) return { offered, authToken: undefined, invalidAuthToken: true };
  return { offered, authToken };
}

/**
 * Chooses the subprotocol for the 101 response, from `offered` as returned by
 * parseSubprotocols (token entry already removed):
 * - nothing offered → ok, no protocol: send no `Sec-WebSocket-Protocol` header;
 * - "phoenix" offered → ok, "phoenix": the response must name it, or the client fails the
 *   handshake;
 * - otherwise → not ok: the caller answers HTTP 403, as Phoenix does.
 */
export function selectSubprotocol(
  offered: string[],
): { ok: true; protocol: string | undefined } | { ok: false } {
  if (offered.length === 0) return { ok: true, protocol: undefined };
  if (offered.includes(PHOENIX_SUBPROTOCOL)) return { ok: true, protocol: PHOENIX_SUBPROTOCOL };
  return { ok: false };
}

// ---------------------------------------------------------------------------------------------
// 4. Connect params, spec 2.2 (Plug.Conn.Query.decode semantics)
// ---------------------------------------------------------------------------------------------

/** Pairs after this many non-empty `&` segments are ignored. */
export const MAX_CONNECT_PARAMS = 100;

/**
 * At most this many bracket segments are parsed in one key; the rest of the key is kept as one
 * literal key at the last level (like the `qs` package with `depth: 5`):
 * `a[1][2][3][4][5][6][7]=x` → `{a: {1: {2: {3: {4: {5: {"[6][7]": "x"}}}}}}}`.
 */
export const MAX_CONNECT_PARAMS_DEPTH = 5;

/** Keys that are dropped (the whole pair is ignored) wherever they appear in a key path. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A key path segment: a map key, or null for the list marker `[]`. */
type Segment = string | null;

/** Refers to the level (a nested map or list) identified by `level`. */
interface Pointer {
  readonly level: string;
}

interface Entry {
  key: Segment;
  value: string | Pointer;
}

/** The id of the top-level map; ids of nested levels are JSON arrays, so they never clash. */
const ROOT = '';

/**
 * Decodes one `x-www-form-urlencoded` component: `+` is a space, `%XX` a byte, and the bytes are
 * UTF-8. Never throws: malformed escapes (`%zz`, a lone `%`) stay as they are (as in Elixir
 * ≥ 1.13's URI.decode_www_form); if the escapes do not form valid UTF-8, the raw component is
 * returned unchanged (Plug would answer 400 instead).
 */
function decodeComponent(raw: string): string {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // Malformed escape or invalid UTF-8: decode what is decodable, byte by byte.
  }
  const chunks: Buffer[] = [];
  let literalStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') continue;
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) continue;
    chunks.push(Buffer.from(text.slice(literalStart, i), 'utf8'), Buffer.from(hex, 'hex'));
    i += 2;
    literalStart = i + 1;
  }
  chunks.push(Buffer.from(text.slice(literalStart), 'utf8'));
  const bytes = Buffer.concat(chunks);
  return isUtf8(bytes) ? bytes.toString('utf8') : raw;
}

/**
 * Splits a decoded key into its path, like Plug: the key must end with `]` and have a `[`
 * after at least one character; the part before the first `[` is the top-level key and the
 * rest is split on `][`. `[]` (an empty segment) is the list marker. Other keys are literal.
 */
function splitKey(key: string): Segment[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const raw = key.slice(open + 1, -1).split('][');
  const segments: Segment[] = raw
    .slice(0, MAX_CONNECT_PARAMS_DEPTH)
    .map((segment) => (segment === '' ? null : segment));
  if (raw.length > MAX_CONNECT_PARAMS_DEPTH) {
    segments.push(`[${raw.slice(MAX_CONNECT_PARAMS_DEPTH).join('][')}]`);
  }
  return [key.slice(0, open), ...segments];
}

/**
 * Plug's `insert_keys`: from the deepest level up, add the entry to its level; when that level
 * already existed stop, otherwise create it and add a pointer to it one level up.
 */
function insert(levels: Map<string, Entry[]>, path: Segment[], value: string): void {
  let current: string | Pointer = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const level = i === 0 ? ROOT : JSON.stringify(path.slice(0, i));
    const entry: Entry = { key: path[i], value: current };
    const entries = levels.get(level);
    if (entries !== undefined) {
      entries.push(entry);
      return;
    }
    levels.set(level, [entry]);
    current = { level };
  }
}

function resolve(value: string | Pointer, levels: Map<string, Entry[]>): unknown {
  if (typeof value === 'string') return value;
  const entries = levels.get(value.level) ?? [];
  // Plug: a level is a list when its most recent entry is a list item, else a map.
  if (entries.length > 0 && entries[entries.length - 1].key === null) {
    return entries.filter((e) => e.key === null).map((e) => resolve(e.value, levels));
  }
  return toMap(entries, levels);
}

/** A null-prototype map of the keyed entries; for a repeated key the last entry wins. */
function toMap(entries: Entry[], levels: Map<string, Entry[]>): Record<string, unknown> {
  const winners = new Map<string, string | Pointer>();
  for (const { key, value } of entries) if (key !== null) winners.set(key, value);
  const map = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of winners) map[key] = resolve(value, levels);
  return map;
}

/**
 * Decodes a query string into connect params exactly as Plug.Conn.Query.decode does (spec 2.2):
 * - every value is a string; a key without `=` gets ""; `+` is a space;
 * - `a[b][c]=v` → nested maps; `a[]=x&a[]=y` → a list `["x", "y"]`; explicit indices are map
 *   keys: `c[0]=1&c[1]=2` → `{c: {"0": "1", "1": "2"}}`;
 * - a repeated key: the last one wins (also between a plain value and a nested map at the
 *   same key, following Plug's rules exactly, including its corner cases);
 * - empty segments (`?&b=1`, a trailing `&`) are skipped; the leading `?` is optional;
 * - never throws on bad percent-encoding (see decodeComponent).
 *
 * Abuse limits (not in Plug): only the first MAX_CONNECT_PARAMS (100) non-empty segments are
 * read; keys deeper than MAX_CONNECT_PARAMS_DEPTH (5) bracket segments keep the remainder as one
 * literal key; a pair whose key path contains `__proto__`, `constructor` or `prototype` is
 * dropped. Every returned map (top level and nested) has a null prototype, so no key can
 * shadow or reach Object.prototype; use `Object.hasOwn`, not `params.hasOwnProperty`.
 */
export function parseConnectParams(search: string): Record<string, unknown> {
  const query = search.startsWith('?') ? search.slice(1) : search;
  const levels = new Map<string, Entry[]>([[ROOT, []]]);
  let pairs = 0;
  let start = 0;
  while (start <= query.length && pairs < MAX_CONNECT_PARAMS) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const part = query.slice(start, end);
    start = end + 1;
    if (part === '') continue;
    pairs++;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
    const path = splitKey(key);
    if (path.some((segment) => segment !== null && FORBIDDEN_KEYS.has(segment))) continue;
    insert(levels, path, value);
  }
  return toMap(levels.get(ROOT) ?? [], levels);
}

// ---------------------------------------------------------------------------------------------
// 5. and 6. Origin check, spec 2.4
// ---------------------------------------------------------------------------------------------

/** Default ports, as Elixir's URI.parse fills them in (so Phoenix compares them). */
const DEFAULT_PORTS = new Map<string, number>([
  ['http', 80],
  ['https', 443],
  ['ws', 80],
  ['wss', 443],
]);

interface ParsedOrigin {
  scheme: string;
  host: string;
  port: number | undefined;
}

type OriginPattern =
  | { any: true }
  | {
      any: false;
      scheme: string | undefined;
      host: string;
      wildcard: boolean;
      port: number | undefined;
    };

const ORIGIN_ENTRY = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?\/\/(\*\.)?([^/?#@\s]+?)\/?$/;
const HOST_PORT = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/;

/** Lower-cased, normalised hostname (punycode, IPv4 forms) as WHATWG URL sees it, or undefined. */
function normaliseHost(host: string): string | undefined {
  if (host.includes('*')) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return undefined;
  }
  if (url.port !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return undefined;
  }
  return url.hostname === '' ? undefined : url.hostname.toLowerCase();
}

/**
 * Parses one allowlist entry: `*` (any origin), or `[scheme:]//[*.]host[:port]` with an
 * optional trailing `/`. An entry with a scheme but no port gets the scheme's default port
 * (http/ws 80, https/wss 443), as in Phoenix: `https://example.com` does not allow
 * `https://example.com:8443`; use `//example.com` to allow any scheme and port.
 */
function parseOriginPattern(entry: string): OriginPattern | undefined {
  if (entry === '*') return { any: true };
  const m = ORIGIN_ENTRY.exec(entry);
  if (m === null) return undefined;
  const [, rawScheme, wildcard, hostPort] = m;
  const hp = HOST_PORT.exec(hostPort);
  if (hp === null) return undefined;
  const host = normaliseHost(hp[1]);
  if (host === undefined) return undefined;
  const scheme = rawScheme?.toLowerCase();
  let port: number | undefined;
  if (hp[2] !== undefined) {
    port = Number(hp[2]);
    if (port < 1 || port > 65535) return undefined;
  } else if (scheme !== undefined) {
    port = DEFAULT_PORTS.get(scheme);
  }
  return { any: false, scheme, host, wildcard: wildcard !== undefined, port };
}

/** Parses an `Origin` header (`scheme://host[:port]`, optional `/`); undefined when malformed. */
function parseOrigin(origin: string): ParsedOrigin | undefined {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]/.test(origin)) return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return undefined;
  }
  if (url.pathname !== '' && url.pathname !== '/') return undefined;
  const host = url.hostname.toLowerCase();
  if (host === '') return undefined;
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const port = url.port !== '' ? Number(url.port) : DEFAULT_PORTS.get(scheme);
  return { scheme, host, port };
}

function originMatches(pattern: OriginPattern, origin: ParsedOrigin): boolean {
  if (pattern.any) return true;
  if (pattern.scheme !== undefined && pattern.scheme !== origin.scheme) return false;
  if (pattern.port !== undefined && pattern.port !== origin.port) return false;
  if (pattern.wildcard) {
    return origin.host === pattern.host || origin.host.endsWith(`.${pattern.host}`);
  }
  return origin.host === pattern.host;
}

/**
 * Phoenix's `check_origin` with a list (spec 2.4):
 * - no `Origin` header → allowed;
 * - allowlist undefined or empty → allowed without looking at the header (like
 *   `check_origin: false`; the default of this server is "any");
 * - otherwise the Origin must parse (`scheme://host[:port]`; "null", "" or anything else
 *   malformed is refused) and match one entry: the host always (case-insensitive); the scheme
 *   only when the entry has one; the port only when the entry has one, explicitly or as the
 *   default port of its scheme. `*` matches any well-formed Origin.
 * - `//*.other.com` matches `a.other.com`, `b.a.other.com` and also `other.com` itself: that
 *   is what current Phoenix does (`request_host == allowed_host or ends_with("." <> host)`).
 * Entries that do not parse never match (parseOriginAllowlist rejects them up front).
 */
export function originAllowed(
  origin: string | undefined,
  allowlist: string[] | undefined,
): boolean {
  if (origin === undefined) return true;
  if (allowlist === undefined || allowlist.length === 0) return true;
  const parsed = parseOrigin(origin);
  if (parsed === undefined) return false;
  return allowlist.some((entry) => {
    const pattern = parseOriginPattern(entry);
    return pattern !== undefined && originMatches(pattern, parsed);
  });
}

/**
 * Reads `WS_ALLOWED_ORIGINS`: comma-separated entries, trimmed, empty ones dropped. Unset or
 * blank → undefined (any origin). Throws an Error naming the first entry that is not `*` or
 * `[scheme:]//[*.]host[:port]`.
 */
export function parseOriginAllowlist(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return undefined;
  for (const entry of entries) {
    if (parseOriginPattern(entry) === undefined) {
      throw new Error(
        `WS_ALLOWED_ORIGINS: invalid origin entry ${JSON.stringify(entry)} ` +
          '(expected *, https://example.com, //example.com:8080 or //*.example.com)',
      );
    }
  }
  return entries;
}
