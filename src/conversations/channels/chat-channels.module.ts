import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module.js';
import { AuthModule } from '../../auth/auth.module.js';
import { MessagesModule } from '../../messages/messages.module.js';
import { ProfilesModule } from '../../profiles/profiles.module.js';
import { RealtimeModule } from '../../realtime/realtime.module.js';
import { ConversationsModule } from '../conversations.module.js';
import { EncryptionModule } from '../encryption/encryption.module.js';
import { ChatChannelGuard } from './chat-channel-guard.js';
import { ConversationChannel } from './conversation.channel.js';
import { SystemChannel } from './system.channel.js';
import { UserChannel } from './user.channel.js';

/** The chat product's channels: system:general, user:{id}, conversation:{id}. */
@Module({
  imports: [
    RealtimeModule,
    AuthModule,
    AccountsModule,
    ProfilesModule,
    ConversationsModule,
    MessagesModule,
    EncryptionModule,
  ],
  providers: [ChatChannelGuard, SystemChannel, UserChannel, ConversationChannel],
})
export class ChatChannelsModule {}
