import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { XLSX_HEADER_ROW } from '../src/http/print-sheet.js';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { createToken, type TokenRole } from '../src/modules/tokens/tokens.service.js';
import { testClock } from './helpers/clock.js';
import { runCli } from './helpers/service-process.js';
import { drivers, useTestApp } from './helpers/test-app.js';

/* The whole flow runs on Postgres and on the embedded PGlite that `npm start` uses without DATABASE_URL. */
describe.each(drivers)('on %s', (driver) => {
  const clock = testClock('2017-10-09T10:00:00+08:00');
  const ctx = useTestApp({ clock, driver });

  const period = '/v1/plans/hazchem-2017/periods/2017Q3';
  const report = (department: string) => `${period}/reports/${department}`;

  interface CarriedTask {
    measureNo: number;
    taskSeq: number;
    required: boolean;
  }

  const tokens = { office: '', workSafety: '', jinshan: '' };
  const as = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

  /**
   * On Postgres the operator's CLI issues the tokens. An in-memory PGlite lives in this process
   * only, out of the CLI's reach, so there the tokens come from the service code the CLI runs.
   */
  async function issueToken(role: TokenRole, department: string | null, label?: string) {
    if (driver === 'pglite') return (await createToken(ctx.app.db, systemActor, clock.now(), { role, departmentCode: department, label: label ?? null }, () => true)).token;
    const args = ['--role', role, ...(department ? ['--department', department] : []), ...(label ? ['--label', label] : [])];
    const result = await runCli(['token', 'create', ...args], { DATABASE_URL: ctx.database.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^hzt_[A-Za-z0-9_-]{43}\n$/);
    return result.stdout.trim();
  }

  function entriesFor(tasks: CarriedTask[], progress: number) {
    return tasks
      .filter((task) => task.required)
      .map((task) => ({
        measureNo: task.measureNo,
        taskSeq: task.taskSeq,
        status: progress === 100 ? 'completed' : 'in_progress',
        progress,
        summary: `措施${task.measureNo}第${task.taskSeq}项:本季度推进情况。`,
        ...(task.measureNo === 1 ? { metrics: [{ name: '专业监管人员占比', value: 72, unit: '%' }] } : {}),
      }));
  }

  beforeAll(async () => {
    tokens.office = await issueToken('office', null, '市安委会办公室');
    tokens.workSafety = await issueToken('department', 'work-safety', '市安全监管局');
    tokens.jinshan = await issueToken('department', 'jinshan-district');
  });

  describe('a quarter of reporting, end to end', () => {
    let tasks: CarriedTask[];

    // The CLI reaches the database through DATABASE_URL, which an in-memory PGlite does not have.
    if (driver === 'postgres') it('the CLI lists the tokens it created, without their secrets', async () => {
      const result = await runCli(['token', 'list'], { DATABASE_URL: ctx.database.url });
      expect(result.stdout.trim().split('\n')).toHaveLength(3);
      expect(result.stdout).not.toContain(tokens.office);
      expect(result.stdout).toContain('department\twork-safety\tactive\t市安全监管局');
    });

    it('the department registers its liaisons', async () => {
      const response = await ctx.app.inject({
        method: 'PUT',
        url: '/v1/departments/work-safety/liaisons',
        headers: as(tokens.workSafety),
        payload: {
          officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' },
          staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' },
        },
      });
      expect(response.statusCode).toBe(200);
      const roster = (await ctx.app.inject({ method: 'GET', url: '/v1/liaisons', headers: as(tokens.office) })).json();
      expect(roster.registered).toBe(1);
      expect(roster.unregistered).toHaveLength(roster.total - 1);
      expect(roster.items.find((item: { department: { code: string } }) => item.department.code === 'work-safety')).toMatchObject({ registered: true, officer: { name: '张伟' } });
    });

    it('an unstarted report reads as not_started, version 0, with the rows to report on', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: report('work-safety'), headers: as(tokens.workSafety) });
      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe('"v0"');
      const body = response.json();
      expect(body).toMatchObject({ status: 'not_started', version: 0, dueAt: '2017-10-13T17:00:00+08:00', entries: [] });
      tasks = body.tasks;
      // 33 cells name 市安全监管局; it is lead and responsible of no row at once, so 33 required rows.
      expect(tasks.filter((task) => task.required)).toHaveLength(33);
      expect(tasks.find((task) => task.measureNo === 2)).toMatchObject({ required: true });
      expect(tasks.find((task) => task.measureNo === 12 && task.taskSeq === 3)).toMatchObject({ required: false });
    });

    it('saves a draft, then submits it on time', async () => {
      const saved = await ctx.app.inject({ method: 'PUT', url: report('work-safety'), headers: as(tokens.workSafety, { 'if-match': '"v0"' }), payload: { entries: entriesFor(tasks, 40) } });
      expect(saved.statusCode).toBe(200);
      expect(saved.headers.etag).toBe('"v1"');
      expect(saved.json()).toMatchObject({ status: 'draft', version: 1 });

      clock.set('2017-10-12T16:00:00+08:00');
      const submitted = await ctx.app.inject({ method: 'POST', url: `${report('work-safety')}/submit`, headers: as(tokens.workSafety, { 'if-match': '"v1"' }) });
      expect(submitted.statusCode).toBe(200);
      expect(submitted.json()).toMatchObject({ status: 'submitted', late: false, submittedAt: '2017-10-12T16:00:00+08:00' });
    });

    it('the office returns it with a reason; the department edits and resubmits after the deadline', async () => {
      clock.set('2017-10-16T09:00:00+08:00');
      const returned = await ctx.app.inject({ method: 'POST', url: `${report('work-safety')}/return`, headers: as(tokens.office), payload: { reason: '措施1请补充专业监管人员占比。' } });
      expect(returned.json()).toMatchObject({ status: 'returned', returnReason: '措施1请补充专业监管人员占比。' });

      const edited = await ctx.app.inject({ method: 'PUT', url: report('work-safety'), headers: as(tokens.workSafety), payload: { entries: entriesFor(tasks, 60) } });
      expect(edited.json()).toMatchObject({ status: 'draft', version: 4 });
      const resubmitted = await ctx.app.inject({ method: 'POST', url: `${report('work-safety')}/submit`, headers: as(tokens.workSafety) });
      // The obligation was met on 2017-10-12; the resubmission after a return does not make the report late.
      expect(resubmitted.json()).toMatchObject({ status: 'submitted', late: false, firstSubmittedAt: '2017-10-12T16:00:00+08:00', submittedAt: '2017-10-16T09:00:00+08:00' });
    });

    it('the office accepts it', async () => {
      const accepted = await ctx.app.inject({ method: 'POST', url: `${report('work-safety')}/accept`, headers: as(tokens.office) });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({ status: 'accepted', version: 6 });
    });

    it('a district that submits after the deadline is marked late, never refused', async () => {
      const { tasks: districtTasks } = (await ctx.app.inject({ method: 'GET', url: report('jinshan-district'), headers: as(tokens.jinshan) })).json();
      expect(districtTasks.filter((task: CarriedTask) => task.required).map((task: CarriedTask) => `${task.measureNo}-${task.taskSeq}`)).toEqual(['7-1', '9-2']);
      await ctx.app.inject({ method: 'PUT', url: report('jinshan-district'), headers: as(tokens.jinshan), payload: { entries: entriesFor(districtTasks, 100) } });
      clock.set('2017-10-13T17:00:01+08:00');
      const submitted = await ctx.app.inject({ method: 'POST', url: `${report('jinshan-district')}/submit`, headers: as(tokens.jinshan) });
      expect(submitted.statusCode).toBe(200);
      expect(submitted.json()).toMatchObject({ status: 'submitted', late: true });
    });

    it('history keeps every version with its action, status and lateness', async () => {
      const { items } = (await ctx.app.inject({ method: 'GET', url: `${report('work-safety')}/history`, headers: as(tokens.office) })).json();
      expect(items.map((item: { version: number; action: string; status: string; late: boolean | null }) => [item.version, item.action, item.status, item.late])).toEqual([
        [1, 'save', 'draft', null],
        [2, 'submit', 'submitted', false],
        [3, 'return', 'returned', null],
        [4, 'save', 'draft', null],
        [5, 'submit', 'submitted', true],
        [6, 'accept', 'accepted', null],
      ]);
      expect(items[0].entries[0].progress).toBe(40);
      expect(items[3].entries[0].progress).toBe(60);
      expect(items[2].reason).toBe('措施1请补充专业监管人员占比。');
    });

    it('the consolidated report shows exactly that', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `${period}/consolidated`, headers: as(tokens.office) });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.totals).toMatchObject({ submitted: 2, onTime: 1, late: 1, accepted: 1, returned: 0, awaitingReview: 1 });
      expect(body.totals.missing).toBe(body.totals.expected - 2);
      expect(body.totals.missingDepartments.map((unit: { code: string }) => unit.code)).not.toContain('work-safety');
      expect(body.totals.missingDepartments.map((unit: { code: string }) => unit.code)).toContain('huangpu-district');

      const measure1 = body.measures[0].tasks[0];
      const line = measure1.units.find((unit: { department: { code: string } }) => unit.department.code === 'work-safety');
      expect(line).toMatchObject({ reportStatus: 'accepted', role: 'responsible', entry: { progress: 60, metrics: [{ name: '专业监管人员占比', value: 72, unit: '%' }] } });
      expect(measure1).toMatchObject({ expected: 11, reported: 1, rollup: { status: 'in_progress', progress: 60 } });

      const measure9 = body.measures[8];
      expect(measure9.tasks[1]).toMatchObject({ reported: 2, rollup: { status: 'in_progress', progress: 80 } });
      expect(measure9.rollup).toEqual({ status: 'in_progress', progress: 80 });
    });

    it('a write after a read shows in the next consolidated report at once', async () => {
      const before = (await ctx.app.inject({ method: 'GET', url: `${period}/consolidated`, headers: as(tokens.office) })).json();
      expect((await ctx.app.inject({ method: 'POST', url: `${report('jinshan-district')}/return`, headers: as(tokens.office), payload: { reason: '请补充。' } })).statusCode).toBe(200);
      const after = (await ctx.app.inject({ method: 'GET', url: `${period}/consolidated`, headers: as(tokens.office) })).json();
      expect([before.totals.returned, after.totals.returned]).toEqual([0, 1]);
      await ctx.app.inject({ method: 'POST', url: `${report('jinshan-district')}/submit`, headers: as(tokens.jinshan) });
    });

    it('the CSV has one row per unit and task row, readable by Excel', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `${period}/consolidated.csv`, headers: as(tokens.office) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toContain("filename*=UTF-8''hazchem-2017-2017Q3-");
      expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const rows: Record<string, string>[] = parse(response.body, { columns: true, bom: true });
      const row = rows.find((candidate) => candidate['单位代码'] === 'work-safety' && candidate['措施序号'] === '1');
      expect(row).toMatchObject({ 单位: '市安全监管局', 报送状态: '审核通过', 是否逾期: '按时', 进展状态: '推进中', '进度(%)': '60' });
      const late = rows.find((candidate) => candidate['单位代码'] === 'jinshan-district' && candidate['措施序号'] === '9');
      expect(late).toMatchObject({ 报送状态: '已报送', 是否逾期: '逾期', '进度(%)': '100' });
    });

    it('the XLSX is laid out like the 分工表, with the missing units and a sheet per category', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `${period}/consolidated.xlsx`, headers: as(tokens.office) });
      expect(response.statusCode).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
        '分工表进展汇总',
        '未报送单位',
        '需关注事项',
        '(一)加强统筹协调,积极争取政策支持和指导',
        '(二)有效防范遏制危险化学品重特大事故',
        '(三)健全危险化学品安全监管体制机制法制',
        '(四)依法推动危险化学品企业落实主体责任',
        '(五)强化危险化学品安全生产基础保障',
      ]);
      const table = workbook.getWorksheet('分工表进展汇总')!;
      // A title and a subtitle row above the header (print-ready: tests/print-ready-xlsx.test.ts).
      expect(table.rowCount).toBe(XLSX_HEADER_ROW + 39);
      const header = (table.getRow(XLSX_HEADER_ROW).values as string[]).slice(1);
      expect(header.slice(0, 6)).toEqual(['序号', '治理内容和工作措施', '具体任务', '牵头部门', '负责部门(按职责分工)', '备注']);
      const first = table.getRow(XLSX_HEADER_ROW + 1).values as unknown[];
      expect(first.slice(1, 11)).toEqual([1, '强化危险化学品安全监管能力建设', expect.stringContaining('75%'), undefined, expect.stringMatching(/^市公安局、.*市邮政管理局等$/), '待安全监管总局等出台标准后,各部门执行。', 11, 1, '推进中', 60]);

      const consolidated = (await ctx.app.inject({ method: 'GET', url: `${period}/consolidated`, headers: as(tokens.office) })).json();
      expect(workbook.getWorksheet('未报送单位')!.rowCount).toBe(XLSX_HEADER_ROW + consolidated.totals.missing);
    });

    it('the progress matrix shows the trend: this quarter has data, the others none', async () => {
      const { periods, measures, submissions } = (await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/progress', headers: as(tokens.office) })).json();
      expect(periods).toHaveLength(11);
      const q3 = periods.indexOf('2017Q3');
      expect(measures[0].cells[q3]).toEqual({ period: '2017Q3', status: 'in_progress', progress: 60 });
      expect(measures[0].cells[0]).toEqual({ period: '2017Q2', status: null, progress: null });
      expect(submissions[q3]).toMatchObject({ period: '2017Q3', submitted: 2, late: 1 });
    });

    it('every write is in the audit log, with who, before and after', async () => {
      const { items } = (await ctx.app.inject({ method: 'GET', url: '/v1/audit?entityType=report&limit=100', headers: as(tokens.office) })).json();
      const ours = items.filter((item: { entityId: string }) => item.entityId === 'hazchem-2017/2017Q3/work-safety').reverse();
      expect(ours.map((item: { action: string }) => item.action)).toEqual(['report.save', 'report.submit', 'report.return', 'report.save', 'report.submit', 'report.accept']);
      expect(ours[2]).toMatchObject({ actor: { role: 'office' }, before: { status: 'submitted' }, after: { status: 'returned', reason: '措施1请补充专业监管人员占比。' } });
      expect(ours[0]).toMatchObject({ actor: { role: 'department', department: 'work-safety' }, before: { status: 'not_started', version: 0 } });
    });

    it('when the office moves the deadline, late follows the deadline in force and the totals follow; history keeps what was recorded', async () => {
      const totals = async () => (await ctx.app.inject({ method: 'GET', url: `${period}/consolidated`, headers: as(tokens.office) })).json().totals;
      const lateOf = async (department: string) => (await ctx.app.inject({ method: 'GET', url: report(department), headers: as(tokens.jinshan) })).json().late;
      const move = async (dueAt: string | null) => {
        const response = await ctx.app.inject({ method: 'PATCH', url: period, headers: as(tokens.office), payload: { dueAt } });
        expect(response.statusCode, response.body).toBe(200);
      };
      // work-safety first submitted 2017-10-12 16:00, jinshan-district 2017-10-13 17:00:01 (deadline 17:00).
      expect(await totals()).toMatchObject({ submitted: 2, onTime: 1, late: 1 });

      await move('2017-10-20T17:00:00+08:00');
      expect(await totals()).toMatchObject({ submitted: 2, onTime: 2, late: 0 });
      expect(await lateOf('jinshan-district')).toBe(false);
      const { items } = (await ctx.app.inject({ method: 'GET', url: `${report('jinshan-district')}/history`, headers: as(tokens.office) })).json();
      expect(items.find((item: { action: string }) => item.action === 'submit')).toMatchObject({ late: true });

      await move('2017-10-12T12:00:00+08:00');
      expect(await totals()).toMatchObject({ submitted: 2, onTime: 0, late: 2 });
      const progress = (await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/progress', headers: as(tokens.office) })).json();
      expect(progress.submissions.find((cell: { period: string }) => cell.period === '2017Q3')).toMatchObject({ onTime: 0, late: 2 });

      await move(null);
      expect(await totals()).toMatchObject({ submitted: 2, onTime: 1, late: 1 });
      expect(await lateOf('jinshan-district')).toBe(true);
    });
  });
});
