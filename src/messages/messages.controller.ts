import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { User } from '../accounts/user.entity.js';
import { BearerGuard } from '../auth/bearer.guard.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { MissingParameters, notFound } from '../common/errors/domain-error.js';
import { parsePageToken } from '../common/pagination/page-cursor.js';
import { parsePageSize } from '../common/pagination/page-size.js';
import type { Page } from '../common/pagination/page.js';
import type { EncryptedMessageJson, MessageJson } from '../conversations/chat-json.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { EncryptedMessagesService } from './encrypted-messages.service.js';
import { MessagesService } from './messages.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('messages')
@Controller('api/messages')
export class MessagesController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly encrypted: EncryptedMessagesService,
  ) {}

  /**
   * Older messages of a conversation, newest first: the pages after the join reply's. In an
   * encrypted conversation, the caller's own ciphertexts only, each with its `message_group`.
   */
  @Get()
  @UseGuards(BearerGuard)
  @ApiBearerAuth()
  @ApiQuery({ name: 'conversation_id', required: true })
  @ApiQuery({
    name: 'page_token',
    required: false,
    description: 'From the previous page; "" or absent: the newest',
  })
  @ApiQuery({ name: 'page_size', required: false, description: 'Integer 1–100, default 20' })
  @ApiOkResponse({
    description:
      '`{"messages":{"items":[Message],"page_token":"…"}}` (`""` on the last page). In an ' +
      "encrypted conversation each item is the caller's own ciphertext with its `message_group`.",
  })
  @ApiBadRequestResponse({
    description:
      '`{"error":{"missing_parameters":["conversation_id"]}}`, or `{"errors":{"page_size":[…]}}`',
  })
  @ApiNotFoundResponse({
    description:
      '`{"errors":{"detail":"Not Found"}}` for a conversation the caller is not a member of',
  })
  @ApiUnauthorizedResponse({
    description: '`{"errors":{"detail":"Authentication token is missing."}}`',
  })
  async list(
    @CurrentUser() user: User,
    @Query('conversation_id') conversationId: unknown,
    @Query('page_token') pageToken: unknown,
    @Query('page_size') pageSize: unknown,
  ): Promise<{ messages: Page<MessageJson> | Page<EncryptedMessageJson> }> {
    if (conversationId === undefined || conversationId === '')
      throw new MissingParameters(['conversation_id']);
    const size = parsePageSize(pageSize);
    const after = parsePageToken(pageToken);
    if (typeof conversationId !== 'string' || !UUID.test(conversationId)) throw notFound();
    const conversation = await this.conversations.forMember(conversationId, user.id);
    if (!conversation) throw notFound();
    if (conversation.encrypted)
      return { messages: await this.encrypted.page(conversationId, user.id, size, after) };
    return { messages: await this.messages.page(conversationId, size, after) };
  }
}
