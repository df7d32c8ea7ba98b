import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { THEMES, type Theme } from '../user-profile.entity.js';
import { IsHidden, IsMagnification, IsRecents, IsTheme } from '../profile-rules.js';

/** Present keys are validated, `null` included (it is invalid); absent keys are left as they are. */
const present = (key: keyof UpdateProfileDto) =>
  ValidateIf((dto: UpdateProfileDto) => dto[key] !== undefined);

/** `PATCH /api/profile`: any subset of the profile; unknown keys are ignored. */
export class UpdateProfileDto {
  @ApiPropertyOptional({ type: 'boolean' })
  @present('hidden')
  @IsHidden()
  hidden?: boolean;

  @ApiPropertyOptional({ enum: THEMES })
  @present('theme')
  @IsTheme()
  theme?: Theme;

  @ApiPropertyOptional({
    type: 'number',
    minimum: 0.7,
    maximum: 1.4,
    description: 'Stored as numeric(2,1): rounded to one decimal (1.25 → 1.3).',
  })
  @present('magnification')
  @IsMagnification()
  magnification?: number;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    description: 'At most 20 strings of at most 200 characters; replaces the stored list.',
  })
  @present('recents')
  @IsRecents()
  recents?: string[];
}
