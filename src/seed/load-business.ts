import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/types.js'
import { insertRows, reserveIds } from './bulk-insert.js'
import { batchCounts, generateJobs, jobBatchStatement } from './job-batch.js'
import {
  BusinessGenerator, type BusinessSizes, type NumberingStart, SALES_REP_PERMISSIONS, SALES_REP_ROLE_NAME,
  TEAM_NAMES,
} from './generate.js'

/** Tables the seed writes to. */
export const SEEDED_TABLES = [
  'businesses', 'security_roles', 'teams', 'principals', 'contacts', 'suppliers', 'jobs',
  'sales_orders', 'sales_order_lines', 'purchase_orders', 'purchase_order_lines',
] as const
export type SeededTable = (typeof SEEDED_TABLES)[number]
/** Rows inserted per table. */
export type RowCounts = Record<SeededTable, number>

/** All-zero counts, to add to. */
export function emptyCounts(): RowCounts {
  return Object.fromEntries(SEEDED_TABLES.map((table) => [table, 0])) as RowCounts
}

/** Adds `more` into `into`, table by table. */
export function addCounts(into: RowCounts, more: RowCounts): RowCounts {
  for (const table of SEEDED_TABLES) into[table] += more[table]
  return into
}

/** Order rows (orders and their lines) among the counts: the figure the load is sized by. */
export function orderRows(counts: RowCounts): number {
  return counts.sales_orders + counts.sales_order_lines + counts.purchase_orders + counts.purchase_order_lines
}

