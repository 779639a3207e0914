import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { selectRows } from '../src/db/client.js';
import { reports, type ReportEntry } from '../src/db/schema/index.js';
import { consolidated } from '../src/modules/consolidated/consolidated.service.js';
import { consolidatedSchema } from '../src/modules/consolidated/consolidated.schemas.js';
import { loadDirectory } from '../src/modules/departments/departments.service.js';
import { reportingUnits } from '../src/modules/overview/official-order.js';
import { loadPlanStructure } from '../src/modules/plans/plans.service.js';
import { listProgressPeriods } from '../src/modules/periods/periods.repository.js';
import { narrative } from './helpers/fixtures.js';
import { drivers, useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/*
 * The consolidated JSON is written from SQL (src/modules/consolidated/consolidated.json.ts) rather
 * than by serialising `consolidated(…)` through its schema. Both must give the same bytes, on every
 * period and both drivers, with the cases that could tell them apart: texts JSON escapes (quotes,
 * backslashes, control characters, U+2028, emoji), metrics with numbers in exponent notation,
 * drafts, returned reports, version 0, optional rows (各有关部门), an entry on a row the unit
 * does not carry, blocked rows, falling and flat progress (the flags), units missing twice and the
 * summary period's narratives.
 */

const PLAN = 'hazchem-2017';
const TRICKY = 'quote " backslash \\ slash / tab \t newline \n bell \u0007 nul-free \u001f sep \u2028 emoji 🧪 中文';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function fill(db: Parameters<typeof loadPlanStructure>[0]) {
  const structure = await loadPlanStructure(db, PLAN);
  const directory = await loadDirectory(db);
  const { units, optional } = reportingUnits(structure, directory);
  const periods = await listProgressPeriods(db, structure.plan.id);
  const next = random(2017);
  const optionalKeys = [...optional.keys()];
  const allKeys = structure.measures.flatMap((measure) => measure.tasks.map((task) => `${measure.no}-${task.seq}`));
  const rows: (typeof reports.$inferInsert)[] = [];
  periods.forEach((period, periodIndex) => {
    units.forEach(({ department, required }, unitIndex) => {
      const roll = next();
      // Every ninth unit never reports: it is missing twice from the second period on.
      if (unitIndex % 9 === 4 || roll < 0.05) return;
      const entries: ReportEntry[] = required.map(({ task }, rowIndex) => {
        const flat = task.measureNo % 5 === 0; // these rows keep their progress, period after period
        const progress = flat ? 40 : Math.min(100, Math.max(0, periodIndex * 12 + Math.round(next() * 30) - (task.measureNo % 3 === 0 ? periodIndex * 20 : 0)));
        const status = next() < 0.05 ? 'blocked' : progress === 100 ? 'completed' : progress === 0 ? 'not_started' : 'in_progress';
        const entry: ReportEntry = { measureNo: task.measureNo, taskSeq: task.taskSeq, status, progress, summary: `${department.name} ${period.id} ${rowIndex} ${TRICKY}` };
        if (next() < 0.3) entry.problems = `问题 ${TRICKY}`;
        if (next() < 0.3) entry.nextSteps = '下步 "打算"';
        if (next() < 0.15) entry.metrics = [{ name: '占比 "%"', value: 72.5, unit: '%' }, { name: '大数', value: 1e21, unit: '' }, { name: '小数', value: 0.1 + 0.2, unit: 'x' }];
        return entry;
      });
      const optionalKey = optionalKeys[unitIndex % optionalKeys.length];
      if (unitIndex % 4 === 1 && optionalKey && !required.some((row) => row.key === optionalKey)) {
        const [measureNo, taskSeq] = optionalKey.split('-').map(Number) as [number, number];
        entries.push({ measureNo, taskSeq, status: 'in_progress', progress: 55, summary: `选填 ${TRICKY}` });
      }
      // A row the unit does not carry (the table changed after it reported; rows appear once each): never counted.
      const stale = allKeys.find((key) => !optional.has(key) && !required.some((row) => row.key === key));
      if (unitIndex % 11 === 3 && stale) {
        const [measureNo, taskSeq] = stale.split('-').map(Number) as [number, number];
        entries.push({ measureNo, taskSeq, status: 'completed', progress: 100, summary: 'stale' });
      }
      const status = roll < 0.15 ? 'draft' : roll < 0.25 ? 'returned' : roll < 0.6 ? 'submitted' : 'accepted';
      const at = new Date(period.dueAt.getTime() - 86_400_000);
      const submitted = status !== 'draft' || roll < 0.1;
      rows.push({
        planId: structure.plan.id,
        periodId: period.id,
        departmentCode: department.code,
        status,
        version: roll > 0.97 ? 0 : 2,
        entries,
        narrative: period.kind === 'summary' ? narrative(`${department.code} ${TRICKY}`) : null,
        firstSubmittedAt: submitted ? at : null,
        submittedAt: submitted ? at : null,
        late: submitted ? roll > 0.8 : null,
        updatedAt: at,
      });
    });
  });
  for (let start = 0; start < rows.length; start += 500) await db.insert(reports).values(rows.slice(start, start + 500));
  return periods.map((period) => period.id);
}

describe.each(drivers)('consolidated JSON written from SQL (%s)', (driver) => {
  const ctx = useTestApp({ driver });

  it('when reports of every kind fill every period, each period’s answer is byte for byte the schema’s serialisation of consolidated()', async () => {
    const periods = await fill(ctx.app.db);
    const office = await bearer(ctx.app, 'office');
    const flagged = new Set<string>();
    for (const period of periods) {
      const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/${period}/consolidated`, headers: office });
      expect(response.statusCode, period).toBe(200);
      const expected = JSON.stringify(consolidatedSchema.parse(await consolidated(ctx.app.db, PLAN, period)));
      expect(response.body === expected, `${period}: the written JSON differs from the schema's serialisation`).toBe(true);
      const body = JSON.parse(response.body) as { measures: { tasks: { flags: { code: string }[] }[] }[]; unitFlags: unknown[] };
      for (const measure of body.measures) for (const task of measure.tasks) for (const flag of task.flags) flagged.add(flag.code);
      if (body.unitFlags.length > 0) flagged.add('missing-twice');
    }
    // The data exercised every flag, so the earlier periods' figures from SQL were compared too.
    expect([...flagged].sort()).toEqual(['blocked', 'missing-twice', 'overdue', 'regressed', 'stalled']);
  });

  it('when reports of an earlier period change, the next read of a later period flags from the new figures, not the kept ones', async () => {
    const office = await bearer(ctx.app, 'office');
    const read = async (period: string) => (await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/${period}/consolidated`, headers: office })).body;
    const before = await read('2019Q3');
    // The office returns every counted report of 2019Q2: its roll-ups, which 2019Q3's flags compare with, change.
    await ctx.app.db.execute(sql`update reports set status = 'returned', updated_at = now() where period_id = '2019Q2' and status in ('submitted', 'accepted')`);
    const after = await read('2019Q3');
    expect(after).not.toBe(before);
    expect(after === JSON.stringify(consolidatedSchema.parse(await consolidated(ctx.app.db, PLAN, '2019Q3'))), 'the written JSON differs from the schema\'s serialisation').toBe(true);
  });

  it('when some reports of the period read change after a read, the next read uses their new contents and keeps the others', async () => {
    const office = await bearer(ctx.app, 'office');
    const read = async () => (await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/2019Q1/consolidated`, headers: office })).body;
    const before = await read();
    // A new version of one report's entries, one report back to draft, one returned: as writes leave them (version and updated_at move).
    const [changed, drafted, returned] = (
      await selectRows<{ id: number }>(ctx.app.db, sql`select id from reports where period_id = '2019Q1' and version > 0 and status in ('submitted', 'accepted') order by department_code limit 3`)
    ).map((row) => row.id) as [number, number, number];
    await ctx.app.db.execute(sql`update reports set entries = jsonb_set(entries, '{0,summary}', to_jsonb('改写 ' || ${TRICKY}::text)), version = version + 1, updated_at = now() where id = ${changed}`);
    await ctx.app.db.execute(sql`update reports set status = 'draft', version = version + 1, updated_at = now() where id = ${drafted}`);
    await ctx.app.db.execute(sql`update reports set status = 'returned', version = version + 1, updated_at = now() where id = ${returned}`);
    const after = await read();
    expect(after).not.toBe(before);
    expect(after.includes('改写 '), 'the changed entry is read anew').toBe(true);
    expect(after === JSON.stringify(consolidatedSchema.parse(await consolidated(ctx.app.db, PLAN, '2019Q1'))), 'the written JSON differs from the schema\'s serialisation').toBe(true);
  });
});
