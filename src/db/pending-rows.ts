import { getTableColumns, getTableName, type Column, type Table } from 'drizzle-orm';
import pg from 'pg';

/** An identifier in double quotes, as node-postgres escapes it (the one escaper of the service: LISTEN uses it too). */
export const quoted = pg.escapeIdentifier;

/**
 * The parameters of one statement being written: each value becomes `$n::type`, in order. Cast,
 * because in a SELECT list Postgres cannot infer a parameter's type from the target column as it
 * does for VALUES. The hot write path (reports.repository.ts writeStep) writes its statement as
 * text with these rather than through drizzle's query builder, which cost more CPU per request
 * than everything else the request does (see docs/write-path.md).
 */
export class StatementParams {
  readonly values: unknown[] = [];

  /** `$n::type` for a value already in the driver's form. */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }

  /** `$n::type` for a value of the column, mapped to the driver's form as drizzle maps it (JSON text, ISO instants, …). */
  column(column: Column, value: unknown): string {
    return this.add(value === null || value === undefined ? null : column.mapToDriverValue(value), column.getSQLType());
  }
}

/**
 * Work to do with a write whose outcome decides it: the report's version and audit rows, the
 * answer an Idempotency-Key keeps, the reminders a submission cancels. The writer puts it in its
 * own statement as a data-modifying CTE over `source` (the written row, or none), so it costs no
 * round trip of its own and happens exactly when the write happened. Returns the CTE's body.
 */
export type PendingWrite = (params: StatementParams, source: string) => string;

/**
 * `insert into <table> (<columns>) select <values> from <source>`: one row per row of `source`
 * (none when the write it depends on did not happen). Values are by property name, as in
 * `$inferInsert`; `fromSource` names properties whose value is a column of `source` instead (the
 * written report's id, say).
 */
export function pendingRow<T extends Table>(
  table: T,
  values: { [K in keyof T['$inferInsert']]?: T['$inferInsert'][K] },
  options: { onConflictDoNothing?: boolean; fromSource?: { [K in keyof T['$inferInsert']]?: string } } = {},
): PendingWrite {
  return (params, source) => {
    const columns = getTableColumns(table) as Record<string, Column>;
    const names: string[] = [];
    const selected: string[] = [];
    const put = (property: string, value: (column: Column) => string) => {
      const column = columns[property];
      if (!column) throw new Error(`${property} is not a column of ${getTableName(table)}`);
      names.push(quoted(column.name));
      selected.push(value(column));
    };
    for (const [property, value] of Object.entries(values)) {
      if (value !== undefined && !(property in (options.fromSource ?? {}))) put(property, (column) => params.column(column, value));
    }
    for (const [property, from] of Object.entries(options.fromSource ?? {})) put(property, () => `${source}.${quoted(from as string)}`);
    const conflict = options.onConflictDoNothing ? ' on conflict do nothing' : '';
    return `insert into ${quoted(getTableName(table))} (${names.join(', ')}) select ${selected.join(', ')} from ${source}${conflict}`;
  };
}
