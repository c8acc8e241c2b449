import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { type PermissionMatrix, levelOf, uniformMatrix } from '../../src/access/permissions.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { encodeGlobalId } from '../../src/graphql/global-id.js'
import { seedDatabase } from '../../src/seed/seed.js'
import { createTestDatabase } from './database.js'
import { insertUser } from './factories.js'
import { RECORD_TYPES, TYPE_NAMES, type TypeName } from './reference-records.js'
import type { ReferencePrincipal } from './reference-sql.js'

/**
 * A small world for read-path property tests: two seeded businesses, and in each four callers of
 * their own (a user in a team, a user without one, an API member in a team, one without) who own
 * some contacts and jobs, so MY and MINE select real, different subsets. Some rows are soft-deleted
 * (as the product's deletes leave them: never a live row pointing at a deleted one), and rows are
 * touched in several separate transactions so `updatedSince` cuts the lists at many places.
 */

export interface Caller {
  label: string
  kind: 'USER' | 'API_MEMBER'
  businessId: string
  principalId: string
  teamId: string | null
  /** A role of its own, rewritten per case (grant). */
  roleId: string
}

/** What the world knows of every record, for the independent visibility check. */
export interface RecordFacts {
  type: TypeName
  id: string
  globalId: string
  businessId: string
  /** Its owner by the contract: its own owner column, its job's owner (orders), none (suppliers). */
  owner: string | null
  deleted: boolean
  /** updated_at as PostgreSQL prints it (sync cursors), and to the millisecond (ISO). */
  updatedText: string
  updatedIso: string
}

export interface ReadWorld {
  database: DatabaseHandle
  businessIds: string[]
  callers: Caller[]
  records: RecordFacts[]
  byGlobalId: Map<string, RecordFacts>
  /** principal id → team id */
  teamOf: Map<string, string | null>
  /** Text the records hold (names, companies, numbers…) for the search filter. */
  searchTerms: string[]
}

const CALLERS = [
  { label: 'user-in-team', kind: 'USER', team: 0 },
  { label: 'user-alone', kind: 'USER', team: null },
  { label: 'member-in-team', kind: 'API_MEMBER', team: 1 },
  { label: 'member-alone', kind: 'API_MEMBER', team: null },
] as const

export async function buildReadWorld(): Promise<ReadWorld> {
  const database = await createTestDatabase()
  const db = database.db
  const seeded = await seedDatabase(db, {
    businesses: 2, contactsPerBusiness: 24, jobsPerBusiness: 36, ordersPerJob: 2, linesPerOrder: 2,
    salesRepsPerBusiness: 6, seed: 20_261_201,
  })
  const businessIds = seeded.businesses.map((business) => business.id)
  const callers: Caller[] = []
  for (const [b, businessId] of businessIds.entries()) {
    const teams = await db.selectFrom('teams').select('id').where('business_id', '=', businessId).orderBy('id').execute()
    for (const spec of CALLERS) {
      const role = await db.insertInto('security_roles')
        .values({ business_id: businessId, name: `Property ${spec.label}`, permissions: JSON.stringify(uniformMatrix('NONE')) })
        .returning('id').executeTakeFirstOrThrow()
      const teamId = spec.team === null ? null : teams[spec.team]!.id
      const name = `Property ${spec.label} ${b}`
      const principalId = spec.kind === 'USER'
        ? await insertUser(db, { businessId, name, email: `${spec.label}-${b}@read-property.test`, roleId: role.id, teamId })
        : (await db.insertInto('principals')
            .values({ business_id: businessId, kind: 'API_MEMBER', name, role_id: role.id, team_id: teamId })
            .returning('id').executeTakeFirstOrThrow()).id
      callers.push({ label: `${spec.label}@business${b}`, kind: spec.kind, businessId, principalId, teamId, roleId: role.id })
    }
    const [inTeam, alone, memberInTeam, memberAlone] = callers.slice(-4).map((caller) => caller.principalId)
    for (const table of ['contacts', 'jobs'] as const) {
      await sql`update ${sql.table(table)} set owner_id = case id % 10
          when 0 then ${inTeam}::bigint when 1 then ${inTeam}::bigint when 2 then ${alone}::bigint
          when 3 then ${memberInTeam}::bigint else ${memberAlone}::bigint end
        where business_id = ${businessId} and id % 10 < 5`.execute(db)
    }
    await softDelete(database, businessId)
  }
  await touchInRounds(database, businessIds)
  return { database, businessIds, callers, ...(await facts(database)), searchTerms: await searchTerms(database) }
}

