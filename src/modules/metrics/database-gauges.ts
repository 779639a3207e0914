import { Gauge, type Registry } from 'prom-client';
import type { Database, DatabaseHandle } from '../../db/client.js';
import { createKeyedCache } from '../../http/keyed-cache.js';
import { reminderChannel, reminderStatus } from '../../db/schema/index.js';
import type { Clock } from '../../plugins/clock.js';
import { loadDirectory } from '../departments/departments.service.js';
import { expectedUnitsInOrder } from '../overview/official-order.js';
import { listPlans, loadPlanStructure } from '../plans/plans.service.js';
import { countReminders, countReportsPerPeriod, type ExpectedUnit } from './metrics.repository.js';
import { withTimeout } from './scrape-time.js';

/** A scrape waits this long for the database figures; then they are left out and `hazchem_database_figures_up` is 0. */
const DATABASE_TIMEOUT_MS = 3_000;

export interface DatabaseGaugeOptions {
  database: DatabaseHandle;
  clock: Clock;
  /** How long figures read from the database are reused (METRICS_CACHE_SECONDS). */
  cacheMs: number;
  onError(error: unknown): void;
}

/**
 * What every API process reads alike from Postgres (the worker has no HTTP server, and a counter in
 * one process would miss the others' work and restart at zero): reports per period and reminders
 * per status. Read on scrape, two aggregate queries, shared by the gauges and cached a few seconds.
 */
async function readFigures(db: Database, clock: Clock) {
  const [plans, directory] = await Promise.all([listPlans(db), loadDirectory(db)]);
  const expectedPerPlan = new Map<string, number>();
  const expected: ExpectedUnit[] = [];
  for (const plan of plans) {
    const units = expectedUnitsInOrder(await loadPlanStructure(db, plan.code), directory);
    expectedPerPlan.set(plan.code, units.length);
    expected.push(...units.map((unit) => ({ planId: plan.id, departmentCode: unit.code })));
  }
  const [periods, reminders] = await Promise.all([countReportsPerPeriod(db, expected, clock.now()), countReminders(db)]);
  return { plans: plans.map((plan) => plan.code), expectedPerPlan, periods, reminders };
}

export function registerDatabaseGauges(register: Registry, options: DatabaseGaugeOptions): void {
  const cache = createKeyedCache<Awaited<ReturnType<typeof readFigures>>>(1, { ttlMs: options.cacheMs });
  const figures = () => cache('figures', () => withTimeout(readFigures(options.database.db, options.clock), DATABASE_TIMEOUT_MS, 'the database'));
  /** The figures, or undefined (logged) when the database failed or was too slow. */
  const current = () =>
    figures().catch((error: unknown) => {
      options.onError(error);
      return undefined;
    });
  const registers = [register];

  new Gauge({
    name: 'hazchem_database_figures_up',
    help: '1 when this scrape read the report and reminder figures from the database, 0 when the database failed or did not answer in time (those gauges are then absent).',
    registers,
    async collect() {
      this.set((await current()) ? 1 : 0);
    },
  });

  const periodGauge = (name: string, help: string, value: (row: { expected: number; submitted: number; submittedExpected: number; due: boolean }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['plan', 'period'] as const,
      registers,
      async collect() {
        this.reset();
        const read = await current();
        for (const row of read?.periods ?? []) {
          this.set({ plan: row.plan, period: row.period }, value({ ...row, expected: read!.expectedPerPlan.get(row.plan) ?? 0 }));
        }
      },
    });
  periodGauge('hazchem_reports_submitted', 'Units whose report of the period has been submitted at least once (returned or accepted since, or not).', (row) => row.submitted);
  periodGauge('hazchem_reports_expected', 'Units expected to report in the period (those carrying at least one required row of the 分工表).', (row) => row.expected);
  periodGauge(
    'hazchem_reports_overdue',
    'Expected units that have not submitted the period’s report although its deadline has passed (0 before the deadline).',
    (row) => (row.due ? row.expected - row.submittedExpected : 0),
  );

  new Gauge({
    name: 'hazchem_reminders',
    help: 'Reminders by plan, status (planned, sending, sent, recorded, failed, cancelled, unreachable) and channel (email, webhook).',
    labelNames: ['plan', 'status', 'channel'] as const,
    registers,
    async collect() {
      this.reset();
      const read = await current();
      if (!read) return;
      // Every status of every plan is present (0 when none), so rate() and alerts see a series from the start.
      for (const plan of read.plans) {
        for (const status of reminderStatus.enumValues) for (const channel of reminderChannel.enumValues) this.set({ plan, status, channel }, 0);
      }
      for (const row of read.reminders) this.set({ plan: row.plan, status: row.status, channel: row.channel }, row.count);
    },
  });
}

/** The connection pool of this process, read on scrape. PGlite is one connection and cannot tell idle or waiting. */
export function registerPoolGauges(register: Registry, database: DatabaseHandle): void {
  const stat = (name: string, help: string, pick: (stats: ReturnType<DatabaseHandle['poolStats']>) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['driver'] as const,
      registers: [register],
      collect() {
        this.reset();
        const value = pick(database.poolStats());
        if (value !== null) this.set({ driver: database.driver }, value);
      },
    });
  stat('hazchem_db_pool_max', 'The most connections the pool opens (DATABASE_POOL_MAX; 1 for the embedded PGlite).', (stats) => stats.max);
  stat('hazchem_db_pool_connections', 'Connections open now, in use or idle.', (stats) => stats.total);
  stat('hazchem_db_pool_idle', 'Open connections not in use (absent on PGlite).', (stats) => stats.idle);
  stat('hazchem_db_pool_waiting', 'Queries waiting for a connection (absent on PGlite).', (stats) => stats.waiting);
}
