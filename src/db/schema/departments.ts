import { pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const departmentKind = pgEnum('department_kind', [
  'municipal-department',
  'central-agency',
  'district-government',
  'management-body',
  'collective',
]);

export const departments = pgTable('departments', {
  code: text('code').primaryKey(),
  name: text('name').notNull().unique(),
  englishName: text('english_name').notNull(),
  kind: departmentKind('kind').notNull(),
});

/** Members of a collective unit (各区政府 -> the 16 district governments). */
export const departmentMembers = pgTable(
  'department_members',
  {
    collectiveCode: text('collective_code')
      .notNull()
      .references(() => departments.code),
    memberCode: text('member_code')
      .notNull()
      .references(() => departments.code),
  },
  (table) => [primaryKey({ columns: [table.collectiveCode, table.memberCode] })],
);
