import { Channel, type ChannelContext, InvalidPayload, Join, On } from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';
import { ChatChannelGuard } from './chat-channel-guard.js';

/** `user:{id}`: the owner's private topic; receives `new_conversation`. */
@Channel('user:*')
export class UserChannel {
  constructor(private readonly guard: ChatChannelGuard) {}

  @Join()
  async join(params: unknown, ctx: ChannelContext): Promise<object> {
    const userId = this.guard.userOf(ctx);
    if (ctx.topic !== `user:${userId}`) throw new ChatError('unauthorized');
    await this.guard.checkToken(params, userId);
    return {};
  }

  @On('*')
  unknown(): never {
    throw new ChatError('unknown_event');
  }

  @InvalidPayload()
  invalidPayload(_issues: unknown, _payload: unknown, ctx: ChannelContext): never {
    this.guard.userOf(ctx);
    throw new ChatError('invalid_payload');
  }
}
