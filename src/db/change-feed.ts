import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseHandle, NotificationConnection } from './client.js';
import { invalidateMemos, trustMemos } from './memo.js';

/** The channel migrations/0007_change_notify.sql notifies on, with the changed table's name. */
export const CHANGE_CHANNEL = 'hazchem_changes';

/** The tables whose changes reach caches other than the memos (the principals of src/plugins/auth.ts). */
const NOT_MEMOISED = new Set(['api_tokens']);

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 15_000;

/**
 * What a subscriber hears: the table a statement changed, or `null` when changes may have been
 * missed (the connection was lost, or came back), so that everything cached must go.
 */
export type ChangeListener = (table: string | null) => void;

export interface ChangeFeed {
  /** Whether changes are being announced right now; while not, caches must not be trusted for long. */
  readonly listening: boolean;
  /** Settles after the first attempt to listen, successful or not. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps one LISTEN connection per process (Postgres NOTIFY, see the migration's triggers) and, on
 * each notification, moves the memos of `database` on (src/db/memo.ts) and tells `onChange`.
 * A lost connection is re-opened with exponential backoff; until it is back the memos expire
 * within a second, and once it is back everything is dropped, since notifications sent in
 * between were lost.
 */
export function startChangeFeed(database: DatabaseHandle, options: { log: FastifyBaseLogger; onChange?: ChangeListener }): ChangeFeed {
  const { log } = options;
  let connection: NotificationConnection | undefined;
  let listening = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  const setListening = (value: boolean) => {
    listening = value;
    trustMemos(database.db, value);
    options.onChange?.(null);
  };

  const scheduleRetry = () => {
    if (closed) return;
    const delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures) * (0.75 + Math.random() / 2);
    failures += 1;
    retry = setTimeout(() => void connect(), delay);
    retry.unref();
  };

  const lose = (lost: NotificationConnection, error: Error) => {
    if (connection !== lost) return;
    connection = undefined;
    void lost.close();
    if (listening) log.warn({ err: error }, 'stopped listening for database changes; memoised data expires within a second until listening again');
    setListening(false);
    scheduleRetry();
  };

  async function connect(): Promise<void> {
    let opened: NotificationConnection | undefined;
    try {
      opened = await database.openNotifications();
      if (closed) return void (await opened.close());
      connection = opened;
      const current = opened;
      current.onLost((error) => lose(current, error));
      await current.listen(CHANGE_CHANNEL, (table) => {
        if (!NOT_MEMOISED.has(table)) invalidateMemos(database.db);
        options.onChange?.(table);
      });
      if (connection !== current) return;
      failures = 0;
      setListening(true);
      log.info({ channel: CHANGE_CHANNEL }, 'listening for database changes');
    } catch (error) {
      if (opened && connection === opened) return lose(opened, error as Error);
      if (failures === 0) log.warn({ err: error }, 'cannot listen for database changes yet; memoised data expires within a second meanwhile');
      scheduleRetry();
    }
  }

  setListening(false);
  const ready = connect();
  return {
    get listening() {
      return listening;
    },
    ready,
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const open = connection;
      connection = undefined;
      listening = false;
      await open?.close();
    },
  };
}
