import { ApiProperty } from '@nestjs/swagger';
import { THEMES, type Theme, type UserProfile } from './user-profile.entity.js';

/** The serialised Profile: `{hidden, theme, magnification, recents}`. */
export class ProfileBody {
  @ApiProperty({ description: 'Hidden from presence on system:general.' })
  hidden: boolean;

  @ApiProperty({ enum: THEMES })
  theme: Theme;

  @ApiProperty({
    type: 'number',
    minimum: 0.7,
    maximum: 1.4,
    example: 1,
    description: 'A JSON number with one decimal.',
  })
  magnification: number;

  @ApiProperty({
    type: [String],
    maxItems: 20,
    example: ['/chat/0b6f4a52-3c1e-4f43-9a8e-2f1d5c7b9e10'],
  })
  recents: string[];
}

export function profileBody(profile: UserProfile): ProfileBody {
  return {
    hidden: profile.hidden,
    theme: profile.theme,
    magnification: profile.magnification,
    recents: profile.recents,
  };
}
