import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';
import { MailTransport, type OutgoingMail } from './mail-transport.js';

/** A mail kept by the development mailbox, as `GET /dev/mailbox` lists it. */
export interface DevMail {
  to: string;
  subject: string;
  text: string;
  /** ISO 8601 instant the mail was "sent". */
  sent_at: string;
}

/** How many mails the development mailbox keeps; older ones are dropped. */
export const DEV_MAILBOX_SIZE = 100;

/**
 * The transport when SMTP_URL is unset: mails are kept in memory (the last 100) and listed at
 * `GET /dev/mailbox` outside production. Each mail is logged as one info line with its recipient
 * and subject only: bodies carry tokens, which never reach the logs.
 */
@Injectable()
export class DevMailbox extends MailTransport implements OnModuleInit {
  private readonly logger = new Logger('Mail');
  /** Oldest first. */
  private readonly mails: DevMail[] = [];

  constructor(@Inject(CONFIG) private readonly config: Config) {
    super();
  }

  onModuleInit(): void {
    if (this.config.app.production) {
      this.logger.warn('SMTP_URL is unset: mails are kept in memory and logged, not delivered');
    }
  }

  async send(mail: OutgoingMail): Promise<void> {
    this.mails.push({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      sent_at: new Date().toISOString(),
    });
    if (this.mails.length > DEV_MAILBOX_SIZE) {
      this.mails.splice(0, this.mails.length - DEV_MAILBOX_SIZE);
    }
    this.logger.log(`Mail to ${mail.to}: ${JSON.stringify(mail.subject)} (development mailbox)`);
  }

  /** The kept mails, newest first. */
  list(): DevMail[] {
    return this.mails.map((mail) => ({ ...mail })).reverse();
  }

  clear(): void {
    this.mails.length = 0;
  }
}
