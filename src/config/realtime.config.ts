import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { parseOriginAllowlist } from '../realtime/transport/handshake.js';
import { ConfigError, type Env, validateEnv } from './env-validation.js';

class RealtimeEnv {
  @IsOptional() @IsString() WS_ALLOWED_ORIGINS?: string;
  @IsOptional() @IsInt() @Min(1) @Max(10_000) WS_MAX_CHANNELS?: number;
  @IsOptional() @IsInt() @Min(1024) @Max(64 * 1024 * 1024) WS_MAX_FRAME_BYTES?: number;
  @IsOptional() @IsInt() @Min(64 * 1024) @Max(1024 * 1024 * 1024) WS_MAX_BUFFERED_BYTES?: number;
  @IsOptional() @IsInt() @Min(100) @Max(3_600_000) WS_IDLE_TIMEOUT_MS?: number;
  @IsOptional() @IsInt() @Min(100) @Max(120_000) LONGPOLL_WINDOW_MS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000) PRESENCE_BATCH_MS?: number;
}

export interface RealtimeConfig {
  /** Allowed `Origin`s for the WebSocket upgrade; undefined: any. */
  allowedOrigins: string[] | undefined;
  maxChannels: number;
  maxFrameBytes: number;
  /** Unsent bytes a socket (or LongPoll session) may hold; past it, it is closed (1008). */
  maxBufferedBytes: number;
  idleTimeoutMs: number;
  /** How long a LongPoll GET is held open; sessions not polled for 1.5× this end. */
  longPollWindowMs: number;
  /** Presence changes within this long of the last `presence_diff` are merged into the next. */
  presenceBatchMs: number;
}

export function realtimeConfig(env: Env): RealtimeConfig {
  const e = validateEnv(RealtimeEnv, env);
  let allowedOrigins: string[] | undefined;
  try {
    allowedOrigins = parseOriginAllowlist(e.WS_ALLOWED_ORIGINS);
  } catch (error) {
    throw new ConfigError('WS_ALLOWED_ORIGINS', (error as Error).message);
  }
  return {
    allowedOrigins,
    maxChannels: e.WS_MAX_CHANNELS ?? 100,
    maxFrameBytes: e.WS_MAX_FRAME_BYTES ?? 1024 * 1024,
    maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES ?? 8 * 1024 * 1024,
    idleTimeoutMs: e.WS_IDLE_TIMEOUT_MS ?? 60_000,
    longPollWindowMs: e.LONGPOLL_WINDOW_MS ?? 10_000,
    presenceBatchMs: e.PRESENCE_BATCH_MS ?? 50,
  };
}
