import { type Kysely, sql } from 'kysely'

/**
 * The edge's state: cost budgets an admin set (per principal, per business; null keeps the
 * server's default), the networks an API key may be used from (empty: anywhere), and each key's
 * daily usage, written in batches from memory.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['principals', 'businesses']) {
    await sql`
      alter table ${sql.table(table)}
        add column cost_limit integer,
        add column cost_restore_rate integer,
        add constraint ${sql.raw(`${table}_cost_budget_whole`)} check ((cost_limit is null) = (cost_restore_rate is null)),
        add constraint ${sql.raw(`${table}_cost_budget_positive`)} check (cost_limit > 0 and cost_restore_rate > 0)`.execute(db)
  }
  await sql`alter table api_keys add column allowed_networks text[] not null default '{}'`.execute(db)
  await sql`
    create table api_key_usage (
      business_id bigint not null,
      key_id bigint not null,
      day date not null,
      requests bigint not null default 0,
      errors bigint not null default 0,
      rate_limited bigint not null default 0,
      primary key (business_id, key_id, day),
      foreign key (business_id, key_id) references api_keys (business_id, id) on delete cascade
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table api_key_usage`.execute(db)
  await sql`alter table api_keys drop column allowed_networks`.execute(db)
  for (const table of ['principals', 'businesses']) {
    await sql`alter table ${sql.table(table)} drop column cost_limit, drop column cost_restore_rate`.execute(db)
  }
}