export interface LoadBusinessOptions {
  seed: number | number[]
  sizes: BusinessSizes
  referenceDate?: string
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

/** Contacts generated and inserted at a time. */
const CONTACTS_PER_BATCH = 5_000
/** Order rows (orders + lines) generated and inserted at a time: bounds memory for any size. */
const ORDER_ROWS_PER_BATCH = 20_000

/**
 * Fills one existing business with generated teams, a Sales Rep role, reps, contacts, suppliers,
 * jobs and orders, then moves its number counters past the numbers used. Streams job batches, so
 * memory stays flat however many jobs are asked for. Run it inside a transaction; on PGlite pass
 * the transaction, never the database handle.
 */
export async function loadBusinessData(
  db: Kysely<Database>,
  business: { id: string; slug: string },
  options: LoadBusinessOptions,
): Promise<RowCounts> {
  const { sizes } = options
  const businessId = business.id
  const counts = emptyCounts()
  const start = await numberingStart(db, businessId)
  const generator = new BusinessGenerator(options.seed, business.slug, sizes, start, options.referenceDate)

  const teamIds = await ensureTeams(db, businessId, counts)
  const roleId = await ensureSalesRepRole(db, businessId, counts)

  const reps = generator.salesReps()
  const repIds = await reserveIds(db, 'principals', reps.length)
  counts.principals += await insertRows(db, 'principals', PRINCIPAL_COLUMNS, reps.map((rep, i) => ({
    business_id: businessId, id: repIds[i], kind: 'USER', name: rep.name, email: rep.email,
    // No password: seeded reps own records but cannot sign in.
    password_hash: null, role_id: roleId, team_id: teamIds[rep.teamIndex],
  })))
  // Their emails are claimed in the global lookup like any user's (src/access/global-lookups.ts).
  await insertRows(db, 'login_emails', LOGIN_EMAIL_COLUMNS, reps.map((rep, i) => ({
    email: rep.email, business_id: businessId, principal_id: repIds[i],
  })))

  const contactIds: string[] = []
  for (let done = 0; done < sizes.contacts; done += CONTACTS_PER_BATCH) {
    const contacts = generator.contacts(Math.min(CONTACTS_PER_BATCH, sizes.contacts - done))
    const ids = await reserveIds(db, 'contacts', contacts.length)
    contactIds.push(...ids)
    counts.contacts += await insertRows(db, 'contacts', CONTACT_COLUMNS, contacts.map((contact, i) => ({
      business_id: businessId, id: ids[i], type: contact.type, first_name: contact.firstName,
      last_name: contact.lastName, company: contact.company, title: contact.title,
      emails: JSON.stringify(contact.emails), phones: JSON.stringify(contact.phones),
      addresses: JSON.stringify(contact.addresses), owner_id: contact.ownerIndex === null ? null : repIds[contact.ownerIndex],
    })))
  }

  const suppliers = generator.suppliers()
  const supplierIds = await reserveIds(db, 'suppliers', suppliers.length)
  counts.suppliers += await insertRows(db, 'suppliers', SUPPLIER_COLUMNS, suppliers.map((supplier, i) => ({
    business_id: businessId, id: supplierIds[i], name: supplier.name, email: supplier.email, phone: supplier.phone,
  })))

  // One statement per batch of jobs; while the server runs it, the next batch is generated here.
  const parents = { repIds, contactIds, supplierIds }
  const ordersPerJob = sizes.salesOrdersPerJob + sizes.purchaseOrdersPerJob
  const jobsPerBatch = clamp(Math.floor(ORDER_ROWS_PER_BATCH / Math.max(1, ordersPerJob * (1 + sizes.linesPerOrder))), 1, 2_000)
  let inFlight: Promise<unknown> | undefined
  for (let done = 0; done < sizes.jobs; done += jobsPerBatch) {
    const batch = await generateJobs(generator, Math.min(jobsPerBatch, sizes.jobs - done))
    const statement = jobBatchStatement(businessId, batch, parents).compile(db)
    await inFlight
    inFlight = db.executeQuery(statement)
    // Awaited on the next turn; until then a failure must not count as an unhandled rejection.
    inFlight.catch(() => {})
    addCounts(counts, { ...emptyCounts(), ...batchCounts(batch) })
  }
  await inFlight

  await saveCounters(db, businessId, generator.numbering())
  return counts
}

/** The highest numbers the business used so far, by counter or by row (whichever is higher). */
async function numberingStart(db: Kysely<Database>, businessId: string): Promise<NumberingStart> {
  const highest = async (table: 'jobs' | 'sales_orders' | 'purchase_orders') => {
    const { rows } = await sql<{ value: string | number | null }>`
      select greatest(
        (select max(number) from ${sql.table(table)} where business_id = ${businessId}),
        (select last_value from business_counters where business_id = ${businessId} and name = ${table}),
        0) as value`.execute(db)
    return Number(rows[0]?.value ?? 0)
  }
  return { jobs: await highest('jobs'), salesOrders: await highest('sales_orders'), purchaseOrders: await highest('purchase_orders') }
}

/** Moves the counters up to the highest numbers now used, so later writes continue without gaps. */
async function saveCounters(db: Kysely<Database>, businessId: string, last: NumberingStart): Promise<void> {
  await db
    .insertInto('business_counters')
    .values([
      { business_id: businessId, name: 'jobs', last_value: last.jobs },
      { business_id: businessId, name: 'sales_orders', last_value: last.salesOrders },
      { business_id: businessId, name: 'purchase_orders', last_value: last.purchaseOrders },
    ])
    .onConflict((conflict) =>
      conflict.columns(['business_id', 'name']).doUpdateSet({
        last_value: sql`greatest(business_counters.last_value, excluded.last_value)`,
      }),
    )
    .execute()
}

/** The seed's teams, reusing any the business already has under those names; ids in TEAM_NAMES order. */
async function ensureTeams(db: Kysely<Database>, businessId: string, counts: RowCounts): Promise<string[]> {
  const existing = await db.selectFrom('teams').select(['id', 'name'])
    .where('business_id', '=', businessId).where('name', 'in', [...TEAM_NAMES]).execute()
  const idByName = new Map(existing.map((team) => [team.name, team.id]))
  const missing = TEAM_NAMES.filter((name) => !idByName.has(name))
  if (missing.length > 0) {
    const created = await db.insertInto('teams')
      .values(missing.map((name) => ({ business_id: businessId, name })))
      .returning(['id', 'name']).execute()
    for (const team of created) idByName.set(team.name, team.id)
    counts.teams += created.length
  }
  return TEAM_NAMES.map((name) => idByName.get(name)!)
}

/** The business's "Sales Rep" role, created when missing. */
async function ensureSalesRepRole(db: Kysely<Database>, businessId: string, counts: RowCounts): Promise<string> {
  const existing = await db.selectFrom('security_roles').select('id')
    .where('business_id', '=', businessId).where('name', '=', SALES_REP_ROLE_NAME).executeTakeFirst()
  if (existing) return existing.id
  counts.security_roles += 1
  const role = await db.insertInto('security_roles')
    .values({ business_id: businessId, name: SALES_REP_ROLE_NAME, permissions: JSON.stringify(SALES_REP_PERMISSIONS) })
    .returning('id').executeTakeFirstOrThrow()
  return role.id
}

const LOGIN_EMAIL_COLUMNS = { email: 'text', business_id: 'int8', principal_id: 'int8' } as const
const PRINCIPAL_COLUMNS = {
  business_id: 'int8', id: 'int8', kind: 'text', name: 'text', email: 'text', password_hash: 'text',
  role_id: 'int8', team_id: 'int8',
} as const
const CONTACT_COLUMNS = {
  business_id: 'int8', id: 'int8', type: 'text', first_name: 'text', last_name: 'text', company: 'text',
  title: 'text', emails: 'jsonb', phones: 'jsonb', addresses: 'jsonb', owner_id: 'int8',
} as const
const SUPPLIER_COLUMNS = { business_id: 'int8', id: 'int8', name: 'text', email: 'text', phone: 'text' } as const
