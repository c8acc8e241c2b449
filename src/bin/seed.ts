/**
 * Loads generated businesses into the configured database (DATABASE_URL, else the embedded one in
 * GATEHOUSE_DATA_DIR) and reports how fast. Run: node --import tsx src/bin/seed.ts --help
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { databaseTarget, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { orderRows, type RowCounts, SEEDED_TABLES, type SeedOptions, seedDatabase } from '../seed/seed.js'

const USAGE = `Usage: node --import tsx src/bin/seed.ts [options]

Creates businesses filled with deterministic generated data (same options and seed, same data).

Options:
  --businesses N        businesses to create                          (default 1)
  --contacts N          contacts per business                         (default 500)
  --jobs N              jobs per business                             (default 2000)
  --orders-per-job N    sales orders, and purchase orders, per job    (default 2)
  --lines-per-order N   average lines per order                       (default 4)
  --suppliers N         suppliers per business        (default contacts / 10, 5 to 200)
  --reps N              sales reps per business       (default jobs / 250, 3 to 40)
  --seed N              random seed                                   (default 42)
  -h, --help            show this help

The database comes from the environment: DATABASE_URL (postgres://…) or, unset, the embedded
database in GATEHOUSE_DATA_DIR (default ./.data). Migrations run first.`

class UsageError extends Error {}

/** Turns the command line into seed options; throws UsageError on anything it cannot use. */
function parseOptions(argv: string[]): SeedOptions | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        businesses: { type: 'string' },
        contacts: { type: 'string' },
        jobs: { type: 'string' },
        'orders-per-job': { type: 'string' },
        'lines-per-order': { type: 'string' },
        suppliers: { type: 'string' },
        reps: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return 'help'
  const integer = (flag: keyof typeof values, fallback: number, max: number): number => {
    const text = values[flag]
    if (text === undefined) return fallback
    if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) > max) {
      throw new UsageError(`--${flag} must be a whole number from 0 to ${max}, got "${String(text)}"`)
    }
    return Number(text)
  }
  const optional = (flag: 'suppliers' | 'reps', max: number) =>
    values[flag] === undefined ? undefined : integer(flag, 0, max)
  return {
    businesses: integer('businesses', 1, 10_000),
    contactsPerBusiness: integer('contacts', 500, 10_000_000),
    jobsPerBusiness: integer('jobs', 2_000, 10_000_000),
    ordersPerJob: integer('orders-per-job', 2, 1_000),
    linesPerOrder: integer('lines-per-order', 4, 300),
    suppliersPerBusiness: optional('suppliers', 100_000),
    salesRepsPerBusiness: optional('reps', 100_000),
    seed: integer('seed', 42, Number.MAX_SAFE_INTEGER),
  }
}

const formatNumber = (value: number) => value.toLocaleString('en-US')
const totalRows = (counts: RowCounts) => SEEDED_TABLES.reduce((sum, table) => sum + counts[table], 0)

async function main(): Promise<number> {
  let options: SeedOptions | 'help'
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`seed: ${error.message}\nRun with --help to see the options.`)
    return 2
  }
  if (options === 'help') {
    console.log(USAGE)
    return 0
  }

  const target = databaseTarget(loadConfig())
  const opening = performance.now()
  const handle = await openDatabase(target)
  try {
    await migrateToLatest(handle.db)
    const where = target.kind === 'postgres' ? 'PostgreSQL' : `the embedded database in ${target.kind === 'pglite' ? target.dataDir : 'memory'}`
    // Reported apart: starting an embedded database takes seconds that say nothing about loading.
    console.log(`Opened and migrated ${where} in ${((performance.now() - opening) / 1000).toFixed(1)} s; seeding…`)
    const started = performance.now()
    const result = await seedDatabase(handle.db, {
      ...options,
      onBusiness: (business, index) => {
        const seconds = (performance.now() - started) / 1000
        console.log(`  ${index + 1}/${options.businesses} ${business.slug} (id ${business.id}): ` +
          `${formatNumber(totalRows(business.counts))} rows, ${seconds.toFixed(1)} s elapsed`)
      },
    })
    const seconds = (performance.now() - started) / 1000
    const width = Math.max(...SEEDED_TABLES.map((table) => table.length))
    console.log('\nRows inserted:')
    for (const table of SEEDED_TABLES) {
      console.log(`  ${table.padEnd(width)}  ${formatNumber(result.counts[table]).padStart(12)}`)
    }
    const all = totalRows(result.counts)
    const orders = orderRows(result.counts)
    console.log(`  ${'total'.padEnd(width)}  ${formatNumber(all).padStart(12)}`)
    console.log(`\n${formatNumber(orders)} order rows (orders + lines) in ${seconds.toFixed(1)} s: ` +
      `${formatNumber(Math.round(orders / seconds))} order rows/s, ${formatNumber(Math.round(all / seconds))} rows/s overall`)
    return 0
  } finally {
    await handle.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`seed: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)
