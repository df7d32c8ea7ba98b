import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { Config } from '../config/config.js';
import { AccountMails } from './account-mails.js';
import { DevMailboxController } from './dev-mailbox.controller.js';
import { DevMailbox } from './dev-mailbox.js';
import { MailTransport } from './mail-transport.js';
import { SmtpMailTransport } from './smtp-mail.transport.js';

/**
 * Mail. `MailTransport` is SMTP when SMTP_URL is set, else the in-memory DevMailbox (then also
 * exported), whose `GET /dev/mailbox` and `DELETE /dev/mailbox` exist only outside production.
 *
 * AppModule imports `MailModule.forRoot(config)` once. The module is global (like ConfigModule)
 * because it is built from the configuration: feature modules inject AccountMails without
 * importing anything.
 */
@Module({})
export class MailModule {
  static forRoot(config: Config): DynamicModule {
    const smtp = config.mail.smtpUrl !== undefined;
    const providers: Provider[] = [AccountMails];
    const exports: DynamicModule['exports'] = [AccountMails, MailTransport];
    if (smtp) {
      providers.push({ provide: MailTransport, useClass: SmtpMailTransport });
    } else {
      providers.push(DevMailbox, { provide: MailTransport, useExisting: DevMailbox });
      exports.push(DevMailbox);
    }
    return {
      module: MailModule,
      global: true,
      controllers: !smtp && !config.app.production ? [DevMailboxController] : [],
      providers,
      exports,
    };
  }
}
