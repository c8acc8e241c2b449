import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyPepperRequiredError } from '../../../src/access/credentials/api-keys.js'
import { createApp } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'
import type { DatabaseHandle } from '../../../src/db/database.js'
import { createTestDatabase } from '../../setup/database.js'

let database: DatabaseHandle

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

describe('the API key pepper', () => {
  it.runIf(process.env.DATABASE_URL)('is required in production on PostgreSQL, before bootstrap writes anything', async () => {
    const config = loadConfig({
      NODE_ENV: 'production', BOOTSTRAP_ADMIN_EMAIL: 'admin@pepper.test', BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery',
    })
    await expect(createApp(config, { database, log: pino({ level: 'silent' }) })).rejects.toBeInstanceOf(KeyPepperRequiredError)
    const businesses = await database.db.selectFrom('businesses').select('id').execute()
    expect(businesses).toEqual([])
  })

  it('is generated once and kept when none is configured outside production', async () => {
    const config = loadConfig({ NODE_ENV: 'test', BOOTSTRAP_ADMIN_EMAIL: 'admin@pepper.test', BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery', GATEHOUSE_DEMO_DATA: '0' })
    for (let start = 0; start < 2; start++) {
      const app = await createApp(config, { database, log: pino({ level: 'silent' }) })
      await app.close()
    }
    const secrets = await database.db.selectFrom('server_secrets').select('name').execute()
    expect(secrets.length).toBeGreaterThan(0)
    expect(new Set(secrets.map((secret) => secret.name)).size).toBe(secrets.length)
  })
})
