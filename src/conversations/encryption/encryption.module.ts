import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { ConversationKeysService } from './conversation-keys.service.js';
import { EncryptedConversationsService } from './encrypted-conversations.service.js';
import { KeyVault } from './key-vault.js';
import { PrivateConversationsController } from './private-conversations.controller.js';

/**
 * Encrypted conversations: the key vault, members' key pairs, starting conversations and
 * GET /api/conversations/private/:user_id. (Their messages are in MessagesModule.)
 */
@Module({
  imports: [AuthModule],
  controllers: [PrivateConversationsController],
  providers: [KeyVault, ConversationKeysService, EncryptedConversationsService],
  exports: [ConversationKeysService, EncryptedConversationsService],
})
export class EncryptionModule {}
