import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { EncryptedMessagesService } from './encrypted-messages.service.js';
import { Message } from './message.entity.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Message]), AuthModule, ConversationsModule],
  controllers: [MessagesController],
  providers: [MessagesService, EncryptedMessagesService],
  exports: [MessagesService, EncryptedMessagesService],
})
export class MessagesModule {}
