import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OuterHandleInTransactionError, selectRows, type DatabaseHandle } from '../src/db/client.js';
import { plans } from '../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { drivers, useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/** Fails the test instead of hanging it: what a deadlocked PGlite would do without the guard. */
async function within<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The guard's error, as thrown or as the cause drizzle wraps it in. */
const guardError = (error: unknown) =>
  error instanceof OuterHandleInTransactionError || (error instanceof Error && error.cause instanceof OuterHandleInTransactionError);

describe.each(drivers)('the transaction guard on %s', (driver) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase({ driver, seed: false });
    handle = await database.open();
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('when a transaction callback queries through the outer handle, it throws at once', async () => {
    const { db } = handle;
    await expect(within(db.transaction(async () => db.select().from(plans)))).rejects.toSatisfy(guardError);
    await expect(within(db.transaction(async () => selectRows(db, sql`select 1`)))).rejects.toSatisfy(guardError);
  });

  it('when a transaction callback opens another transaction on the outer handle, it throws at once', async () => {
    const { db } = handle;
    await expect(within(db.transaction(async () => db.transaction(async (inner) => inner.select().from(plans))))).rejects.toSatisfy(guardError);
  });

  it('when the callback uses its transaction, and others use the outer handle meanwhile, all of it runs', async () => {
    const { db } = handle;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await held;
      return (await tx.select().from(plans)).length;
    });
    // Another request's query, from outside the transaction: it waits (PGlite) or runs (pg), never throws.
    const outside = selectRows<{ n: number }>(db, sql`select 2 as n`);
    release();
    expect(await within(transaction)).toBe(0);
    expect(await within(outside)).toEqual([{ n: 2 }]);
  });

  it('when work started in a transaction outlives it, its later queries on the outer handle run', async () => {
    const { db } = handle;
    let later!: Promise<unknown>;
    await db.transaction(async () => {
      later = new Promise((resolve) => setTimeout(resolve, 0)).then(() => selectRows(db, sql`select 1 as one`));
    });
    expect(await within(later)).toEqual([{ one: 1 }]);
  });

  it('after a refused query the database still answers', async () => {
    await within(handle.ping());
  });
});

describe('the embedded default (PGlite) answers after the office edits the reminder policy', () => {
  const ctx = useTestApp({ driver: 'pglite' });

  it('when the office PUTs /v1/plans/hazchem-2017/reminder-policy, it answers 200 and /readyz answers afterwards', async () => {
    const office = await bearer(ctx.app, 'office');
    const policy = { offsetsDays: [5, 1], sendTime: '09:30', escalation: { afterWorkingDays: 2, everyDays: 7, maxCount: 2 }, officeEmail: null };
    const put = await within(ctx.app.inject({ method: 'PUT', url: '/v1/plans/hazchem-2017/reminder-policy', headers: office, payload: policy }));
    expect(put.statusCode, put.body).toBe(200);
    const ready = await within(ctx.app.inject({ method: 'GET', url: '/readyz' }));
    expect(ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    const read = await within(ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/reminder-policy', headers: office }));
    expect(read.json()).toEqual(policy);
  });
});
