import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createEvents, type EventAttributes } from 'ics';
import type { Database, Queryable } from '../../db/client.js';
import { calendarFeeds } from '../../db/schema/index.js';
import { AppError } from '../../errors.js';
import { loadDirectory, requireDepartment } from '../departments/departments.service.js';
import { listPeriods } from '../periods/periods.repository.js';
import { listPlans } from '../plans/plans.repository.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import { carriedTasks } from '../reports/carried-tasks.js';
import { periodLabel, reportApiPath, reportSubject } from '../periods/period-label.js';
import { loadPolicy } from './planner.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Issues (or replaces) a unit's feed token; the old URL stops working. */
export async function issueFeedToken(db: Database, departmentCode: string, at: Date): Promise<string> {
  requireDepartment(await loadDirectory(db), departmentCode);
  const token = randomBytes(24).toString('base64url');
  await db
    .insert(calendarFeeds)
    .values({ departmentCode, tokenHash: hash(token), createdAt: at })
    .onConflictDoUpdate({ target: calendarFeeds.departmentCode, set: { tokenHash: hash(token), createdAt: at } });
  return token;
}

export async function revokeFeedToken(db: Queryable, departmentCode: string): Promise<void> {
  await db.delete(calendarFeeds).where(eq(calendarFeeds.departmentCode, departmentCode));
}

async function assertFeedToken(db: Queryable, departmentCode: string, token: string) {
  const [row] = await db.select().from(calendarFeeds).where(eq(calendarFeeds.departmentCode, departmentCode));
  if (!row || row.tokenHash !== hash(token)) throw new AppError('NOT_FOUND', { en: 'No calendar feed at this address', zh: '此地址没有日历订阅' });
}

/**
 * The unit's reporting deadlines in every plan as an iCalendar feed, each with alarms at the
 * plan's reminder offsets, for Outlook or a phone to subscribe to.
 */
export async function calendarFeed(db: Database, departmentCode: string, token: string, officeEmail: string | null, publicBaseUrl: string): Promise<string> {
  await assertFeedToken(db, departmentCode, token);
  const directory = await loadDirectory(db);
  const department = requireDepartment(directory, departmentCode);
  const events: EventAttributes[] = [];
  for (const { code } of await listPlans(db)) {
    const structure = await loadPlanStructure(db, code);
    if (!carriedTasks(structure, directory, department).some((task) => task.required)) continue;
    const policy = await loadPolicy(db, structure.plan, officeEmail);
    for (const period of await listPeriods(db, structure.plan.id)) {
      const due = period.dueAt;
      events.push({
        uid: `${code}-${period.id}-${departmentCode}@hazchem-tracker`,
        title: `【报送截止】${structure.plan.title} ${periodLabel(period.id)}`,
        description: `${department.name}:请于截止时间前向市安委会办公室报送${reportSubject(period.id)}。`,
        url: `${publicBaseUrl}${reportApiPath(code, period.id, departmentCode)}`,
        start: [due.getUTCFullYear(), due.getUTCMonth() + 1, due.getUTCDate(), due.getUTCHours(), due.getUTCMinutes()],
        startInputType: 'utc',
        startOutputType: 'utc',
        duration: { minutes: 30 },
        alarms: policy.offsetsDays.map((days) => ({ action: 'display' as const, description: `${reportSubject(period.id)}还有${days}天截止`, trigger: { days, before: true } })),
      });
    }
  }
  const { error, value } = createEvents(events, { productId: 'hazchem-tracker', calName: `${department.name} 报送日历` });
  if (error || !value) throw error ?? new Error('calendar could not be rendered');
  return withRfc5545Durations(value);
}

/**
 * ics 3.12.0 writes a whole-day alarm as `TRIGGER:-P7DT`, a "T" with no time after it, which RFC
 * 5545 §3.3.6 does not allow (dur-time needs an hour, minute or second) and strict clients reject.
 * Fixed upstream (adamgibbons/ics, src/utils/format-duration.js) but not released yet; drop this
 * once a release has it.
 */
const withRfc5545Durations = (calendar: string) => calendar.replace(/^(TRIGGER:[+-]?P(?:\d+W)?(?:\d+D)?)T(?=\r?$)/gm, '$1');
