import { Controller, Delete, Get, HttpCode, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { LocalClientsOnlyGuard } from '../common/http/local-clients-only.guard.js';
import { type DevMail, DevMailbox } from './dev-mailbox.js';

class DevMailDto implements DevMail {
  @ApiProperty({ example: 'alice@example.com' }) to: string;
  @ApiProperty({ example: 'Confirm your email address' }) subject: string;
  @ApiProperty({ description: 'Plain-text body, with the link and its token.' }) text: string;
  @ApiProperty({ format: 'date-time', example: '2024-05-01T12:00:00.000Z' }) sent_at: string;
}

class DevMailboxDto {
  @ApiProperty({ type: [DevMailDto], description: 'The last 100 mails, newest first.' })
  mails: DevMailDto[];
}

/**
 * The development mailbox over HTTP. Registered only outside production and only when mail is
 * not sent over SMTP (see MailModule); absent routes answer 404. It hands out password-reset
 * links, so even then it answers only requests made on this machine, straight to the server (no
 * proxy in between); any other client gets the same 404.
 */
@ApiTags('dev')
@Controller('dev/mailbox')
@UseGuards(LocalClientsOnlyGuard)
export class DevMailboxController {
  constructor(private readonly mailbox: DevMailbox) {}

  /** The kept mails, newest first. Development only, local clients only. */
  @Get()
  @ApiOkResponse({ type: DevMailboxDto, description: 'The kept mails, newest first.' })
  list(): DevMailboxDto {
    return { mails: this.mailbox.list() };
  }

  /** Empties the mailbox. Development only, local clients only. */
  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The mailbox is empty.' })
  clear(): void {
    this.mailbox.clear();
  }
}
