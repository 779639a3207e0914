import type { PassThrough } from 'node:stream';
import type { Queryable } from '../../db/client.js';
import { csvPart, type Column } from '../../http/exports.js';
import type { Department } from '../departments/departments.service.js';
import { periodLabel } from '../periods/period-label.js';
import type { PeriodRow } from '../periods/periods.service.js';
import { periodSlices, type DossierScope } from './dossier-scope.js';
import * as repository from './dossier.repository.js';
import { actionLabel, ROLE_LABEL } from './labels.js';
import { DossierAborted, drained, type ZipWriter } from './zip-writer.js';

type AuditRow = Awaited<ReturnType<typeof repository.auditOf>>[number];

interface AuditLine {
  row: AuditRow;
  period: PeriodRow;
  unit: Department;
  /** A unit sees the addresses of its own people only; the office sees every one. */
  email: string | null;
}

const ENTITY_LABEL: Record<string, string> = { report: '报告', 'lead-opinions': '牵头汇总意见', attachment: '附件' };
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

const COLUMNS: Column<AuditLine>[] = [
  { header: '时间', value: (line) => line.row.at },
  { header: '期次', value: (line) => periodLabel(line.period.id) },
  { header: '单位', value: (line) => line.unit.name },
  { header: '单位代码', value: (line) => line.unit.code },
  { header: '对象', value: (line) => ENTITY_LABEL[line.row.entityType] ?? line.row.entityType },
  { header: '对象编号', value: (line) => line.row.entityId },
  { header: '操作', value: (line) => line.row.action },
  { header: '操作说明', value: (line) => actionLabel(line.row.action) },
  { header: '操作者', value: (line) => ROLE_LABEL[line.row.actorRole] ?? line.row.actorRole },
  { header: '操作者单位', value: (line) => line.row.actorDepartment },
  { header: '操作者邮箱', value: (line) => line.email },
  { header: '变更前', value: (line) => json(line.row.before) },
  { header: '变更后', value: (line) => json(line.row.after) },
  { header: '请求编号', value: (line) => line.row.requestId },
];

async function write(target: PassThrough, text: string, zip: ZipWriter) {
  if (!target.write(text)) await drained(target);
  if (zip.aborted) throw new DossierAborted();
}

/**
 * 审计记录.csv: every audited write to the reports, lead opinions and attachments in scope, by
 * period and unit in official order, oldest first; through the service's CSV writer (byte-order
 * mark, formulas neutralised). The token that acted is not named.
 */
export async function writeAudit(db: Queryable, scope: DossierScope, target: PassThrough, zip: ZipWriter): Promise<void> {
  const { requester } = scope;
  const emailOf = (row: AuditRow) => (requester.role !== 'department' || row.actorDepartment === requester.departmentCode ? row.actorEmail : null);
  let first = true;
  for (const period of scope.periods) {
    for await (const { slice, units } of periodSlices(db, scope, period)) {
      if (zip.aborted) throw new DossierAborted();
      const order = new Map(units.map(({ unit }, index) => [unit.code, { unit, index }]));
      const rows = await repository.auditOf(db, scope.plan.code, slice, scope.measureNo);
      if (rows.length === 0) continue;
      const lines = rows
        .map((row) => ({ row, period, unit: order.get(row.entityId.split('/')[2]!)!, email: emailOf(row) }))
        .sort((a, b) => a.unit.index - b.unit.index || a.row.id - b.row.id)
        .map(({ unit, ...line }) => ({ ...line, unit: unit.unit }));
      await write(target, csvPart(COLUMNS, lines, { first, timeZone: scope.timeZone }), zip);
      first = false;
    }
  }
  if (first) await write(target, csvPart(COLUMNS, [], { first, timeZone: scope.timeZone }), zip);
  target.end();
}
