/** What a socket authenticator sees of a connection attempt (nothing else is kept). */
export interface ConnectRequest {
  /** Query parameters (bracket syntax decoded, every value a string), `vsn` included. */
  params: Record<string, unknown>;
  /** The token from `Sec-WebSocket-Protocol: base64url.bearer.phx.<token>`, decoded. */
  authToken: string | undefined;
  remoteAddress: string;
  userAgent: string | undefined;
  origin: string | undefined;
}

/** Accepts the connection as `principal`; sockets sharing an `id` can be closed together. */
export interface ConnectAccepted {
  principal: unknown;
  id?: string;
}

/** Refuses the connection with this HTTP status (403 unless said otherwise) before the upgrade. */
export interface ConnectRefused {
  refuse: number;
}

/** `undefined`: not mine (the next authenticator is asked). */
export type ConnectResult = ConnectAccepted | ConnectRefused | undefined;

/**
 * Turns connect params and the subprotocol auth token into a principal or a refusal. Implement
 * it on a provider marked `@Authenticator()`; they are asked in turn, and the first that answers
 * decides. When none answers, the connection is refused with 403.
 */
export interface SocketAuthenticator {
  authenticate(request: ConnectRequest): ConnectResult | Promise<ConnectResult>;
}

export const accept = (principal: unknown, id?: string): ConnectAccepted => ({ principal, id });
export const refuse = (status = 403): ConnectRefused => ({ refuse: status });

export function isRefusal(result: ConnectResult): result is ConnectRefused {
  return result !== undefined && 'refuse' in result;
}
