import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional } from 'class-validator';
import { IsAccountEmail, IsAccountPassword, IsDisplayName } from '../../accounts/account-rules.js';
import { MISSING } from '../../common/validation/field-errors.pipe.js';

export class RegisterDto {
  @ApiProperty({ example: 'ann@example.com' })
  @IsDefined({ message: MISSING })
  @IsAccountEmail()
  email: string;

  @ApiProperty({
    example: 'Correct-horse-9!',
    description: "12–72 bytes; a lowercase, an uppercase, a digit and one of !@#$%^&*+`~'",
  })
  @IsDefined({ message: MISSING })
  @IsAccountPassword()
  password: string;

  @ApiPropertyOptional({ description: "3–20 characters; default: the email's local part" })
  @IsOptional()
  @IsDisplayName()
  display_name?: string;

  @ApiPropertyOptional({ description: 'Alias of display_name (the web client sends it)' })
  @IsOptional()
  @IsDisplayName()
  displayName?: string;
}
