import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import type { Logger } from 'pino';
import { LoggingModule } from './common/logging/logging.module.js';
import { ConfigModule } from './config/config.module.js';
import type { Config } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ChatChannelsModule } from './conversations/channels/chat-channels.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import { MailModule } from './mail/mail.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RallyModule } from './rally/rally.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';

export interface AppModuleOptions {
  config: Config;
  /** The database actually used (DATABASE_URL or the embedded server's URL). */
  databaseUrl: string;
  logger: Logger;
  /** More modules (tests add test-only channels this way). */
  imports?: ModuleMetadata['imports'];
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule.forRoot(options.logger),
        DatabaseModule.forRoot(options.databaseUrl),
        HealthModule,
        RealtimeModule,
        AuthModule,
        MessagesModule,
        ChatChannelsModule,
        RallyModule,
        AccountsModule,
        ProfilesModule,
        DashboardModule,
        MailModule.forRoot(options.config),
        MetricsModule.forRoot(options.config),
        ...(options.imports ?? []),
      ],
    };
  }
}
