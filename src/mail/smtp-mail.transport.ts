import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  createTransport,
  type SMTPSentMessageInfo,
  type SMTPTransportOptions,
  type Transporter,
} from 'nodemailer';
import { CONFIG, type Config } from '../config/config.js';
import { MailTransport, type OutgoingMail } from './mail-transport.js';

/**
 * Sends through the SMTP server of SMTP_URL (nodemailer; `smtps://` is TLS from the start,
 * `smtp://` upgrades with STARTTLS when the server offers it). Timeouts are short so that a
 * server that does not answer fails a send within seconds instead of minutes; query parameters of
 * SMTP_URL (e.g. `?connectionTimeout=30000`) override them.
 */
@Injectable()
export class SmtpMailTransport extends MailTransport implements OnModuleDestroy {
  private readonly transporter: Transporter<SMTPSentMessageInfo, SMTPTransportOptions>;

  constructor(@Inject(CONFIG) config: Config) {
    super();
    this.transporter = createTransport(
      {
        url: config.mail.smtpUrl,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      },
      { from: config.mail.from },
    );
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }
}
