import { Channel, type ChannelContext, Join, On } from '../../realtime/index.js';
import { ChatError } from '../chat-error.js';
import { ChatChannelGuard } from './chat-channel-guard.js';

/** `user:{id}`: the owner's private topic; receives `new_conversation`. */
@Channel('user:*')
export class UserChannel {
  constructor(private readonly guard: ChatChannelGuard) {}

  @Join()
  async join(params: unknown, ctx: ChannelContext): Promise<object> {
    try {
      const userId = await this.guard.authorize(ctx, params);
      if (ctx.topic !== `user:${userId}`) throw new ChatError('unauthorized');
    } catch {
      throw new ChatError('unauthorized');
    }
    return {};
  }

  @On('*')
  unknown(): never {
    throw new ChatError('unknown_event');
  }
}
