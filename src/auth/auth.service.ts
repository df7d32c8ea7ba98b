import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { defaultDisplayName } from '../accounts/account-rules.js';
import { User } from '../accounts/user.entity.js';
import {
  invalidCredentials,
  invalidToken,
  ValidationFailed,
} from '../common/errors/domain-error.js';
import { conversationJson } from '../conversations/chat-json.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { AccountMails } from '../mail/account-mails.js';
import { UserProfile } from '../profiles/user-profile.entity.js';
import { AccessTokens } from './access-tokens.js';
import type { LoginDto } from './dto/login.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import { type LoginBody, publicUser, selfUser } from './login-body.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokens } from './refresh-tokens.js';
import { SecretTokens } from './secret-tokens.service.js';
import { Sessions } from './sessions.js';

/** Registration, login, refresh-token rotation and sign-out. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: SecretTokens,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly sessions: Sessions,
    private readonly mails: AccountMails,
    private readonly conversations: ConversationsService,
  ) {}

  /** Creates the account, its profile and first session, then mails the confirmation link. */
  async register(input: RegisterDto): Promise<LoginBody> {
    const { user, profile, refreshToken, confirmationToken } = await this.createAccount(input);
    // Built after the commit: inside the transaction it would need a second pool connection,
    // and enough concurrent registrations would then wait on each other forever.
    const body = await this.loginBody(user, profile, refreshToken);
    await this.mails.sendEmailConfirmation(body.user.email, confirmationToken);
    return body;
  }

  private async createAccount(input: RegisterDto): Promise<{
    user: User;
    profile: UserProfile;
    refreshToken: string;
    confirmationToken: string;
  }> {
    const displayName = input.display_name ?? input.displayName ?? defaultDisplayName(input.email);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await this.db.transaction(async (manager) => {
        const user = await manager.save(
          manager.create(User, {
            email: input.email,
            displayName,
            passwordHash,
            tokensValidAfter: new Date(0),
            updatedAt: new Date(),
          }),
        );
        const profile = await manager.save(
          manager.create(UserProfile, {
            userId: user.id,
            hidden: false,
            theme: 'auto',
            magnification: 1,
            recents: [],
            updatedAt: new Date(),
          }),
        );
        const refreshToken = await this.tokens.issue(user.id, 'refresh', manager);
        const confirmationToken = await this.tokens.issue(user.id, 'email_confirmation', manager);
        return { user, profile, refreshToken, confirmationToken };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ValidationFailed({ email: ['has already been taken'] });
      }
      throw error;
    }
  }

  async login(input: LoginDto): Promise<LoginBody> {
    const user = await this.db.getRepository(User).findOneBy({ email: input.email.trim() });
    const valid = user
      ? await this.hasher.verify(input.password, user.passwordHash)
      : await this.hasher.verifyNothing(input.password);
    if (!user || !valid) throw invalidCredentials();
    const refreshToken = await this.tokens.issue(user.id, 'refresh');
    return this.loginBody(user, await this.profileOf(this.db.manager, user.id), refreshToken);
  }

  /**
   * Rotates a refresh token. Presented again within REFRESH_REUSE_INTERVAL_MS, it gets the same
   * successor; later, it revokes all of the user's refresh tokens.
   */
  async refresh(token: string): Promise<LoginBody> {
    const rotation = await this.db.transaction((manager) =>
      this.refreshTokens.rotate(token, manager),
    );
    if (rotation.outcome === 'reused') {
      this.logger.warn(
        `refresh token reuse for user ${rotation.userId}: all refresh tokens revoked`,
      );
      throw invalidToken();
    }
    if (rotation.outcome === 'replayed') {
      this.logger.debug(
        `refresh token of user ${rotation.userId} presented again within the reuse interval`,
      );
    }
    const user = await this.db.getRepository(User).findOneByOrFail({ id: rotation.userId });
    return this.loginBody(user, await this.profileOf(this.db.manager, user.id), rotation.token);
  }

  /** Revokes one refresh token; unknown tokens are fine (idempotent). */
  signOut(token: string): Promise<void> {
    return this.tokens.revokeOne(token, 'refresh');
  }

  /**
   * Sign-out everywhere: every refresh token revoked, access tokens issued until now rejected,
   * and the user's live sockets closed (1001).
   */
  async signOutEverywhere(userId: string): Promise<void> {
    await this.db.transaction((manager) =>
      this.sessions.revokeWithin(manager, userId, ['refresh']),
    );
    this.sessions.disconnect(userId);
  }

  private profileOf(manager: EntityManager, userId: string): Promise<UserProfile> {
    return manager.getRepository(UserProfile).findOneByOrFail({ userId });
  }

  private async loginBody(
    user: User,
    profile: UserProfile,
    refreshToken: string,
  ): Promise<LoginBody> {
    const { conversations, users } = await this.conversations.directory(user.id);
    return {
      user: selfUser(user, profile),
      conversations: conversations.map(conversationJson),
      users: users.map(publicUser),
      auth_token: this.accessTokens.sign(user.id),
      refresh_token: refreshToken,
    };
  }
}
