import type { ReportingRule } from '../src/modules/periods/reporting-rule.js';

/** Shapes of the seed data: the plan as printed, and the directory of units it names. */

export type IsoDate = `${number}-${number}-${number}`;

export type DepartmentKind =
  | 'municipal-department'
  | 'central-agency'
  | 'district-government'
  | 'management-body'
  | 'collective';

export interface DepartmentSource {
  /** Stable lower-kebab ASCII identifier for integrators; never changes once published. */
  code: string;
  /** The name exactly as the 分工表 prints it. */
  name: string;
  englishName: string;
  kind: DepartmentKind;
  /** Codes of the member units, for a collective whose membership is defined. */
  members?: readonly string[];
}

export interface StageSource {
  code: string;
  name: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
}

export interface PhaseSource extends StageSource {
  stages: readonly StageSource[];
}

export interface TaskSource {
  content: string;
  /** The 牵头部门 cell as printed, or null where the cell is empty. */
  lead: string | null;
  /** The 负责部门(按职责分工) cell as printed. */
  responsible: string;
  /** The 备注 cell, or null where it is empty. */
  note: string | null;
}

export interface MeasureSource {
  no: number;
  title: string;
  tasks: readonly TaskSource[];
}

export interface CategorySource {
  ordinal: number;
  title: string;
  measures: readonly MeasureSource[];
}

export interface PlanSource {
  code: string;
  title: string;
  documentNo: string;
  issuer: string;
  issuedOn: IsoDate;
  phases: readonly PhaseSource[];
  reportingRule: ReportingRule;
  categories: readonly CategorySource[];
}
