import fp from 'fastify-plugin';
import { startChangeFeed, type ChangeListener } from '../db/change-feed.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Changes other processes (or the CLI, or SQL) made to memoised and cached tables; see src/db/change-feed.ts. */
    changes: {
      /** Whether changes are being announced; while not, caches keep their entries a second at most. */
      readonly listening: boolean;
      subscribe(listener: ChangeListener): void;
    };
  }
}

/** The process's one LISTEN connection; the memos follow it by themselves, other caches subscribe. */
export default fp(
  async (app) => {
    const listeners = new Set<ChangeListener>();
    const feed = startChangeFeed(app.database, { log: app.log, onChange: (table) => listeners.forEach((listener) => listener(table)) });
    app.addHook('onClose', () => feed.close());
    await feed.ready;
    app.decorate('changes', {
      get listening() {
        return feed.listening;
      },
      subscribe: (listener: ChangeListener) => void listeners.add(listener),
    });
  },
  { name: 'change-feed', dependencies: ['database'] },
);
