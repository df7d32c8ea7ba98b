import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../accounts/user.entity.js';
import { Message } from '../messages/message.entity.js';
import { ConversationMember } from './conversation-member.entity.js';
import { Conversation } from './conversation.entity.js';
import { ConversationsService } from './conversations.service.js';

/** Conversations and membership (services only; the channels are in ChatChannelsModule). */
@Module({
  imports: [TypeOrmModule.forFeature([Conversation, ConversationMember, Message, User])],
  providers: [ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
