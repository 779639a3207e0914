import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { bearerToken } from './auth.js';
import { createReminderScheduler, type ReminderScheduler } from '../modules/reminders/scheduler.js';

declare module 'fastify' {
  interface FastifyInstance {
    reminders: ReminderScheduler;
  }
}

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The reminder scheduler over the injected BullMQ queue (without one, reminders are still planned
 * in Postgres and a worker's reconcile queues them), and the bull-board dashboard for admins.
 */
export default fp<{ queue: Queue | undefined; officeEmail: string | null }>(
  async (app, { queue, officeEmail }) => {
    app.decorate('reminders', createReminderScheduler({ db: app.db, clock: app.clock, queue, officeEmail, log: app.log }));
    if (!queue) return;
    app.addHook('onClose', () => queue.close());

    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({ queues: [new BullMQAdapter(queue)], serverAdapter });
    await app.register(async (dashboard) => {
      // A browser cannot send a bearer header, so the dashboard also takes Basic auth with the
      // admin token as the password, and asks the browser for it.
      dashboard.addHook('onRequest', async (request, reply) => {
        const token = bearerOrBasicPassword(request);
        if (token) request.headers.authorization = `Bearer ${token}`;
        else reply.header('www-authenticate', 'Basic realm="hazchem-tracker queues"');
      });
      dashboard.addHook('onRequest', app.authorize(['admin']));
      await dashboard.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  },
  { name: 'queue', dependencies: ['database', 'clock', 'auth'] },
);

function bearerOrBasicPassword(request: FastifyRequest): string | undefined {
  const bearer = bearerToken(request);
  if (bearer) return bearer;
  const header = request.headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) throw new AppError('UNAUTHORIZED', { en: 'Basic credentials must be user:token', zh: 'Basic 凭据必须为 用户名:令牌 格式' });
  return decoded.slice(separator + 1);
}
