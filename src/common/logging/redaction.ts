/** Field names whose values never reach a log line, at any depth up to three levels. */
export const SECRET_FIELDS = [
  'password',
  'current_password',
  'new_password',
  'password_confirmation',
  'new_password_confirmation',
  'token',
  'auth_token',
  'refresh_token',
  'access_token',
  'userToken',
  'secret',
  // encrypted conversations: keys and ciphertexts never reach a log line either
  'private_key',
  'public_key',
  'encrypted_messages',
];

/** pino `redact.paths` for headers and secret fields. */
export function redactPaths(): string[] {
  const headers = ['authorization', 'cookie', 'x-phoenix-authtoken', 'sec-websocket-protocol'];
  const fieldPaths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]);
  return [...headers.map((h) => `req.headers["${h}"]`), 'res.headers["set-cookie"]', ...fieldPaths];
}

const SECRET_QUERY_KEYS = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));

/** The URL with the values of secret query parameters (e.g. `?token=`) replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key);
      } catch {
        // keep the raw key
      }
      return SECRET_QUERY_KEYS.has(name.toLowerCase()) && eq >= 0 ? `${key}=[Redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}
