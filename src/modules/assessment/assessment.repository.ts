import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { plans } from '../../db/schema/index.js';
import type { AssessmentRubric } from './rubric.js';

/** The rubric stored on the plan; null when the plan uses the defaults. */
export async function findRubric(db: Queryable, planId: number): Promise<AssessmentRubric | null> {
  const [row] = await db.select({ rubric: plans.assessmentRubric }).from(plans).where(eq(plans.id, planId));
  return row?.rubric ?? null;
}

/** The same, locking the plan row until the transaction ends, so If-Match and the write see one state. */
export async function lockRubric(db: Queryable, planId: number): Promise<AssessmentRubric | null> {
  const [row] = await db.select({ rubric: plans.assessmentRubric }).from(plans).where(eq(plans.id, planId)).for('update');
  return row?.rubric ?? null;
}

export async function saveRubric(db: Queryable, planId: number, rubric: AssessmentRubric): Promise<void> {
  await db.update(plans).set({ assessmentRubric: rubric }).where(eq(plans.id, planId));
}

/** A copied plan is assessed like its source (null stays null: the defaults). */
export async function copyRubric(db: Queryable, fromPlanId: number, toPlanId: number): Promise<void> {
  const rubric = await findRubric(db, fromPlanId);
  if (rubric) await saveRubric(db, toPlanId, rubric);
}
