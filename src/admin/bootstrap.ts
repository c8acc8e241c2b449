import { type Kysely, sql } from 'kysely'
import { findLoginEmail, reserveLoginEmail } from '../access/global-lookups.js'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { DatabaseHandle } from '../db/database.js'
import type { Database } from '../db/types.js'
import { recordAudit } from '../access/audit.js'
import { createBusiness } from '../access/businesses.js'
import { hashPassword } from '../access/credentials/passwords.js'
import { randomBase62 } from '../access/credentials/tokens.js'

/**
 * The first start: when no admin user exists, create a business with its first admin, so there is
 * someone to sign in as. Also the home of `createBusinessWithAdmin`, which the admin CLI shares.
 */

export const DEMO_ADMIN_EMAIL = 'admin@demo.local'
// Any fixed number: serialises bootstraps of instances starting together on one PostgreSQL server.
const BOOTSTRAP_LOCK = 7_202_611_251

export class BootstrapConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BootstrapConfigError'
  }
}

export class EmailTakenError extends Error {
  constructor() {
    super('That email address is already used by a Gatehouse user.')
    this.name = 'EmailTakenError'
  }
}

/** Creates the first business and admin when no admin user exists; loads demo data when asked. */
export async function bootstrap(deps: { config: Config; database: DatabaseHandle; log: Logger }): Promise<void> {
  const { config, database, log } = deps
  if (await adminExists(database.db)) return

  const email = config.BOOTSTRAP_ADMIN_EMAIL?.toLowerCase()
  const given = config.BOOTSTRAP_ADMIN_PASSWORD
  if ((email === undefined) !== (given === undefined)) {
    throw new BootstrapConfigError('Set both BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD, or neither.')
  }
  if (email === undefined && database.kind === 'postgres') {
    throw new BootstrapConfigError(
      'This PostgreSQL database has no admin user yet: set BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD ' +
        '(at least 8 characters) for the first start, or create a business with `npm run admin -- create-business`.',
    )
  }
  // A generated password is long and random: it is shown once and meant to be changed.
  const password = given ?? randomBase62(20)
  const passwordHash = await hashPassword(password)

  const created = await database.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx)
    if (await adminExists(trx)) return null
    const emptyBefore = !(await trx.selectFrom('businesses').select('id').limit(1).executeTakeFirst())
    const account = await createBusinessWithAdmin(trx, {
      businessName: config.BOOTSTRAP_BUSINESS_NAME,
      email: email ?? DEMO_ADMIN_EMAIL,
      passwordHash,
      via: 'bootstrap',
    })
    // Demo data: on by default only for a brand-new embedded database; GATEHOUSE_DEMO_DATA decides otherwise.
    const demo = config.GATEHOUSE_DEMO_DATA ?? (database.kind === 'pglite' && emptyBefore)
    if (demo) {
      // Loaded only when needed: the generator pulls in faker's whole vocabulary.
      const { loadDemoData } = await import('../seed/seed.js')
      await loadDemoData(trx, account.businessId, account.slug)
    }
    return { ...account, demo }
  })
  if (!created) return

  log.info(
    { businessId: created.businessId, slug: created.slug, email: created.email, demoData: created.demo },
    'bootstrap: created the first business and its admin',
  )
  if (!given) {
    // Printed once, to the terminal only: never through the structured log, which may be shipped elsewhere.
    process.stdout.write(
      `\n  Gatehouse first start: sign in as ${created.email} with the password ${password}\n` +
        '  It is shown only this once. Change it with the changePassword mutation, or `npm run admin -- reset-password`.\n' +
        `  Admin console: http://${config.HOST}:${config.PORT}/admin   GraphiQL: http://${config.HOST}:${config.PORT}/graphql\n\n`,
    )
  }
}

/** True when any business has a user holding its built-in Admin role. */
async function adminExists(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('principals as p')
    .innerJoin('security_roles as r', (join) => join.onRef('r.business_id', '=', 'p.business_id').onRef('r.id', '=', 'p.role_id'))
    .select('p.id')
    .where('p.kind', '=', 'USER')
    .where('r.is_builtin', '=', true)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

export interface CreatedAccount {
  businessId: string
  slug: string
  userId: string
  email: string
}

/**
 * Creates a business, its built-in Admin role and its first admin user (inside the caller's
 * transaction). Throws EmailTakenError when the login email is already used anywhere.
 */
export async function createBusinessWithAdmin(
  trx: Kysely<Database>,
  input: { businessName: string; email: string; passwordHash: string; via: 'bootstrap' | 'cli'; adminName?: string },
): Promise<CreatedAccount> {
  const email = input.email.trim().toLowerCase()
  if (await findLoginEmail(trx, email)) throw new EmailTakenError()
  const business = await createBusiness(trx, { name: input.businessName })
  const userId = await reserveLoginEmail(trx, { email, businessId: business.id })
  if (userId === undefined) throw new EmailTakenError() // taken meanwhile
  const user = await trx
    .insertInto('principals')
    .values({
      business_id: business.id,
      id: userId,
      kind: 'USER',
      name: input.adminName ?? 'Administrator',
      email,
      password_hash: input.passwordHash,
      role_id: business.adminRoleId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    businessId: business.id,
    action: 'user.create',
    actorId: null,
    credential: null,
    targetType: 'User',
    targetId: user.id,
    details: { via: input.via, fields: ['email', 'name', 'role'] },
  })
  return { businessId: business.id, slug: business.slug, userId: user.id, email }
}
