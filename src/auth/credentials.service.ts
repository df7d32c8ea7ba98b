import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import {
  type FieldErrors,
  invalidInput,
  invalidToken,
  ValidationFailed,
} from '../common/errors/domain-error.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { AccountMails } from '../mail/account-mails.js';
import type { EmailChangeDto, PasswordChangeDto, PasswordResetDto } from './dto/credentials.dto.js';
import { type PublicUser, publicUser } from './login-body.js';
import { PasswordHasher } from './password-hasher.js';
import { SecretTokens } from './secret-tokens.service.js';
import { Sessions } from './sessions.js';
import type { TokenPurpose } from './user-token.entity.js';

/** Email confirmation, password reset and change, email change. */
@Injectable()
export class CredentialsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: SecretTokens,
    private readonly sessions: Sessions,
    private readonly mails: AccountMails,
  ) {}

  /** Marks the email confirmed; all confirmation tokens of the user are used up. */
  async confirmEmail(token: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const user = await this.userOfToken(manager, token, 'email_confirmation');
      if (user.confirmedAt !== null) throw invalidInput();
      await manager
        .getRepository(User)
        .update({ id: user.id }, { confirmedAt: new Date(), updatedAt: new Date() });
      await this.tokens.revoke(user.id, ['email_confirmation'], manager);
    });
  }

  /** Mails a new confirmation link; 400 Invalid input when already confirmed. */
  async resendConfirmation(user: User): Promise<void> {
    if (user.confirmedAt !== null) throw invalidInput();
    const token = await this.tokens.issue(user.id, 'email_confirmation');
    await this.mails.sendEmailConfirmation(user.email, token);
  }

  /** Mails a reset link when the account exists; answers the same either way. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.db.getRepository(User).findOneBy({ email: email.trim() });
    if (user === null) return;
    const token = await this.tokens.issue(user.id, 'password_reset');
    // Not awaited: the answer must not take longer for existing accounts.
    void this.mails.sendPasswordReset(user.email, token);
  }

  /** Checks a reset token without using it up. */
  async checkPasswordReset(token: string): Promise<PublicUser> {
    return publicUser(await this.userOfToken(this.db.manager, token, 'password_reset'));
  }

  /** Sets a new password from a reset token: every token revoked, sockets closed. */
  async resetPassword(input: PasswordResetDto): Promise<void> {
    const userId = await this.db.transaction(async (manager) => {
      const user = await this.userOfToken(manager, input.token, 'password_reset');
      await this.setPassword(manager, user, input, {});
      return user.id;
    });
    this.sessions.disconnect(userId);
  }

  /** Changes the password of a signed-in user who knows the current one. */
  async changePassword(user: User, input: PasswordChangeDto): Promise<void> {
    const errors: FieldErrors = {};
    if (!(await this.hasher.verify(input.password, user.passwordHash)))
      errors.current_password = ['is not valid'];
    await this.db.transaction((manager) => this.setPassword(manager, user, input, errors));
    this.sessions.disconnect(user.id);
  }

  /** Mails an email-change link to the current address. */
  async requestEmailChange(user: User): Promise<void> {
    const token = await this.tokens.issue(user.id, 'email_change');
    await this.mails.sendEmailChange(user.email, token);
  }

  /** Moves the account to a new address: every token revoked, sockets closed. */
  async changeEmail(user: User, input: EmailChangeDto): Promise<void> {
    const record = await this.tokens.find(input.token, 'email_change');
    if (record === undefined || record.userId !== user.id) throw invalidToken();
    const errors: FieldErrors = {};
    const email = input.email.trim();
    if (email.toLowerCase() === user.email.toLowerCase()) errors.email = ['did not change'];
    if (!(await this.hasher.verify(input.password, user.passwordHash)))
      errors.current_password = ['is not valid'];
    if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);
    try {
      await this.db.transaction(async (manager) => {
        await manager.getRepository(User).update({ id: user.id }, { email, updatedAt: new Date() });
        await this.sessions.revokeWithin(manager, user.id);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ValidationFailed({ email: ['has already been taken'] });
      }
      throw error;
    }
    this.sessions.disconnect(user.id);
  }

  private async setPassword(
    manager: EntityManager,
    user: User,
    input: { new_password: string; new_password_confirmation: string },
    errors: FieldErrors,
  ): Promise<void> {
    if (input.new_password !== input.new_password_confirmation) {
      errors.new_password_confirmation = ['does not match password'];
    }
    if (await this.hasher.verify(input.new_password, user.passwordHash))
      errors.new_password = ['did not change'];
    if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);
    const passwordHash = await this.hasher.hash(input.new_password);
    await manager
      .getRepository(User)
      .update({ id: user.id }, { passwordHash, updatedAt: new Date() });
    await this.sessions.revokeWithin(manager, user.id);
  }

  private async userOfToken(
    manager: EntityManager,
    token: string,
    purpose: TokenPurpose,
  ): Promise<User> {
    const record = await this.tokens.find(token, purpose, manager);
    const user = record && (await manager.getRepository(User).findOneBy({ id: record.userId }));
    if (!user) throw invalidToken();
    return user;
  }
}
