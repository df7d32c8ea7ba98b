import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString } from 'class-validator';
import { IsAccountEmail, IsAccountPassword } from '../../accounts/account-rules.js';
import { INVALID, MISSING } from '../../common/validation/field-errors.pipe.js';

export class PasswordRequestDto {
  @ApiProperty({ example: 'ann@example.com' })
  @IsDefined({ message: MISSING })
  @IsString({ message: INVALID })
  email: string;
}

/** The new password and its confirmation, shared by reset and change. */
class NewPasswordDto {
  @ApiProperty({ description: '12–72 bytes; a lowercase, an uppercase, a digit and a special' })
  @IsDefined({ message: MISSING })
  @IsAccountPassword()
  new_password: string;

  @ApiProperty()
  @IsDefined({ message: MISSING })
  @IsString({ message: INVALID })
  new_password_confirmation: string;
}

/** Reset with a mailed token; the current password is not asked (it was forgotten). */
export class PasswordResetDto extends NewPasswordDto {
  @ApiProperty({ description: 'The password-reset token from the mail' })
  @IsDefined({ message: MISSING })
  @IsString({ message: INVALID })
  token: string;
}

export class PasswordChangeDto extends NewPasswordDto {
  @ApiProperty({ description: 'The current password' })
  @IsDefined({ message: MISSING })
  @IsString({ message: INVALID })
  password: string;
}

export class EmailChangeDto {
  @ApiProperty({ description: 'The email-change token from the mail' })
  @IsDefined({ message: MISSING })
  @IsString({ message: INVALID })
  token: string;

  @ApiProperty({ example: 'ann.new@example.com' })
  @IsDefined({ message: MISSING })
  @IsAccountEmail()
  email: string;

  @ApiProperty({ description: 'The current password' })
  @IsDefined({ message: MISSING })
  @IsString({ message: INVALID })
  password: string;
}
