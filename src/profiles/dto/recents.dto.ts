import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { MISSING } from '../../common/validation/field-errors.pipe.js';
import { IsRecents } from '../profile-rules.js';

/** `POST /api/recents`: the whole list of recently visited paths, newest first. */
export class RecentsDto {
  @ApiProperty({
    type: [String],
    maxItems: 20,
    example: ['/chat/0b6f4a52-3c1e-4f43-9a8e-2f1d5c7b9e10', '/account'],
    description: 'At most 20 strings of at most 200 characters; replaces the stored list.',
  })
  @IsDefined({ message: MISSING })
  @IsRecents()
  recents: string[];
}
