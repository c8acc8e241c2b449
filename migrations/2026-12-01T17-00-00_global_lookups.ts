import { type Kysely, sql } from 'kysely'

/**
 * Citus-ready global lookups. A request finds its business through one of three global keys before
 * it knows the business: a login email, a session token's hash, an API key's public id. They were
 * unique indexes on tenant tables, which a table distributed by business_id cannot enforce. Each
 * now lives in a small table of its own keyed by that value (distributable by it), written in the
 * same transaction as the tenant row it points at. No foreign keys: Citus cannot keep one between
 * tables distributed by different columns; the writes keep them in step.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table login_emails (
      email text primary key,
      business_id bigint not null,
      principal_id bigint not null
    )`.execute(db)
  await sql`insert into login_emails (email, business_id, principal_id)
    select email, business_id, id from principals where email is not null`.execute(db)
  await sql`drop index principals_login_email`.execute(db)
  await sql`create unique index principals_email on principals (business_id, email) where email is not null`.execute(db)

  await sql`
    create table session_tokens (
      token_hash text primary key,
      business_id bigint not null,
      session_id bigint not null
    )`.execute(db)
  await sql`insert into session_tokens (token_hash, business_id, session_id)
    select token_hash, business_id, id from sessions`.execute(db)
  await sql`drop index sessions_token_hash`.execute(db)
  await sql`create unique index sessions_token on sessions (business_id, token_hash)`.execute(db)

  await sql`
    create table api_key_lookups (
      public_key text primary key,
      business_id bigint not null,
      key_id bigint not null
    )`.execute(db)
  await sql`insert into api_key_lookups (public_key, business_id, key_id)
    select public_key, business_id, id from api_keys`.execute(db)
  await sql`drop index api_keys_public_key`.execute(db)
  await sql`create unique index api_keys_public on api_keys (business_id, public_key)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index api_keys_public`.execute(db)
  await sql`create unique index api_keys_public_key on api_keys (public_key)`.execute(db)
  await sql`drop table api_key_lookups`.execute(db)
  await sql`drop index sessions_token`.execute(db)
  await sql`create unique index sessions_token_hash on sessions (token_hash)`.execute(db)
  await sql`drop table session_tokens`.execute(db)
  await sql`drop index principals_email`.execute(db)
  await sql`create unique index principals_login_email on principals (email) where email is not null`.execute(db)
  await sql`drop table login_emails`.execute(db)
}
