import { type Kysely, sql } from 'kysely'

/**
 * Sign-in throttling per (account, client address): failures, the growing wait they impose and
 * the lock that follows. Keyed by a digest of the email tried, whether or not an account has it, so
 * a wrong email and a wrong password do the same work; global, like login_emails, because a
 * sign-in knows no business until it succeeds.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sign_in_throttles (
      email_digest text not null,
      client_address text not null,
      failures integer not null,
      last_failure_at timestamptz not null,
      locked_until timestamptz,
      primary key (email_digest, client_address)
    )`.execute(db)
  // For the sweep of forgotten failures.
  await sql`create index sign_in_throttles_last_failure on sign_in_throttles (last_failure_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table sign_in_throttles`.execute(db)
}
