import perfHooks from 'node:perf_hooks';
import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default metrics (process CPU and memory, heap, handles, event-loop delay, GC) on
 * one registry, and a function that stops what they started. collectDefaultMetrics gives no way
 * to stop its event-loop-delay histogram or its GC observer (prometheus/client_js issues #494 and
 * #500), and a process that builds many apps (the tests) would keep one of each per app. So the
 * two perf_hooks factories it calls are wrapped for the duration of the (synchronous) call, and
 * what they return is kept to be disabled on close.
 */
export function collectStoppableDefaultMetrics(register: Registry): () => void {
  const stops: (() => void)[] = [];
  const original = { monitorEventLoopDelay: perfHooks.monitorEventLoopDelay, PerformanceObserver: perfHooks.PerformanceObserver };
  perfHooks.monitorEventLoopDelay = (options) => {
    const histogram = original.monitorEventLoopDelay(options);
    stops.push(() => histogram.disable());
    return histogram;
  };
  perfHooks.PerformanceObserver = class StoppableObserver extends original.PerformanceObserver {
    constructor(callback: ConstructorParameters<typeof original.PerformanceObserver>[0]) {
      super(callback);
      stops.push(() => this.disconnect());
    }
  };
  try {
    collectDefaultMetrics({ register });
  } finally {
    perfHooks.monitorEventLoopDelay = original.monitorEventLoopDelay;
    perfHooks.PerformanceObserver = original.PerformanceObserver;
  }
  return () => stops.splice(0).forEach((stop) => stop());
}