/** Deletes as the product would: orders first, then a job without live orders, then unreferenced contacts. */
async function softDelete(database: DatabaseHandle, businessId: string): Promise<void> {
  const db = database.db
  await sql`update sales_orders set deleted_at = now() where business_id = ${businessId} and (id % 6 = 0 or job_id % 9 = 0)`.execute(db)
  await sql`update purchase_orders set deleted_at = now() where business_id = ${businessId} and (id % 6 = 1 or job_id % 9 = 0)`.execute(db)
  await sql`update jobs set deleted_at = now() where business_id = ${businessId} and id % 9 = 0`.execute(db)
  await sql`update contacts c set deleted_at = now() where c.business_id = ${businessId} and c.id % 4 = 0
    and not exists (select 1 from jobs j where j.business_id = c.business_id and j.client_id = c.id and j.deleted_at is null)
    and not exists (select 1 from sales_orders o where o.business_id = c.business_id and o.client_id = c.id and o.deleted_at is null)`.execute(db)
  await db.insertInto('suppliers').values([
    { business_id: businessId, name: 'Gone Supplies', email: 'gone@read-property.test', deleted_at: new Date() },
    { business_id: businessId, name: 'Idle Supplies', email: null },
  ]).execute()
}

/** Separate transactions, so updated_at takes many values (the seed stamps a business at one instant). */
async function touchInRounds(database: DatabaseHandle, businessIds: string[]): Promise<void> {
  for (let round = 0; round < 5; round++) {
    for (const type of TYPE_NAMES) {
      await sleep(2)
      await sql`update ${sql.table(RECORD_TYPES[type].table)} set version = version
        where business_id in (${sql.join(businessIds)}) and id % 7 = ${round}`.execute(database.db)
    }
  }
}

async function facts(database: DatabaseHandle): Promise<Pick<ReadWorld, 'records' | 'byGlobalId' | 'teamOf'>> {
  const records: RecordFacts[] = []
  for (const type of TYPE_NAMES) {
    const { table, ownership } = RECORD_TYPES[type]
    const owner = ownership === 'owner column' ? sql`r.owner_id` : ownership === 'nobody' ? sql`null::bigint`
      : sql`(select j.owner_id from jobs j where j.business_id = r.business_id and j.id = r.job_id)`
    const { rows } = await sql<{ id: string; business_id: string; owner: string | null; deleted: boolean; updated_text: string; updated_ms: string }>`
      select r.id::text as id, r.business_id::text as business_id, ${owner}::text as owner, r.deleted_at is not null as deleted,
        r.updated_at::text as updated_text, floor(extract(epoch from r.updated_at) * 1000)::bigint::text as updated_ms
      from ${sql.table(table)} r order by r.id`.execute(database.db)
    for (const row of rows) {
      records.push({
        type, id: row.id, globalId: encodeGlobalId(type, row.id), businessId: row.business_id, owner: row.owner,
        deleted: row.deleted, updatedText: row.updated_text, updatedIso: new Date(Number(row.updated_ms)).toISOString(),
      })
    }
  }
  const principals = await database.db.selectFrom('principals').select(['id', 'team_id']).execute()
  return {
    records,
    byGlobalId: new Map(records.map((record) => [record.globalId, record])),
    teamOf: new Map(principals.map((principal) => [principal.id, principal.team_id])),
  }
}

/** Words and numbers the records hold, in varied case, plus LIKE's special characters. */
async function searchTerms(database: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{ term: string }>`
    select distinct term from (
      select split_part(name, ' ', 1) as term from jobs union all select substr(name, 2, 4) from jobs
      union all select last_name from contacts union all select company from contacts
      union all select substr(first_name, 1, 3) from contacts union all select split_part(name, ' ', 1) from suppliers
      union all select split_part(email, '@', 2) from suppliers union all select (number % 100)::text from sales_orders
      union all select (number % 10)::text from purchase_orders union all select number::text from jobs
    ) terms where term is not null and term <> '' and term = btrim(term) order by term`.execute(database.db)
  const terms = rows.map((row) => row.term)
  const mixed = terms.filter((_, index) => index % 3 === 0).map((term) => term.toUpperCase())
  return [...terms, ...mixed, '%', '_', '\\', '_a', 'a%', '100%', 'no-such-text']
}

/** Gives a caller's role this matrix (executeAs reads the role from the database on every call). */
export async function grant(world: ReadWorld, caller: Caller, matrix: PermissionMatrix): Promise<void> {
  await world.database.db.updateTable('security_roles').set({ permissions: JSON.stringify(matrix) })
    .where('business_id', '=', caller.businessId).where('id', '=', caller.roleId).execute()
}

export const principalOf = (caller: Caller, matrix: PermissionMatrix): ReferencePrincipal => ({
  businessId: caller.businessId, principalId: caller.principalId, teamId: caller.teamId, permissions: matrix,
})

/**
 * The contract's visibility rule once more, in plain JavaScript over the facts above (not SQL):
 * a second opinion that checks the product's answer and the reference alike.
 */
export function mayRead(world: ReadWorld, caller: Caller, matrix: PermissionMatrix, globalId: string): boolean {
  const record = world.byGlobalId.get(globalId)
  if (!record || record.businessId !== caller.businessId || record.deleted) return false
  const level = levelOf(matrix, RECORD_TYPES[record.type].module, 'INQUIRE')
  if (level === 'NONE') return false
  if (level === 'ALL' || record.type === 'Supplier') return true
  if (record.owner === null) return false
  if (level === 'MINE' || caller.teamId === null) return record.owner === caller.principalId
  return world.teamOf.get(record.owner) === caller.teamId
}
