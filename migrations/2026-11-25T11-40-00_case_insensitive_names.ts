import { type Kysely, sql } from 'kysely'

/**
 * Team and security role names are unique within a business whatever their letter case: a custom
 * role called "admin" beside the built-in "Admin" would mislead whoever assigns it. The database
 * enforces it, so two admins creating "Sales" and "sales" at the same moment cannot both win.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index teams_name_ci on teams (business_id, lower(name))`.execute(db)
  await sql`create unique index security_roles_name_ci on security_roles (business_id, lower(name))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists security_roles_name_ci`.execute(db)
  await sql`drop index if exists teams_name_ci`.execute(db)
}
