import { Body, Controller, HttpCode, Patch, Post, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { User } from '../accounts/user.entity.js';
import { BearerGuard } from '../auth/bearer.guard.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { FieldErrorsPipe } from '../common/validation/field-errors.pipe.js';
import { RecentsDto } from './dto/recents.dto.js';
import { UpdateProfileDto } from './dto/update-profile.dto.js';
import { ProfileBody, profileBody } from './profile-body.js';
import { ProfilesService } from './profiles.service.js';

const INVALID_PROFILE =
  '`{"errors":{"theme":["must be one of auto, day, night"],' +
  '"magnification":["must be a number between 0.7 and 1.4"],' +
  '"recents":["should have at most 20 item(s)","each item must be a string of at most 200 characters"],' +
  '"hidden":["is invalid"]}}`';

/** The caller's profile: theme, magnification, hidden and recently visited paths. */
@ApiTags('profile')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: '`{"errors":{"detail":"Authentication token is missing."}}` (or invalid, expired)',
})
@Controller('api')
@UseGuards(BearerGuard)
@UsePipes(FieldErrorsPipe)
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  /** Changes any subset of the profile; unknown keys are ignored. */
  @Patch('profile')
  @ApiOkResponse({ type: ProfileBody, description: 'The whole profile after the change.' })
  @ApiUnprocessableEntityResponse({ description: INVALID_PROFILE })
  async update(@CurrentUser() user: User, @Body() body: UpdateProfileDto): Promise<ProfileBody> {
    return profileBody(await this.profiles.update(user.id, body));
  }

  /** Replaces the recently visited paths (the web client posts them on every route change). */
  @Post('recents')
  @HttpCode(200)
  @ApiOkResponse({ type: ProfileBody, description: 'The whole profile after the change.' })
  @ApiBadRequestResponse({ description: '`{"error":{"missing_parameters":["recents"]}}`' })
  @ApiUnprocessableEntityResponse({
    description: '`{"errors":{"recents":["should have at most 20 item(s)"]}}`',
  })
  async setRecents(@CurrentUser() user: User, @Body() body: RecentsDto): Promise<ProfileBody> {
    return profileBody(await this.profiles.update(user.id, { recents: body.recents }));
  }
}
