import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerProcessEvent {
  event: 'ready' | 'active' | 'completed' | 'failed';
  jobId?: string;
  reminderId?: number;
  result?: unknown;
  error?: string;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** What the worker reported, in order. */
  events: WorkerProcessEvent[];
  /** Resolves with the first reported event matching; rejects if the process exits first. */
  waitFor(match: (event: WorkerProcessEvent) => boolean, timeoutMs?: number): Promise<WorkerProcessEvent>;
  /** Resolves when the process is gone, with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the worker (no shutdown code runs) and waits until it is gone. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Starts tests/helpers/worker-process.ts in its own process; see there for the environment. */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: WorkerProcessEvent[] = [];
  const emitter = new EventEmitter();
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: WorkerProcessEvent;
    try {
      parsed = JSON.parse(line) as WorkerProcessEvent;
    } catch {
      return;
    }
    events.push(parsed);
    emitter.emit('event', parsed);
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  void exited.then(() => emitter.emit('exit'));

  return {
    child,
    events,
    exited,
    stderr: () => stderr,
    waitFor: (match, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const seen = events.find(match);
        if (seen) return resolve(seen);
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`worker process has exited; stderr: ${stderr}`));
        const timer = setTimeout(() => finish(new Error(`worker process: no matching event within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        const onEvent = (event: WorkerProcessEvent) => {
          if (match(event)) finish(undefined, event);
        };
        const onExit = () => finish(new Error(`worker process exited before the event; stderr: ${stderr}`));
        function finish(error?: Error, event?: WorkerProcessEvent) {
          clearTimeout(timer);
          emitter.off('event', onEvent);
          emitter.off('exit', onExit);
          if (error) reject(error);
          else resolve(event!);
        }
        emitter.on('event', onEvent);
        emitter.once('exit', onExit);
      }),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
