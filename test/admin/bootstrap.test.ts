import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, describe, expect, test, vi } from 'vitest'
import { BootstrapConfigError, DEMO_ADMIN_EMAIL, bootstrap } from '../../src/admin/bootstrap.js'
import { verifyPassword } from '../../src/access/credentials/passwords.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { createTestDatabase } from '../setup/database.js'
import { ADMIN_EMAIL, bearer, signIn, signInAsAdmin, whoAmI } from '../setup/clients.js'

const onPostgres = Boolean(process.env.DATABASE_URL)
// Each test here starts its own database, server or CLI process: slow on a busy 2-core machine.
const SLOW = { timeout: 240_000 }
const servers: TestServer[] = []
const tempDirs: string[] = []
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5 })
})

/** Runs the admin CLI as its own process, as `npm run admin -- …` does. */
function cli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_LOG_LEVEL: 'warn', ...env }
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name]
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/bin/admin.ts', ...args], { env: childEnv, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    )
  })
}

describe('bootstrap', SLOW, () => {
  test('creates the business and admin from the variables, once', async () => {
    const server = await startTestServer({ BOOTSTRAP_BUSINESS_NAME: 'Boot Co' })
    servers.push(server)
    const admin = await signInAsAdmin(server)
    const { body } = await server.graphql('{ viewer { business { name slug } role { builtin } } }', { headers: admin.headers })
    expect(body.data.viewer).toEqual({ business: { name: 'Boot Co', slug: 'boot-co' }, role: { builtin: true } })
    // A second start finds the admin and changes nothing, whatever the variables say now.
    const { config, database, log } = server.app.services
    await bootstrap({ config: { ...config, BOOTSTRAP_ADMIN_EMAIL: 'other@test.local', BOOTSTRAP_BUSINESS_NAME: 'Other' }, database, log })
    const businesses = await database.db.selectFrom('businesses').select('name').execute()
    expect(businesses).toEqual([{ name: 'Boot Co' }])
  })

  test('refuses half of the admin variables', async () => {
    const database = await createTestDatabase()
    try {
      const config = loadConfig({ NODE_ENV: 'test', BOOTSTRAP_ADMIN_EMAIL: 'a@test.local', GATEHOUSE_DEMO_DATA: '0' })
      await expect(bootstrap({ config, database, log: pino({ level: 'silent' }) })).rejects.toThrow(BootstrapConfigError)
      expect(await database.db.selectFrom('businesses').select('id').execute()).toEqual([])
    } finally {
      await database.close()
    }
  })

  test.runIf(onPostgres)('on PostgreSQL, requires the admin variables', async () => {
    const database = await createTestDatabase()
    try {
      const config = loadConfig({ NODE_ENV: 'test' })
      await expect(bootstrap({ config, database, log: pino({ level: 'silent' }) })).rejects.toThrow(/BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD/)
      expect(await database.db.selectFrom('businesses').select('id').execute()).toEqual([])
    } finally {
      await database.close()
    }
  })

  test.runIf(!onPostgres)('on the embedded database, generates a password, prints it once outside the log, and loads demo data', async () => {
    const printed: string[] = []
    const logLines: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk))
      return true
    })
    let server: TestServer
    try {
      server = await startTestServer(
        { BOOTSTRAP_ADMIN_EMAIL: undefined, BOOTSTRAP_ADMIN_PASSWORD: undefined, GATEHOUSE_DEMO_DATA: undefined } as unknown as Record<string, string>,
        { log: pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) }) },
      )
      servers.push(server)
    } finally {
      spy.mockRestore()
    }
    const banner = printed.join('')
    const password = /with the password (\S+)/.exec(banner)?.[1]
    expect(banner).toContain(DEMO_ADMIN_EMAIL)
    expect(password).toMatch(/^[0-9A-Za-z]{20}$/)
    expect(logLines.join('\n')).not.toContain(password!)
    const admin = await signIn(server, DEMO_ADMIN_EMAIL, password!)
    const { body } = await server.graphql('{ jobs(first: 1) { totalCount } }', { headers: admin.headers })
    expect(body.data.jobs.totalCount).toBeGreaterThan(100)
  })
})

describe('admin CLI', SLOW, () => {
  test.runIf(!onPostgres)('creates a business, resets a password, and refuses a data folder held by another process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'))
    tempDirs.push(dataDir)
    const env = { GATEHOUSE_DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined }

    const usage = await cli(['create-business', '--name', 'Acme', '--admin-email', 'not-an-email', '--admin-password', 'short'], env)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--admin-email must be an email address')
    expect(usage.stderr).toContain('--admin-password must be at least 8 characters')

    const created = await cli(['create-business', '--name', 'Acme Corp', '--admin-email', 'Boss@Acme.test', '--admin-password', 'first password'], env)
    expect(created.stderr).toContain('slug acme-corp')
    expect(created.code).toBe(0)
    const businessId = created.stdout.trim()
    expect(businessId).toMatch(/^\d+$/)
    const reset = await cli(['reset-password', '--email', 'boss@acme.test', '--password', 'second password'], env)
    expect(reset.code).toBe(0)
    expect(reset.stdout + reset.stderr).not.toContain('second password')

    // This test process now holds the folder, as a running server would.
    const held = await openDatabase({ kind: 'pglite', dataDir })
    try {
      const user = await held.db.selectFrom('principals').selectAll().where('email', '=', 'boss@acme.test').executeTakeFirstOrThrow()
      expect(user.business_id).toBe(businessId)
      expect(await verifyPassword('second password', user.password_hash!)).toBe(true)
      const refused = await cli(['reset-password', '--email', 'boss@acme.test', '--password', 'third password'], env)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`in use by process ${process.pid}`)
      const after = await held.db.selectFrom('principals').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
      expect(after.password_hash).toBe(user.password_hash)
    } finally {
      await held.close()
    }
  })

  test.runIf(onPostgres)('on PostgreSQL, reset-password ends the user\'s sessions on a running server at once', async () => {
    const server = await startTestServer()
    servers.push(server)
    const admin = await signInAsAdmin(server)
    expect((await whoAmI(server, admin.headers)).status).toBe(200)
    const env = { DATABASE_URL: server.app.services.database.url, REDIS_URL: undefined }
    const reset = await cli(['reset-password', '--email', ADMIN_EMAIL, '--password', 'brand new password'], env)
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringContaining('1 open session(s) ended') })
    // The server cached the session; the CLI's NOTIFY makes it forget (delivery takes milliseconds).
    let status = 200
    for (let tries = 0; tries < 50 && status !== 401; tries++) {
      status = (await whoAmI(server, bearer(admin.token))).status
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(status).toBe(401)
    await signIn(server, ADMIN_EMAIL, 'brand new password')
    const created = await cli(['create-business', '--name', 'Second', '--admin-email', 'second@test.local', '--admin-password', 'second password'], env)
    expect(created.code).toBe(0)
    const second = await signIn(server, 'second@test.local', 'second password')
    expect(second.businessId).toBe(created.stdout.trim())
    const taken = await cli(['create-business', '--name', 'Again', '--admin-email', 'second@test.local', '--admin-password', 'second password'], env)
    expect(taken).toMatchObject({ code: 1, stderr: expect.stringContaining('already used') })
  })
})
