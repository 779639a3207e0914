import type { ReportEntry } from '../../db/schema/index.js';
import { AppError, type FieldError, type Language } from '../../errors.js';
import { taskKey, type CarriedTask } from './carried-tasks.js';

/** What the entries are checked against: the unit, the rows it carries, and whether they are a year's targets. */
export interface EntryContext {
  department: { name: string };
  tasks: readonly CarriedTask[];
  targets: boolean;
}

/** `completed` means done and `not_started` means nothing done yet, so progress must say the same. */
const progressOfStatus: Partial<Record<ReportEntry['status'], number>> = { completed: 100, not_started: 0 };

/** What the service checks beyond the schema: rows the unit carries, once each, status agreeing with progress. */
export function validateEntries(context: EntryContext, entries: ReportEntry[]) {
  const allowed = new Map(context.tasks.map((task) => [taskKey(task), task]));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  entries.forEach((entry, index) => {
    const key = taskKey(entry);
    const path = `body.entries.${index}`;
    if (seen.has(key)) errors.push({ path, message: { en: `measure ${entry.measureNo} task ${entry.taskSeq} appears twice`, zh: `措施 ${entry.measureNo} 任务 ${entry.taskSeq} 重复出现` } });
    else if (!allowed.has(key)) {
      errors.push({
        path,
        message: {
          en: `${context.department.name} does not carry measure ${entry.measureNo} task ${entry.taskSeq}`,
          zh: `${context.department.name} 不承担措施 ${entry.measureNo} 任务 ${entry.taskSeq}`,
        },
      });
    }
    seen.add(key);
    // A target is the state expected at year end: 受阻 is what may happen, never what is aimed at.
    if (context.targets && entry.status === 'blocked') {
      errors.push({ path: `${path}.status`, message: { en: 'a target cannot be blocked: set the status expected at year end', zh: '年度目标不能设为受阻，请填写预期年底达到的状态' } });
    }
    const mismatch = progressMismatch(entry, path);
    if (mismatch) errors.push(mismatch);
  });
  if (errors.length > 0) throw new AppError('UNPROCESSABLE', { en: `The entries cannot be saved: ${listed(errors, 'en')}`, zh: `填报内容无法保存：${listed(errors, 'zh')}` }, errors);
}

/** The error when an entry's progress contradicts its status (completed ⇒ 100, not_started ⇒ 0); `path` is the entry's. */
export function progressMismatch(entry: Pick<ReportEntry, 'status' | 'progress'>, path: string): FieldError | undefined {
  const expected = progressOfStatus[entry.status];
  if (expected === undefined || entry.progress === expected) return undefined;
  return {
    path: `${path}.progress`,
    message: { en: `status ${entry.status} means progress ${expected}, not ${entry.progress}`, zh: `状态为 ${entry.status} 时进度应为 ${expected}，而不是 ${entry.progress}` },
  };
}

/** `detail` names the actual problems (the first few; `errors` has them all). */
export function listed(errors: FieldError[], language: Language, shown = 5) {
  if (language === 'zh') {
    const head = errors.slice(0, shown).map((error) => `${error.path}：${error.message.zh}`).join('；');
    return errors.length > shown ? `${head}；另有 ${errors.length - shown} 处` : head;
  }
  const head = errors.slice(0, shown).map((error) => `${error.path}: ${error.message.en}`).join('; ');
  return errors.length > shown ? `${head}; and ${errors.length - shown} more` : head;
}

