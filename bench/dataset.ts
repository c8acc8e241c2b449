import { randomBytes } from 'node:crypto'
import { reserveLoginEmail } from '../src/access/global-lookups.js'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { sql } from 'kysely'
import pg from 'pg'
import { hashPassword } from '../src/access/credentials/passwords.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { type RowCounts, SEEDED_TABLES, type SeedOptions, seedDatabase } from '../src/seed/seed.js'
import type { BenchOptions } from './options.js'

/** The seeded database every server of one run reads. */
export interface Dataset {
  url: string
  database: string
  seedOptions: Omit<SeedOptions, 'onBusiness'>
  counts: RowCounts
  totalRows: number
  seedSeconds: number
  reused: boolean
  /** The business the bench reads (the first seeded one) and the admin user made in it to issue the key. */
  business: { id: string; slug: string; jobs: number }
  admin: { email: string; password: string }
}

/** A fixed day, so two runs with the same sizes seed the same rows. */
const REFERENCE_DATE = '2026-06-15'

/** Seed options for the bench's sizes. */
export function seedOptionsFor(options: BenchOptions): Omit<SeedOptions, 'onBusiness'> {
  return {
    businesses: options.businesses,
    contactsPerBusiness: options.contacts,
    jobsPerBusiness: options.jobs,
    ordersPerJob: options.ordersPerJob,
    linesPerOrder: options.linesPerOrder,
    seed: options.seed,
    referenceDate: REFERENCE_DATE,
  }
}

/**
 * Drops and recreates the bench database, migrates and seeds it, adds an admin user to the first
 * business (the bench signs in as it to issue an API key through the real mutations), then
 * VACUUM ANALYZE so neither autovacuum nor stale statistics move the figures mid-run. With
 * --reuse-data, a database left by a run with the same sizes is kept as it is.
 */
export async function prepareDataset(options: BenchOptions, stateFile: string, log: (line: string) => void): Promise<Dataset> {
  const url = `${options.postgresUrl}/${options.database}`
  const seedOptions = seedOptionsFor(options)
  if (options.reuseData) {
    const previous = readState(stateFile)
    if (previous && previous.url === url && JSON.stringify(previous.seedOptions) === JSON.stringify(seedOptions)) {
      if (await databaseExists(options.postgresUrl, options.database)) {
        log(`Reusing ${options.database} (${previous.totalRows.toLocaleString('en-US')} rows, same sizes as the last run).`)
        return { ...previous, reused: true }
      }
    }
  }

  await recreateDatabase(options.postgresUrl, options.database)
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 2 })
  try {
    await migrateToLatest(handle.db)
    log(`Seeding ${options.database}: ${options.businesses} × ${options.jobs.toLocaleString('en-US')} jobs × ` +
      `${options.ordersPerJob} sales + ${options.ordersPerJob} purchase orders × ${options.linesPerOrder} lines…`)
    const started = performance.now()
    const result = await seedDatabase(handle.db, {
      ...seedOptions,
      onBusiness: (business, index) =>
        log(`  ${index + 1}/${options.businesses} ${business.slug}: ${((performance.now() - started) / 1000).toFixed(0)} s`),
    })
    const seedSeconds = (performance.now() - started) / 1000
    const first = result.businesses[0]!
    const admin = { email: `bench-admin@${first.slug}.bench.local`, password: randomBytes(18).toString('base64url') }
    const role = await handle.db
      .selectFrom('security_roles')
      .select('id')
      .where('business_id', '=', first.id)
      .where('is_builtin', '=', true)
      .executeTakeFirstOrThrow()
    const passwordHash = await hashPassword(admin.password)
    // Through the global login lookup, as every user is (sign-in finds the email there).
    await handle.db.transaction().execute(async (trx) => {
      const id = await reserveLoginEmail(trx, { email: admin.email, businessId: first.id })
      if (id === undefined) throw new Error(`${admin.email} is taken`)
      await trx
        .insertInto('principals')
        .values({ business_id: first.id, id, kind: 'USER', name: 'Bench Admin', email: admin.email, password_hash: passwordHash, role_id: role.id })
        .execute()
    })
    log('VACUUM ANALYZE…')
    await sql`vacuum analyze`.execute(handle.db)
    const dataset: Dataset = {
      url,
      database: options.database,
      seedOptions,
      counts: result.counts,
      totalRows: SEEDED_TABLES.reduce((sum, table) => sum + result.counts[table], 0),
      seedSeconds,
      reused: false,
      business: { id: first.id, slug: first.slug, jobs: first.counts.jobs },
      admin,
    }
    // The admin password of a throwaway bench database, kept in the gitignored work folder only.
    writeFileSync(stateFile, JSON.stringify(dataset, null, 2), { mode: 0o600 })
    return dataset
  } finally {
    await handle.close()
  }
}

function readState(stateFile: string): Dataset | null {
  if (!existsSync(stateFile)) return null
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as Dataset
  } catch {
    return null
  }
}

/** Runs `work` on a connection to the server's maintenance database. */
async function withServer<T>(postgresUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${postgresUrl}/postgres` })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function databaseExists(postgresUrl: string, name: string): Promise<boolean> {
  return withServer(postgresUrl, async (client) =>
    (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1,
  )
}

async function recreateDatabase(postgresUrl: string, name: string): Promise<void> {
  // `name` is validated as a plain identifier by the options parser.
  await withServer(postgresUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`)
    await client.query(`create database ${name}`)
  })
}

/** Transactions committed in the database so far (the server's cumulative statistics). */
export async function committedTransactions(postgresUrl: string, name: string): Promise<number> {
  return withServer(postgresUrl, async (client) => {
    const { rows } = await client.query<{ commits: string }>(
      'select xact_commit::text as commits from pg_stat_database where datname = $1',
      [name],
    )
    return Number(rows[0]?.commits ?? Number.NaN)
  })
}
