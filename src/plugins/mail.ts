import fp from 'fastify-plugin';
import { createMailer, type Mailer } from '../modules/reminders/mailer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Sends the API's own e-mails (sign-in links, review notices, test reminders); `delivers` is false without SMTP_URL. */
    mailer: Mailer;
  }
}

/** The API process's mailer: the one given (tests), else SMTP_URL's; without either, messages are composed but not sent. */
export default fp<{ mailer?: Mailer | undefined; smtpUrl?: string | undefined; from: string }>(
  async (app, options) => {
    const mailer = options.mailer ?? createMailer(options.smtpUrl, options.from);
    app.decorate('mailer', mailer);
    // A mailer given by the caller is the caller's to close.
    if (!options.mailer) app.addHook('onClose', async () => mailer.close());
  },
  { name: 'mail' },
);
