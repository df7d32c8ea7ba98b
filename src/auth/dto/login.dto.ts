import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString } from 'class-validator';
import { MISSING } from '../../common/validation/field-errors.pipe.js';

export class LoginDto {
  @ApiProperty({ example: 'ann@example.com' })
  @IsDefined({ message: MISSING })
  @IsString({ message: 'is invalid' })
  email: string;

  @ApiProperty()
  @IsDefined({ message: MISSING })
  @IsString({ message: 'is invalid' })
  password: string;
}
