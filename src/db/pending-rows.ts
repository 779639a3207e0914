import { getTableColumns, sql, SQL, type Table } from 'drizzle-orm';

/**
 * A row to insert with a write whose outcome decides it: the report's version and audit rows, the
 * answer an Idempotency-Key keeps. The writer inserts it in its own statement (a data-modifying
 * CTE), so the row costs no round trip of its own and exists exactly when the write happened.
 */
export interface PendingRow<T extends Table = Table> {
  table: T;
  /** Column values by property name (as in `$inferInsert`); an SQL value is used as it is (e.g. the written row's id). */
  values: { [K in keyof T['$inferInsert']]?: T['$inferInsert'][K] | SQL };
  onConflictDoNothing?: boolean;
}

export const pendingRow = <T extends Table>(table: T, values: PendingRow<T>['values'], options: { onConflictDoNothing?: boolean } = {}): PendingRow =>
  ({ table, values, ...options }) as unknown as PendingRow;

/**
 * `insert into <table> (<columns>) select <values> from <source>`: one row per row of `source`
 * (none when the write it depends on did not happen). Parameters are cast to their column's type:
 * in a SELECT list Postgres cannot infer it from the target column, as it does for VALUES.
 */
export function insertFrom(row: PendingRow, source: SQL): SQL {
  const columns = getTableColumns(row.table);
  const names: SQL[] = [];
  const values: SQL[] = [];
  for (const [property, value] of Object.entries(row.values)) {
    if (value === undefined) continue;
    const column = columns[property];
    if (!column) throw new Error(`${property} is not a column of the pending row's table`);
    names.push(sql`${sql.identifier(column.name)}`);
    if (value instanceof SQL) values.push(value);
    else values.push(sql`${value === null ? null : column.mapToDriverValue(value)}::${sql.raw(column.getSQLType())}`);
  }
  return sql`insert into ${row.table} (${sql.join(names, sql`, `)}) select ${sql.join(values, sql`, `)} from ${source}${row.onConflictDoNothing ? sql` on conflict do nothing` : sql``}`;
}
