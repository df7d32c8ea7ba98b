import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString } from 'class-validator';
import { MISSING } from '../../common/validation/field-errors.pipe.js';

/** `{token}`: a refresh, confirmation or reset token. */
export class TokenDto {
  @ApiProperty({ description: '43-character base64url token' })
  @IsDefined({ message: MISSING })
  @IsString({ message: 'is invalid' })
  token: string;
}
