/**
 * Applies pending migrations to the configured database (`npm run migrate`): DATABASE_URL, else
 * the embedded one in GATEHOUSE_DATA_DIR. The server does the same at start; this is for deploys
 * that migrate before rolling out, and to see what a start would apply.
 */
import { loadConfig } from '../config.js'
import { DataDirLockedError } from '../db/data-dir-lock.js'
import { databaseTarget, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'

async function main() {
  const config = loadConfig()
  const target = databaseTarget(config)
  // Opening an embedded folder takes its lock: a running server's folder is refused, never shared.
  const database = await openDatabase(target)
  try {
    const applied = await migrateToLatest(database.db)
    const where = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.GATEHOUSE_DATA_DIR}`
    if (applied.length === 0) console.log(`${where} is up to date.`)
    else console.log(`Applied to ${where}:\n${applied.map((name) => `  ${name}`).join('\n')}`)
  } finally {
    await database.close()
  }
}

main().catch((error) => {
  console.error(error instanceof DataDirLockedError ? error.message : error)
  process.exit(1)
})
