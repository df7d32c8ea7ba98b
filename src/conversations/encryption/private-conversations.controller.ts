import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiParam,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { User } from '../../accounts/user.entity.js';
import { BearerGuard } from '../../auth/bearer.guard.js';
import { CurrentUser } from '../../auth/current-user.decorator.js';
import { EncryptedConversationsService } from './encrypted-conversations.service.js';

class PrivateConversationResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  conversation_id: string | null;
}

@ApiTags('conversations')
@Controller('api/conversations')
export class PrivateConversationsController {
  constructor(private readonly conversations: EncryptedConversationsService) {}

  /** The caller's encrypted private conversation with a user, if any. */
  @Get('private/:user_id')
  @UseGuards(BearerGuard)
  @ApiBearerAuth()
  @ApiParam({
    name: 'user_id',
    description:
      'The other user. Anything that is not a UUID (the web client sends "undefined") answers ' +
      '`{"conversation_id": null}`.',
  })
  @ApiOkResponse({
    type: PrivateConversationResponse,
    description:
      'The encrypted private conversation between the caller and `user_id` ' +
      '(start_private_conversation), or null. Plain private conversations are not listed.',
  })
  @ApiUnauthorizedResponse({
    description: '`{"errors":{"detail":"Authentication token is missing."}}` (or invalid, expired)',
  })
  async privateConversation(
    @CurrentUser() user: User,
    @Param('user_id') otherUserId: string,
  ): Promise<PrivateConversationResponse> {
    return { conversation_id: await this.conversations.privateWith(user.id, otherUserId) };
  }
}
