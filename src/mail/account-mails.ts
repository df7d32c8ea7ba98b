import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';
import { MailTransport, type OutgoingMail } from './mail-transport.js';

/** What a mailed link is for; also the path of the link and the token's context. */
export type MailPurpose = 'email_confirmation' | 'password_reset' | 'email_change';

/** `${frontendUrl}/${purpose}?token=${token}`, the token URL-encoded (base64url needs none). */
export function mailLink(frontendUrl: string, purpose: MailPurpose, token: string): string {
  return `${frontendUrl.replace(/\/+$/, '')}/${purpose}?token=${encodeURIComponent(token)}`;
}

interface Template {
  subject: string;
  body: (link: string) => string;
}

const TEMPLATES: Record<MailPurpose, Template> = {
  email_confirmation: {
    subject: 'Confirm your email address',
    body: (link) =>
      [
        'Welcome to Nestling!',
        '',
        'Confirm your email address by opening this link:',
        '',
        link,
        '',
        'The link is valid for 7 days. If you did not create an account, ignore this mail.',
      ].join('\n'),
  },
  password_reset: {
    subject: 'Reset your password',
    body: (link) =>
      [
        'Someone, hopefully you, asked to reset the password of your Nestling account.',
        '',
        'Choose a new password by opening this link:',
        '',
        link,
        '',
        'The link is valid for 1 day. If you did not ask for it, ignore this mail: your password',
        'stays as it is.',
      ].join('\n'),
  },
  email_change: {
    subject: 'Change your email address',
    body: (link) =>
      [
        'Someone, hopefully you, asked to change the email address of your Nestling account.',
        '',
        'Choose your new address by opening this link:',
        '',
        link,
        '',
        'The link is valid for 7 days. If you did not ask for it, ignore this mail: your address',
        'stays as it is.',
      ].join('\n'),
  },
};

/**
 * The mails of the accounts flows. Each method resolves once the mail is handed to the transport
 * and **never rejects**: when sending fails (SMTP down, refused recipient…) it logs one error line
 * naming the recipient and the purpose (never the token or the body) and resolves anyway, so that
 * registration or a password request does not fail because mail is down. The user can ask for a
 * new mail (`POST /api/token/email_confirm`, `POST /auth/password/request`).
 */
@Injectable()
export class AccountMails {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly transport: MailTransport,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Sent on registration and on request: link to `/email_confirmation?token=…`. */
  sendEmailConfirmation(to: string, token: string): Promise<void> {
    return this.send(to, 'email_confirmation', token);
  }

  /** Sent on a password request: link to `/password_reset?token=…`. */
  sendPasswordReset(to: string, token: string): Promise<void> {
    return this.send(to, 'password_reset', token);
  }

  /** Sent to the current address on an email-change request: link to `/email_change?token=…`. */
  sendEmailChange(to: string, token: string): Promise<void> {
    return this.send(to, 'email_change', token);
  }

  private async send(to: string, purpose: MailPurpose, token: string): Promise<void> {
    const template = TEMPLATES[purpose];
    const mail: OutgoingMail = {
      to,
      subject: template.subject,
      text: template.body(mailLink(this.config.mail.frontendUrl, purpose, token)),
    };
    try {
      await this.transport.send(mail);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // The reason comes from the mail server or library; make sure the token cannot leak.
      const safe = token === '' ? reason : reason.split(token).join('[Redacted]');
      this.logger.error(`Mail ${purpose} to ${to} could not be sent: ${safe}`);
    }
  }
}
