import type { Kysely } from 'kysely'
import { createBusiness } from '../access/businesses.js'
import type { Database } from '../db/types.js'
import { type BusinessSizes, businessNames } from './generate.js'
import { addCounts, emptyCounts, loadBusinessData, type RowCounts } from './load-business.js'

export { type RowCounts, orderRows, SEEDED_TABLES } from './load-business.js'
export type { BusinessSizes } from './generate.js'

/** How much to seed. Orders per job applies to sales and purchase orders each. */
export interface SeedOptions {
  businesses: number
  contactsPerBusiness: number
  jobsPerBusiness: number
  ordersPerJob: number
  linesPerOrder: number
  seed: number
  /** Default: one per ten contacts, 5 to 200. */
  suppliersPerBusiness?: number
  /** Default: one per 250 jobs, 3 to 40. */
  salesRepsPerBusiness?: number
  /** The day dates are drawn around (default a fixed day, so a seed always gives the same rows). */
  referenceDate?: string
  /** Called after each business is committed, e.g. to report progress. */
  onBusiness?: (business: SeededBusiness, index: number) => void
}

export interface SeededBusiness {
  id: string
  slug: string
  name: string
  counts: RowCounts
}

export interface SeedResult {
  businesses: SeededBusiness[]
  /** Rows inserted per table, over all businesses (their Admin roles included). */
  counts: RowCounts
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

/** Throws a RangeError unless every size is a non-negative integer in range. */
export function validateSeedOptions(options: SeedOptions): void {
  const limits: [keyof SeedOptions, number][] = [
    ['businesses', 10_000], ['contactsPerBusiness', 10_000_000], ['jobsPerBusiness', 10_000_000],
    ['ordersPerJob', 1_000], ['linesPerOrder', 300], ['seed', Number.MAX_SAFE_INTEGER],
    ['suppliersPerBusiness', 100_000], ['salesRepsPerBusiness', 100_000],
  ]
  for (const [name, max] of limits) {
    const value = options[name]
    if (value === undefined && (name === 'suppliersPerBusiness' || name === 'salesRepsPerBusiness')) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${String(value)}`)
    }
  }
}

/** The per-business sizes the options describe. */
export function businessSizes(options: SeedOptions): BusinessSizes {
  const purchaseOrders = options.ordersPerJob
  return {
    salesReps: options.salesRepsPerBusiness ?? clamp(Math.round(options.jobsPerBusiness / 250), 3, 40),
    contacts: options.contactsPerBusiness,
    // Purchase orders need someone to buy from.
    suppliers: Math.max(
      purchaseOrders > 0 && options.jobsPerBusiness > 0 ? 1 : 0,
      options.suppliersPerBusiness ?? clamp(Math.round(options.contactsPerBusiness / 10), 5, 200),
    ),
    jobs: options.jobsPerBusiness,
    salesOrdersPerJob: options.ordersPerJob,
    purchaseOrdersPerJob: purchaseOrders,
    linesPerOrder: options.linesPerOrder,
  }
}

/**
 * Creates `businesses` businesses (named by faker from the seed, each with its Admin role) and fills
 * each with generated data, one transaction per business. Same options ⇒ same data, apart from
 * generated ids and timestamps (and slugs, when names are already taken in the database).
 */
export async function seedDatabase(db: Kysely<Database>, options: SeedOptions): Promise<SeedResult> {
  validateSeedOptions(options)
  const sizes = businessSizes(options)
  const names = businessNames(options.seed, options.businesses)
  const result: SeedResult = { businesses: [], counts: emptyCounts() }
  for (const [index, name] of names.entries()) {
    const seeded = await inTransaction(db, async (trx) => {
      const business = await createBusiness(trx, { name })
      const counts = await loadBusinessData(trx, business, {
        seed: [options.seed, index + 1],
        sizes,
        referenceDate: options.referenceDate,
      })
      counts.businesses += 1
      counts.security_roles += 1 // the built-in Admin role createBusiness adds
      return { id: business.id, slug: business.slug, name, counts }
    })
    result.businesses.push(seeded)
    addCounts(result.counts, seeded.counts)
    options.onBusiness?.(seeded, index)
  }
  return result
}

/** What the first start's demo business gets: a few hundred jobs with their orders. */
export const DEMO_SIZES: BusinessSizes = {
  salesReps: 8,
  contacts: 150,
  suppliers: 20,
  jobs: 300,
  salesOrdersPerJob: 2,
  purchaseOrdersPerJob: 1,
  linesPerOrder: 4,
}
const DEMO_SEED = 20_261_125

/**
 * Fills one existing business with the demo data set (DEMO_SIZES), dated around today. Takes the
 * executor: inside a transaction it uses that transaction, outside it opens one of its own.
 */
export async function loadDemoData(db: Kysely<Database>, businessId: string, slug: string): Promise<RowCounts> {
  const today = new Date().toISOString().slice(0, 10)
  return inTransaction(db, (trx) =>
    loadBusinessData(trx, { id: businessId, slug }, { seed: DEMO_SEED, sizes: DEMO_SIZES, referenceDate: today }),
  )
}

/** Runs `work` in the caller's transaction if there is one, else in a new one. */
function inTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
