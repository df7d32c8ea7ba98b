import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';
import { SecretTokens } from './secret-tokens.service.js';

/** Deletes expired token rows every TOKEN_PURGE_INTERVAL_MS. */
@Injectable()
export class TokenPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TokenPurge');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tokens: SecretTokens,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), this.config.auth.tokenPurgeIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<number> {
    try {
      const purged = await this.tokens.purgeExpired();
      if (purged > 0) this.logger.log(`purged ${purged} expired tokens`);
      return purged;
    } catch (error) {
      this.logger.error(
        `token purge failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 0;
    }
  }
}
