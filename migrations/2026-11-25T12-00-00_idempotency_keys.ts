import { type Kysely, sql } from 'kysely'

/**
 * Idempotency keys for creates: a retried create with a key the same principal already used
 * returns the first result instead of writing again. Scoped to the principal (either of its API
 * keys may retry) and kept at least 24 hours.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table idempotency_keys (
      business_id bigint not null references businesses (id),
      principal_id bigint not null,
      key text not null,
      operation text not null,
      request_hash text not null,
      record_id bigint,
      created_at timestamptz not null default now(),
      primary key (business_id, principal_id, key),
      foreign key (business_id, principal_id) references principals (business_id, id)
    )`.execute(db)
  await sql`create index idempotency_keys_age on idempotency_keys (business_id, created_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists idempotency_keys`.execute(db)
}
