import { z } from 'zod';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema } from '../plans/plans.schemas.js';

export const ZIP_TYPE = 'application/zip';

export const dossierQuerySchema = z.object({
  department: departmentCodeSchema
    .optional()
    .describe('One unit’s dossier. The office and admins: any unit, or all without it; a unit’s token: its own (the default), another unit is 403.'),
  measure: z.coerce.number().int().min(1).max(1000).optional().describe('Only this measure’s rows, and only the files tied to them or to no row. An unknown measure is 404.'),
  period: periodIdSchema.optional().describe('Only this period (2018Q2, summary, 2018-targets); without it, every period that has begun.'),
});

export const dossierDescription =
  'The dossier (台账) the plan asks every unit to keep for the inspection, as a ZIP streamed while it is made (chunked, no Content-Length): ' +
  '`索引.xlsx` (one line per period, row and unit: status, progress, submitted at, late, review and reason, reminders sent, attachments), ' +
  '`<period>/<unit>/报告.docx` (the report as it stands, in GB/T 9704 layout; the 总结报告 with its narrative), `<period>/<unit>/牵头汇总意见.docx` ' +
  '(the lead opinions last submitted), `<period>/<unit>/附件/<file>` (the files of that report version and of those opinions, as uploaded; ' +
  'a repeated name becomes `名称(2).pdf`) and `审计记录.csv` (the audit trail of those reports, opinions and files). Entry names are UTF-8 with ' +
  'the language-encoding flag set, and user text in them cannot make folders (`/`, `..`) or hide characters. A unit’s token gets its own dossier only.';
