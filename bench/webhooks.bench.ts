/**
 * `npm run bench:webhooks`: the measurement of bench/webhook-writes.ts on one in-process Gatehouse
 * (PGlite, or a fresh PostgreSQL database when DATABASE_URL is set), the client, the server and the
 * receiver in this one process. `npm run bench` makes the same measurement on a server process.
 * Options: --windows N (default 6), --writes N per window (default 200), --records N (default 20): the
 * writes go round-robin over that many contacts (1: every event waits for the one before it, the
 * worst case of in-order delivery).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { createApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createTestDatabase } from '../test/setup/database.js'
import { measureWebhookWrites } from './webhook-writes.js'

const { values } = parseArgs({ options: { windows: { type: 'string', default: '6' }, writes: { type: 'string', default: '200' }, records: { type: 'string', default: '20' } } })
const EMAIL = 'bench@webhooks.test'
const PASSWORD = 'bench webhooks password'

const database = await createTestDatabase()
const config = loadConfig({
  NODE_ENV: 'test', GATEHOUSE_DEMO_DATA: '0', BOOTSTRAP_ADMIN_EMAIL: EMAIL, BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  GATEHOUSE_KEY_PEPPER: 'bench-pepper-0123456789abcdef', GATEHOUSE_COST_LIMIT: '0', GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1',
  // GATEHOUSE_WEBHOOK_WORKER=0 measures the outbox write alone (nothing is delivered).
  GATEHOUSE_WEBHOOK_WORKER: process.env.GATEHOUSE_WEBHOOK_WORKER ?? '1',
})
const app = await createApp(config, { database, log: pino({ level: 'warn' }) })
const server = createServer(app.handle)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
try {
  const result = await measureWebhookWrites({
    graphqlUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    admin: { email: EMAIL, password: PASSWORD },
    windows: Number(values.windows),
    writes: Number(values.writes),
    records: Number(values.records),
    drainMs: config.GATEHOUSE_WEBHOOK_WORKER ? 30_000 : 0,
  })
  console.log(JSON.stringify({ database: database.kind, ...result }, (_key, value) => (typeof value === 'number' ? Number(value.toFixed(2)) : value), 2))
} finally {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await app.close()
  await database.close()
}
