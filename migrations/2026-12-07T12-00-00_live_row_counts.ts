import { type Kysely, sql } from 'kysely'

/**
 * Live rows counted as they change, so that an unfiltered `totalCount` of a caller who reads every
 * row (level ALL) sums a few numbers instead of scanning every live row of the business (2.1 ms
 * of PostgreSQL's CPU per request at 50,000 jobs, growing with the business).
 *
 * Every statement that inserts, deletes or soft-deletes/restores rows adds one row per business
 * with the change (a delta), from statement-level triggers over the transition tables. Writers
 * never update a shared counter row, so concurrent writes to one business neither wait for each
 * other nor deadlock; the deltas become visible exactly when the rows they count do (the same
 * transaction), so a count and the rows it counts agree in every snapshot. The count is the sum of
 * the business's deltas; src/records/live-counts.ts folds them into one row now and then.
 *
 * Tenant-first like every table; no foreign key to businesses (a cascade from a business would
 * fire these triggers for a business already gone).
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
const COUNTED = ['jobs', 'sales_orders', 'purchase_orders', 'contacts', 'suppliers'] as const

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table live_row_counts (
      business_id bigint not null,
      table_name text not null,
      id bigint generated always as identity,
      delta bigint not null,
      -- A count reads its business's and table's rows by this key's prefix.
      primary key (business_id, table_name, id)
    )`.execute(db)
  await sql`
    -- Its schema fixed at creation: a write from a session with another search_path still finds the table.
    create function gatehouse_count_live_rows() returns trigger language plpgsql set search_path from current as $$
    begin
      if tg_op = 'INSERT' then
        insert into live_row_counts (business_id, table_name, delta)
          select business_id, tg_table_name, count(*) from new_rows where deleted_at is null group by business_id;
      elsif tg_op = 'DELETE' then
        insert into live_row_counts (business_id, table_name, delta)
          select business_id, tg_table_name, -count(*) from old_rows where deleted_at is null group by business_id;
      else
        insert into live_row_counts (business_id, table_name, delta)
          select business_id, tg_table_name, sum(change) from (
            select business_id, 1 as change from new_rows where deleted_at is null
            union all
            select business_id, -1 from old_rows where deleted_at is null
          ) as changes
          group by business_id
          having sum(change) <> 0;
      end if;
      return null;
    end $$`.execute(db)
  for (const table of COUNTED) {
    // One trigger per event: a trigger with transition tables may have only one.
    await sql`create trigger ${sql.raw(`${table}_count_insert`)} after insert on ${sql.table(table)}
      referencing new table as new_rows for each statement execute function gatehouse_count_live_rows()`.execute(db)
    await sql`create trigger ${sql.raw(`${table}_count_update`)} after update on ${sql.table(table)}
      referencing old table as old_rows new table as new_rows for each statement execute function gatehouse_count_live_rows()`.execute(db)
    await sql`create trigger ${sql.raw(`${table}_count_delete`)} after delete on ${sql.table(table)}
      referencing old table as old_rows for each statement execute function gatehouse_count_live_rows()`.execute(db)
    await sql`insert into live_row_counts (business_id, table_name, delta)
      select business_id, ${table}, count(*) from ${sql.table(table)} where deleted_at is null group by business_id`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of COUNTED) {
    for (const event of ['insert', 'update', 'delete']) await sql`drop trigger ${sql.raw(`${table}_count_${event}`)} on ${sql.table(table)}`.execute(db)
  }
  await sql`drop function gatehouse_count_live_rows()`.execute(db)
  await sql`drop table live_row_counts`.execute(db)
}
