import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { ifMatchHolds } from '../../http/entity-tags.js';
import { invalid } from '../../http/validation.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { loadDirectory } from '../departments/departments.service.js';
import { expectedUnitsInOrder } from '../overview/official-order.js';
import { listProgressPeriods } from '../periods/periods.repository.js';
import { periodView } from '../periods/periods.service.js';
import { listPhases } from '../plans/plans.repository.js';
import { loadPlanStructure, requirePlan } from '../plans/plans.service.js';
import { targetsPeriodId } from '../periods/period-label.js';
import { listReportsOfPeriod, listReportsOfPeriods } from '../reports/reports.repository.js';
import { targetFigures, unitFigures, yearOfPeriod, type ReportFacts } from './assessment-figures.js';
import * as repository from './assessment.repository.js';
import { assess, effectiveRubric, type AssessmentRubric } from './rubric.js';

/** A strong validator of the rubric's content: equal rubrics (stored or default) have equal tags. */
export function rubricEtag(rubric: AssessmentRubric): string {
  const { weights, grades } = effectiveRubric(rubric);
  return `"${createHash('sha1').update(JSON.stringify({ weights, grades })).digest('base64url').slice(0, 22)}"`;
}

/** The plan's rubric in force (the defaults until the office sets one) and its ETag. */
export async function getRubric(db: Queryable, planCode: string) {
  const plan = await requirePlan(db, planCode);
  const rubric = effectiveRubric(await repository.findRubric(db, plan.id));
  return { rubric, etag: rubricEtag(rubric) };
}

/** Replaces the plan's rubric (If-Match against the rubric in force); audited with before and after. */
export async function setRubric(db: Database, actor: Actor, at: Date, planCode: string, input: AssessmentRubric, ifMatch: string | undefined) {
  const plan = await requirePlan(db, planCode);
  const rubric = effectiveRubric(input);
  return db.transaction(async (tx) => {
    const before = effectiveRubric(await repository.lockRubric(tx, plan.id));
    const current = rubricEtag(before);
    if (!ifMatchHolds(ifMatch, current)) {
      throw new AppError('PRECONDITION_FAILED', {
        en: `The assessment rubric has changed: its current ETag is ${current}`,
        zh: `考核评分规则已被他人修改：当前 ETag 为 ${current}，请重新读取后再保存`,
      });
    }
    await repository.saveRubric(tx, plan.id, rubric);
    await recordAudit(tx, actor, at, { action: 'assessment-rubric.set', entityType: 'assessment-rubric', entityId: plan.code, before, after: rubric });
    return { rubric, etag: rubricEtag(rubric) };
  });
}

/**
 * The 年度考核 of a year: every expected unit in official order with its figures over the periods
 * whose last day falls in the year, scored, graded and ranked by the plan's rubric.
 */
export async function annualAssessment(db: Queryable, planCode: string, year: number) {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db)]);
  const { plan } = structure;
  const [periods, phases, stored] = await Promise.all([listProgressPeriods(db, plan.id), listPhases(db, plan.id), repository.findRubric(db, plan.id)]);
  const years = [...new Set(periods.map(yearOfPeriod))].sort((a, b) => a - b);
  if (!years.includes(year)) {
    throw invalid([
      {
        path: 'query.year',
        message: { en: `plan ${plan.code} has reporting periods in ${years.join(', ')} only`, zh: `计划 ${plan.code} 的报送期只在 ${years.join('、')} 年` },
      },
    ]);
  }
  const inYear = periods.filter((period) => yearOfPeriod(period) === year);
  const periodIds = inYear.map((period) => period.id);
  const [reports, targetReports] = await Promise.all([listReportsOfPeriods(db, plan.id, periodIds), listReportsOfPeriod(db, plan.id, targetsPeriodId(year))]);
  const targetsOf = new Map(targetReports.map((report) => [report.departmentCode, report]));
  const reportsByUnit = new Map<string, ReportFacts[]>();
  for (const report of reports) {
    const ofUnit = reportsByUnit.get(report.departmentCode) ?? [];
    ofUnit.push(report);
    reportsByUnit.set(report.departmentCode, ofUnit);
  }

  const rubric = effectiveRubric(stored);
  const units = expectedUnitsInOrder(structure, directory).map((department) => {
    const { yearEnd, ...figures } = unitFigures(periodIds, reportsByUnit.get(department.code) ?? []);
    const targets = targetsOf.get(department.code);
    const accepted = targets?.status === 'accepted' ? targets.entries : null;
    const { rows, counts } = targetFigures(accepted, yearEnd);
    return { department, figures: { ...figures, targets: counts }, targetRows: rows, targetsStatus: targets && targets.version > 0 ? targets.status : ('not_started' as const) };
  });
  const assessed = assess(units.map(({ figures }) => figures), rubric);
  return {
    plan: plan.code,
    planTitle: plan.title,
    year,
    periods: inYear.map((period) => periodView(period, phases, plan.reportingRule.timeZone)),
    rubric,
    units: units.map(({ department, figures, targetRows, targetsStatus }, index) => {
      const { components, score, grade, rank } = assessed[index]!;
      const targetsNote = figures.targets !== null ? null : targetsStatus === 'not_started' || targetsStatus === 'draft' ? ('未设定年度目标' as const) : ('目标未通过审核' as const);
      return { rank, code: department.code, name: department.name, kind: department.kind, ...figures, targetsStatus, targetsNote, targetRows, components, score, grade };
    }),
  };
}

export type AnnualAssessment = Awaited<ReturnType<typeof annualAssessment>>;
