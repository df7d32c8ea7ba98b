import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { type Env, validateEnv } from './env-validation.js';

class ChatEnv {
  @IsOptional() @IsInt() @Min(1) @Max(10_000) CHAT_MISSED_LIMIT?: number;
  @IsOptional() @IsInt() @Min(0) @Max(60_000) CHAT_TYPING_INTERVAL_MS?: number;
}

export interface ChatConfig {
  /** At most this many missed messages in a conversation join's `missed` (recovery). */
  missedLimit: number;
  /** start_typing is broadcast at most once per this interval per user and conversation. */
  typingIntervalMs: number;
}

export function chatConfig(env: Env): ChatConfig {
  const e = validateEnv(ChatEnv, env);
  return {
    missedLimit: e.CHAT_MISSED_LIMIT ?? 500,
    typingIntervalMs: e.CHAT_TYPING_INTERVAL_MS ?? 1000,
  };
}
