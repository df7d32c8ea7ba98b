/** One plain-text mail. `from` is the same for every mail (MAIL_FROM). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Where mail goes: SMTP when SMTP_URL is set, else the in-memory development mailbox (see
 * MailModule). `send` rejects when the mail could not be handed over.
 */
export abstract class MailTransport {
  abstract send(mail: OutgoingMail): Promise<void>;
}
