import { type Kysely, sql } from 'kysely'

/**
 * Server-wide secrets generated on first start when the environment does not provide them (the API
 * key pepper in development and on the embedded database; see src/access/api-keys.ts). Not tenant
 * data: one row per secret for the whole installation.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table server_secrets (
      name text primary key,
      value text not null,
      created_at timestamptz not null default now()
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists server_secrets`.execute(db)
}
