import { parseArgs } from 'node:util'
import { findLoginEmail } from '../access/global-lookups.js'
import { z } from 'zod'
import { recordAudit } from '../access/audit.js'
import { EmailTakenError, createBusinessWithAdmin } from '../admin/bootstrap.js'
import { publishInvalidation } from '../access/credentials/invalidation.js'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, hashPassword } from '../access/credentials/passwords.js'
import { liftSignInLocks } from '../access/credentials/sign-in-throttle.js'
import { revokeUserSessions } from '../access/credentials/sessions.js'
import { loadConfig } from '../config.js'
import { DataDirLockedError } from '../db/data-dir-lock.js'
import { type DatabaseHandle, databaseTarget, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { createLogger } from '../logger.js'

/**
 * The admin CLI, for what must work when nobody can sign in:
 *   npm run admin -- create-business --name N --admin-email E --admin-password P [--admin-name A]
 *   npm run admin -- reset-password --email E --password P
 * Exit codes: 0 done; 1 refused (database in use by a server, email taken, no such user, bad
 * environment); 2 bad usage. On the embedded database the data folder's lock keeps it from
 * running beside a live server; on PostgreSQL running servers are told to forget the user's
 * cached credentials.
 */

const USAGE = `Usage:
  npm run admin -- create-business --name <name> --admin-email <email> --admin-password <password> [--admin-name <name>]
      Creates a business with its built-in Admin role and first admin user; prints the new business id.
  npm run admin -- reset-password --email <email> --password <password>
      Sets a user's password and ends all of its sessions.`

const password = z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
const email = z.string().trim().toLowerCase().pipe(z.email('must be an email address'))

const CreateBusiness = z.object({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  'admin-email': email,
  'admin-password': password,
  'admin-name': z.string().trim().min(1).max(100).optional(),
})
const ResetPassword = z.object({ email, password })

class UsageError extends Error {}

/** Parses and validates `--flag value` options for one command. */
function options<T extends z.ZodObject>(schema: T, args: string[]): z.infer<T> {
  const flags = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, { type: 'string' as const }]))
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args, options: flags, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const parsed = schema.safeParse(values)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')} ${issue.code === 'invalid_type' ? 'is required' : issue.message}`)
    throw new UsageError(problems.join('\n'))
  }
  return parsed.data
}

async function createBusinessCommand(database: DatabaseHandle, input: z.infer<typeof CreateBusiness>) {
  const passwordHash = await hashPassword(input['admin-password'])
  const account = await database.db.transaction().execute((trx) =>
    createBusinessWithAdmin(trx, {
      businessName: input.name,
      email: input['admin-email'],
      passwordHash,
      adminName: input['admin-name'],
      via: 'cli',
    }),
  )
  process.stderr.write(`Created business "${input.name}" (slug ${account.slug}) with admin ${account.email}.\n`)
  // The id alone on stdout, so scripts can capture it.
  process.stdout.write(`${account.businessId}\n`)
}

async function resetPasswordCommand(deps: Deps, input: z.infer<typeof ResetPassword>) {
  const { database } = deps
  const passwordHash = await hashPassword(input.password)
  const user = await database.db.transaction().execute(async (trx) => {
    const login = await findLoginEmail(trx, input.email.trim().toLowerCase())
    const user = login
      ? await trx
          .selectFrom('principals')
          .select(['business_id', 'id'])
          .where('business_id', '=', login.business_id)
          .where('id', '=', login.principal_id)
          .where('kind', '=', 'USER')
          .forUpdate()
          .executeTakeFirst()
      : undefined
    if (!user) return null
    await trx.updateTable('principals').set({ password_hash: passwordHash }).where('business_id', '=', user.business_id).where('id', '=', user.id).execute()
    const ended = await revokeUserSessions(trx, user.business_id, user.id)
    // A reset is how an admin locked out of sign-in gets back in: their locks go too.
    const lifted = await liftSignInLocks(trx, input.email)
    await recordAudit(trx, {
      businessId: user.business_id,
      action: 'user.password_reset',
      actorId: null,
      credential: null,
      targetType: 'User',
      targetId: user.id,
      details: { via: 'cli', sessionsEnded: ended.length, liftedSignInLocks: lifted },
    })
    return { ...user, ended: ended.length }
  })
  if (!user) throw new Error(`No user has the email ${input.email}.`)
  await publishInvalidation(deps, { businessId: user.business_id, principalId: user.id })
  process.stdout.write(`Password reset for ${input.email}; ${user.ended} open session(s) ended.\n`)
}

type Deps = Parameters<typeof publishInvalidation>[0]

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  // Flags are validated before anything touches the database.
  let run: (deps: Deps) => Promise<void>
  if (command === 'create-business') {
    const input = options(CreateBusiness, rest)
    run = (deps) => createBusinessCommand(deps.database, input)
  } else if (command === 'reset-password') {
    const input = options(ResetPassword, rest)
    run = (deps) => resetPasswordCommand(deps, input)
  } else {
    const help = command === 'help' || command === '--help'
    process.stderr.write(`${command && !help ? `Unknown command: ${command}\n\n` : ''}${USAGE}\n`)
    return help ? 0 : 2
  }

  const config = loadConfig()
  const log = createLogger(config.GATEHOUSE_LOG_LEVEL === 'info' ? 'warn' : config.GATEHOUSE_LOG_LEVEL)
  const database = await openDatabase(databaseTarget(config))
  try {
    await migrateToLatest(database.db)
    await run({ config, database, log })
    return 0
  } finally {
    await database.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`)
      process.exit(2)
    }
    const known = error instanceof DataDirLockedError || error instanceof EmailTakenError || (error instanceof Error && /^(No user|Invalid environment)/.test(error.message))
    process.stderr.write(`${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`)
    process.exit(1)
  },
)
