import type { Queryable } from '../../db/client.js';
import { listAttachments, openAttachmentContent } from '../attachments/attachments.service.js';
import type { AttachmentRow } from '../attachments/attachments.repository.js';
import type { Department } from '../departments/departments.service.js';
import { periodLabel } from '../periods/period-label.js';
import type { PeriodRow } from '../periods/periods.service.js';
import type { ReportRow } from '../reports/reports.repository.js';
import { periodSlices, type DossierScope } from './dossier-scope.js';
import * as repository from './dossier.repository.js';
import { FolderNames, safeComponent } from './entry-names.js';
import { opinionsDocx, reportDocx, type ListedFile } from './report-docx.js';
import { DossierAborted, type ZipWriter } from './zip-writer.js';

type Opinions = Awaited<ReturnType<typeof repository.submittedOpinions>>[number];

/**
 * `<period>/<unit>/` for every unit in scope with a saved report or submitted lead opinions:
 * 报告.docx, 牵头汇总意见.docx and 附件/ with the files of that report version and of those
 * opinions, streamed from the database one at a time and stored as they are.
 */
export async function writeFolders(db: Queryable, scope: DossierScope, zip: ZipWriter): Promise<void> {
  for (const period of scope.periods) {
    const periodFolder = safeComponent(periodLabel(period.id));
    const unitFolders = new FolderNames();
    for await (const { slice, units } of periodSlices(db, scope, period)) {
      // A year's targets have no lead consolidation.
      const opinions = period.kind === 'targets' ? [] : await repository.submittedOpinions(db, slice);
      for (const { unit, report } of units) {
        if (zip.aborted) throw new DossierAborted();
        const opinion = opinions.find((candidate) => candidate.departmentCode === unit.code);
        const inScope = opinion && opinion.opinions.some((item) => scope.measureNo === null || item.measureNo === scope.measureNo) ? opinion : undefined;
        if (!report && !inScope) continue;
        const folder = `${periodFolder}/${unitFolders.take(safeComponent(unit.name, unit.code))}`;
        await writeUnitFolder(db, scope, { period, unit, report, opinion: inScope, folder }, zip);
      }
    }
  }
}

interface UnitFolder {
  period: PeriodRow;
  unit: Department;
  report: ReportRow | undefined;
  opinion: Opinions | undefined;
  folder: string;
}

async function writeUnitFolder(db: Queryable, scope: DossierScope, { period, unit, report, opinion, folder }: UnitFolder, zip: ZipWriter) {
  const owner = { planId: scope.plan.id, periodId: period.id, departmentCode: unit.code };
  // A file tied to a row of another measure stays out with that row; files of the whole report stay in.
  const inScope = (row: AttachmentRow) => scope.measureNo === null || row.measureNo === null || row.measureNo === scope.measureNo;
  const reportFiles = report ? (await listAttachments(db, { ...owner, owner: 'report', version: report.version })).filter(inScope) : [];
  const leadFiles = opinion ? (await listAttachments(db, { ...owner, owner: 'lead', version: opinion.version })).filter(inScope) : [];
  const names = new FolderNames();
  const listed = (rows: AttachmentRow[]) =>
    rows.map((row) => ({ row, name: names.take(safeComponent(row.fileName, '附件')), measureNo: row.measureNo, taskSeq: row.taskSeq, description: row.description }));
  const reportListed = listed(reportFiles);
  const leadListed = listed(leadFiles);
  const common = {
    unitName: unit.name,
    periodId: period.id,
    periodKind: period.kind,
    timeZone: scope.timeZone,
    rows: scope.rows,
    measureNo: scope.measureNo,
  };
  const files = (items: (ListedFile & { row: AttachmentRow })[]) => items.map(({ name, measureNo, taskSeq, description }) => ({ name, measureNo, taskSeq, description }));
  if (report) {
    const body = reportDocx({ ...common, files: files(reportListed), report: { ...report, dueAt: period.dueAt } });
    await zip.add(`${folder}/报告.docx`, body, { compress: true, mtime: report.updatedAt });
  }
  if (opinion) {
    const body = opinionsDocx({ ...common, files: files(leadListed), submittedAt: opinion.submittedAt, version: opinion.version, opinions: opinion.opinions });
    await zip.add(`${folder}/牵头汇总意见.docx`, body, { compress: true, mtime: opinion.submittedAt });
  }
  for (const { row, name } of [...reportListed, ...leadListed]) {
    await zip.add(`${folder}/附件/${name}`, openAttachmentContent(db, row.blobId), { compress: false, mtime: row.uploadedAt });
  }
}
