import { asc } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { departmentMembers, departments } from '../../db/schema/index.js';

export function listDepartments(db: Queryable) {
  return db.select().from(departments).orderBy(asc(departments.code));
}

export function listMemberships(db: Queryable) {
  return db.select().from(departmentMembers);
}
