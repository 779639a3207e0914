import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { selectRows, type DatabaseHandle } from '../src/db/client.js';
import { seedDatabase } from '../seed/seed.js';
import { parseDepartmentCell } from '../seed/cells.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const tables = ['departments', 'department_members', 'plans', 'plan_phases', 'reporting_periods', 'categories', 'measures', 'tasks', 'task_assignments'];

let database: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  handle = await database.open();
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

async function snapshot() {
  const result: Record<string, unknown[]> = {};
  for (const table of tables) {
    result[table] = await selectRows(handle.db, sql.raw(`select * from ${table} order by 1, 2`));
  }
  return result;
}

describe('seeding', () => {
  it('writes the plan, 31 measures, 39 rows and 53 units', async () => {
    await seedDatabase(handle.db);
    const count = async (table: string) => Number((await selectRows(handle.db, sql.raw(`select count(*) as n from ${table}`)))[0]!.n);
    expect(await count('plans')).toBe(1);
    expect(await count('categories')).toBe(5);
    expect(await count('measures')).toBe(31);
    expect(await count('tasks')).toBe(39);
    expect(await count('departments')).toBe(53);
    expect(await count('department_members')).toBe(16);
  });

  it('when run a second time, changes nothing (same rows, same ids)', async () => {
    const before = await snapshot();
    await seedDatabase(handle.db);
    expect(await snapshot()).toEqual(before);
  });
});

describe('reading a department cell', () => {
  it('splits on 、, keeps the order and reads a trailing 等 as open-ended', () => {
    expect(parseDepartmentCell('市教委、市安全监管局等')).toEqual({ names: ['市教委', '市安全监管局'], openEnded: true });
  });

  it('splits measure 7 on the ; between 各区政府 and the departments', () => {
    expect(parseDepartmentCell('各区政府;市教委、市公安局等').names).toEqual(['各区政府', '市教委', '市公安局']);
  });

  it('reads an empty 牵头部门 cell as no units', () => {
    expect(parseDepartmentCell(null)).toEqual({ names: [], openEnded: false });
  });
});
