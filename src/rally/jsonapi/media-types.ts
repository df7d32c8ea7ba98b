/**
 * JSON:API 1.1 content negotiation (spec decision 3), as pure functions over header values.
 * The JSON:API media type may carry only the `ext` and `profile` parameters.
 */
export const JSON_API_MEDIA_TYPE = 'application/vnd.api+json';

/** The parameters the JSON:API media type may carry. */
const JSON_API_PARAMETERS = new Set(['ext', 'profile']);

export interface MediaType {
  /** `type/subtype`, lower-cased. */
  essence: string;
  /** Media type parameters (names lower-cased); for an Accept entry, those before `q`. */
  parameters: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Splits on `separator` outside double-quoted strings (which may hold backslash escapes). */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (quoted && char === '\\' && i + 1 < value.length) {
      current += char + value[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\(.)/g, '$1')
    : value;
}

/**
 * One media type (`type/subtype; name=value; …`), or undefined when it is not well formed.
 * With `stopAtQ` (Accept entries), the `q` weight and the accept-extensions after it are not
 * media type parameters and are dropped.
 */
export function parseMediaType(value: string, stopAtQ = false): MediaType | undefined {
  const [range, ...rawParameters] = splitOutsideQuotes(value, ';').map((part) => part.trim());
  const [type, subtype, ...rest] = range.split('/');
  if (rest.length > 0 || !type || !subtype || !TOKEN.test(type) || !TOKEN.test(subtype)) {
    return undefined;
  }
  const parameters = new Map<string, string>();
  for (const raw of rawParameters) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    if (eq <= 0) return undefined;
    const name = raw.slice(0, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) return undefined;
    if (stopAtQ && name === 'q') break;
    parameters.set(name, unquote(raw.slice(eq + 1).trim()));
  }
  return { essence: `${type}/${subtype}`.toLowerCase(), parameters };
}

/** The entries of an Accept header; malformed entries are left out. */
export function parseAccept(header: string): MediaType[] {
  return splitOutsideQuotes(header, ',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => parseMediaType(entry, true))
    .filter((entry): entry is MediaType => entry !== undefined);
}

/** True for the JSON:API media type carrying no parameter other than `ext`/`profile`. */
export function isPlainJsonApi(mediaType: MediaType): boolean {
  return (
    mediaType.essence === JSON_API_MEDIA_TYPE &&
    [...mediaType.parameters.keys()].every((name) => JSON_API_PARAMETERS.has(name))
  );
}

/**
 * Whether a request Content-Type is one this API reads: absent, the JSON:API media type with at
 * most `ext`/`profile`, or `application/json` (any parameters). Anything else answers 415.
 */
export function contentTypeSupported(header: string | undefined): boolean {
  if (header === undefined || header.trim() === '') return true;
  const mediaType = parseMediaType(header);
  if (mediaType === undefined) return false;
  return mediaType.essence === 'application/json' || isPlainJsonApi(mediaType);
}

/**
 * Whether a response can satisfy the Accept header: false (406) only when it lists the JSON:API
 * media type and every such entry carries a parameter other than `ext`/`profile`.
 */
export function acceptSatisfiable(header: string | undefined): boolean {
  if (header === undefined) return true;
  const jsonApi = parseAccept(header).filter((entry) => entry.essence === JSON_API_MEDIA_TYPE);
  return jsonApi.length === 0 || jsonApi.some(isPlainJsonApi);
}
